package io.chaosplaybooks.runtime.proxy;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every byte arrives, in order, in both directions, over many concurrent connections, while toxics
 * that delay or reshape data (latency, slicer, bandwidth, loss) are added, updated and removed
 * mid-stream. Payloads are random, from one byte to several megabytes. Bounded: 16 connections,
 * about 24 MB each way, 120 s at most.
 */
class ByteExactnessTest {
    private FaultEngine engine;
    private EchoServer echo;
    private ExecutorService pool;

    @BeforeEach
    void start() throws IOException {
        engine = new FaultEngine();
        echo = new EchoServer();
        pool = Executors.newFixedThreadPool(40);
    }

    @AfterEach
    void stop() throws IOException {
        pool.shutdownNow();
        engine.close();
        echo.close();
    }

    @Test
    void everyByteArrivesInOrderWhileToxicsChange() throws Exception {
        int port = engine.createProxy(ProxySpec.of("p", "127.0.0.1:0", echo.address())).listenPort();
        AtomicBoolean done = new AtomicBoolean();
        CountDownLatch toxicsInstalled = new CountDownLatch(1);
        Future<Integer> chaos = pool.submit(() -> churnToxics(done, toxicsInstalled));
        assertTrue(toxicsInstalled.await(10, TimeUnit.SECONDS), "toxics in place before the data starts");

        Random sizes = new Random(11);
        List<Future<?>> connections = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            int size = i % 4 == 0 ? 1 + sizes.nextInt(1000) : 500_000 + sizes.nextInt(2_500_000);
            long seed = i;
            connections.add(pool.submit(() -> roundTrip(port, size, seed)));
        }
        for (Future<?> f : connections) {
            f.get(120, TimeUnit.SECONDS);
        }
        done.set(true);
        int changes = chaos.get(10, TimeUnit.SECONDS);
        assertTrue(changes >= 8, "toxics changed mid-stream " + changes + " times");
        assertTrue(engine.toxics("p").isEmpty());
    }

    @Test
    void removingAToxicThatHoldsDataWhileMoreFlowsKeepsOrder() throws Exception {
        int port = engine.createProxy(ProxySpec.of("p", "127.0.0.1:0", echo.address())).listenPort();
        engine.addToxic("p", ToxicSpec.of("latency", "downstream", Map.of("latency", 200)));
        int size = 12 * 1024 * 1024;
        byte[] payload = new byte[size];
        new Random(99).nextBytes(payload);
        try (Socket s = Sockets.connect(port); ExecutorService readers = Executors.newSingleThreadExecutor()) {
            Future<byte[]> reader = readers.submit(() -> readAll(s.getInputStream(), size));
            OutputStream out = s.getOutputStream();
            long start = System.nanoTime();
            boolean removed = false;
            // About 13 MB/s: some 2.5 MB are held by the 200 ms latency when it is removed, and more keeps
            // arriving while the held data is being written out.
            for (int off = 0; off < size; off += 64 * 1024) {
                out.write(payload, off, Math.min(64 * 1024, size - off));
                Thread.sleep(5);
                if (!removed && System.nanoTime() - start > 400_000_000L) {
                    engine.removeToxic("p", "latency_downstream");
                    removed = true;
                }
            }
            byte[] back = reader.get(60, TimeUnit.SECONDS);
            assertEquals(-1, Arrays.mismatch(payload, back), "bytes reordered or lost around the removal");
        }
    }

    /** Adds, updates and removes toxics in a loop until told to stop; returns the number of changes made. */
    private int churnToxics(AtomicBoolean done, CountDownLatch toxicsInstalled) throws InterruptedException {
        int changes = 0;
        Random random = new Random(5);
        while (!done.get()) {
            engine.addToxic("p", ToxicSpec.of("latency", "downstream", Map.of("latency", 2, "jitter", 2)));
            engine.addToxic("p", ToxicSpec.of("slicer", "upstream", Map.of("average_size", 700, "size_variation", 300, "delay", 100)));
            engine.addToxic("p", ToxicSpec.of("bandwidth", "downstream", Map.of("rate", 20_000 + random.nextInt(50_000))));
            engine.addToxic("p", ToxicSpec.of("loss", "upstream", Map.of("rate", 0.05, "rto_ms", 3)));
            engine.addToxic("p", new ToxicSpec("toxicity-half", "latency", "upstream", 0.5, Map.of("latency", 1)));
            changes += 5;
            toxicsInstalled.countDown();
            Thread.sleep(30);
            engine.updateToxic("p", "latency_downstream", new ToxicSpec(null, null, null, null, Map.of("latency", 5)));
            engine.updateToxic("p", "bandwidth_downstream", new ToxicSpec(null, null, null, null, Map.of("rate", 0)));
            changes += 2;
            Thread.sleep(20);
            for (String name : List.of("bandwidth_downstream", "slicer_upstream", "latency_downstream", "loss_upstream", "toxicity-half")) {
                engine.removeToxic("p", name);
                changes++;
                Thread.sleep(5);
            }
            Thread.sleep(20);
        }
        return changes;
    }

    private static Void roundTrip(int port, int size, long seed) throws Exception {
        byte[] payload = new byte[size];
        new Random(seed).nextBytes(payload);
        try (Socket s = Sockets.connect(port); ExecutorService readers = Executors.newSingleThreadExecutor()) {
            s.setSoTimeout(60_000);
            Future<byte[]> reader = readers.submit(() -> readAll(s.getInputStream(), size));
            OutputStream out = s.getOutputStream();
            Random writes = new Random(seed + 1);
            for (int off = 0; off < size; ) {
                int n = Math.min(size - off, 1 + writes.nextInt(100_000));
                out.write(payload, off, n);
                off += n;
            }
            byte[] back = reader.get(120, TimeUnit.SECONDS);
            if (!Arrays.equals(payload, back)) {
                int first = Arrays.mismatch(payload, back);
                assertEquals(-1, first, "first differing byte at " + first + " of " + size);
            }
            assertArrayEquals(payload, back);
        }
        return null;
    }

    private static byte[] readAll(InputStream in, int size) throws IOException {
        byte[] back = new byte[size];
        int off = 0;
        while (off < size) {
            int n = in.read(back, off, size - off);
            if (n < 0) {
                throw new IOException("EOF after " + off + " of " + size + " bytes");
            }
            off += n;
        }
        return back;
    }
}
