package io.chaosplaybooks.runtime.proxy;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each toxic's effect on real sockets, timed with stated tolerances. Lower bounds are tight (a toxic
 * must never act early); upper bounds are generous because the machine's 2 cores are shared with
 * other builds: {@link #SLACK_MS} covers scheduling noise.
 */
class ToxicBehaviourTest {
    /** Allowed lateness on a shared 2-core machine. */
    static final double SLACK_MS = 250;
    /** Allowed earliness: timer granularity and clock reads on either side. */
    static final double EARLY_MS = 5;

    private FaultEngine engine;
    private EchoServer echo;
    private int port;

    @BeforeEach
    void start() throws IOException {
        engine = new FaultEngine();
        echo = new EchoServer();
        port = engine.createProxy(ProxySpec.of("p", "127.0.0.1:0", echo.address())).listenPort();
    }

    @AfterEach
    void stop() throws IOException {
        engine.close();
        echo.close();
    }

    private void toxic(String type, String stream, Map<String, Object> attributes) {
        engine.addToxic("p", ToxicSpec.of(type, stream, attributes));
    }

    private static double roundTripMs(Socket s, int bytes) throws IOException {
        byte[] payload = new byte[bytes];
        new Random(bytes).nextBytes(payload);
        long start = System.nanoTime();
        s.getOutputStream().write(payload);
        byte[] back = Sockets.readExactly(s, bytes);
        double ms = Sockets.millisSince(start);
        assertArrayEquals(payload, back);
        return ms;
    }

    private static void assertWithin(double actual, double expected, String what) {
        assertTrue(actual >= expected - EARLY_MS && actual <= expected + SLACK_MS,
            what + ": " + actual + " ms, expected " + expected + " ms (-" + EARLY_MS + "/+" + SLACK_MS + ")");
    }

    @Test
    void latencyAddsItsDelayInEachDirection() throws IOException {
        toxic("latency", "downstream", Map.of("latency", 100));
        toxic("latency", "upstream", Map.of("latency", 50));
        try (Socket s = Sockets.connect(port)) {
            for (int i = 0; i < 5; i++) {
                assertWithin(roundTripMs(s, 100), 150, "round trip with 50 ms up + 100 ms down");
            }
        }
    }

    @Test
    void jitterStaysWithinBoundsAndVaries() throws IOException {
        toxic("latency", "downstream", Map.of("latency", 100, "jitter", 40));
        double min = Double.MAX_VALUE;
        double max = 0;
        try (Socket s = Sockets.connect(port)) {
            for (int i = 0; i < 15; i++) {
                double ms = roundTripMs(s, 10);
                assertTrue(ms >= 60 - EARLY_MS && ms <= 140 + SLACK_MS, "latency 100±40: got " + ms);
                min = Math.min(min, ms);
                max = Math.max(max, ms);
            }
        }
        assertTrue(max - min > 10, "15 samples of ±40 ms jitter should spread more than 10 ms: " + min + ".." + max);
    }

    @Test
    void latencyOverlapsChunksInFlightAndKeepsOrder() throws Exception {
        toxic("latency", "downstream", Map.of("latency", 200, "jitter", 150));
        try (Socket s = Sockets.connect(port)) {
            long start = System.nanoTime();
            byte[] sent = new byte[20];
            for (int i = 0; i < sent.length; i++) {
                sent[i] = (byte) i;
                s.getOutputStream().write(sent, i, 1);
                Thread.sleep(10);
            }
            byte[] got = Sockets.readExactly(s, sent.length);
            double ms = Sockets.millisSince(start);
            assertArrayEquals(sent, got, "chunks delayed by random jitter still arrive in order");
            // 20 chunks 10 ms apart, each delayed 50..350 ms from its own arrival: about 200 + 350 ms, not 20 × 200.
            assertTrue(ms < 200 + 350 + SLACK_MS + 200, "delays overlap: took " + ms + " ms");
        }
    }

    @Test
    void bandwidthLimitsThroughputToRate() throws IOException {
        toxic("bandwidth", "downstream", Map.of("rate", 200)); // 200 KB/s = 200,000 B/s
        try (Socket s = Sockets.connect(port)) {
            // 100 kB at 200 kB/s: 500 ms.
            assertWithin(roundTripMs(s, 100_000), 500, "100 kB at 200 KB/s");
        }
    }

    @Test
    void bandwidthZeroStallsUntilRemoved() throws IOException {
        toxic("bandwidth", "downstream", Map.of("rate", 0));
        try (Socket s = Sockets.connect(port)) {
            s.getOutputStream().write("held".getBytes());
            s.setSoTimeout(400);
            assertThrows(SocketTimeoutException.class, () -> s.getInputStream().read());
            engine.removeToxic("p", "bandwidth_downstream");
            s.setSoTimeout(5_000);
            assertEquals("held", new String(Sockets.readExactly(s, 4)));
        }
    }

    @Test
    void slowCloseDelaysTheClose() throws IOException {
        toxic("slow_close", "downstream", Map.of("delay", 300));
        try (Socket s = Sockets.connect(port)) {
            s.getOutputStream().write("bye".getBytes());
            long start = System.nanoTime();
            s.shutdownOutput(); // echo answers and closes; the proxy must hold that close 300 ms
            assertEquals("bye", new String(Sockets.readToEnd(s)));
            assertWithin(Sockets.millisSince(start), 300, "close seen after slow_close 300");
        }
    }

    @Test
    void timeoutDropsDataAndClosesAfterTimeout() throws IOException {
        toxic("timeout", "upstream", Map.of("timeout", 300));
        long start = System.nanoTime();
        try (Socket s = Sockets.connect(port)) {
            s.getOutputStream().write("lost".getBytes());
            assertEquals(0, Sockets.readToEnd(s).length, "timeout swallows data");
            assertWithin(Sockets.millisSince(start), 300, "connection closed by timeout 300");
        }
    }

    @Test
    void timeoutZeroNeverClosesButRemovingItDoes() throws IOException {
        toxic("timeout", "upstream", Map.of("timeout", 0));
        try (Socket s = Sockets.connect(port)) {
            s.getOutputStream().write("lost".getBytes());
            s.setSoTimeout(500);
            assertThrows(SocketTimeoutException.class, () -> s.getInputStream().read(), "blackhole: no data, no close");
            s.setSoTimeout(5_000);
            long start = System.nanoTime();
            engine.removeToxic("p", "timeout_upstream");
            assertEquals(-1, s.getInputStream().read(), "removing a timeout toxic closes the connection");
            assertTrue(Sockets.millisSince(start) < SLACK_MS * 2);
        }
    }

    @Test
    void resetPeerResetsTheConnectionAfterTimeout() throws IOException {
        toxic("reset_peer", "downstream", Map.of("timeout", 200));
        try (Socket s = Sockets.connect(port)) {
            long start = System.nanoTime();
            s.getOutputStream().write("x".getBytes());
            SocketException e = assertThrows(SocketException.class, () -> s.getInputStream().read());
            assertTrue(e.getMessage().toLowerCase().contains("reset"), e.getMessage());
            assertWithin(Sockets.millisSince(start), 200, "reset after reset_peer 200");
        }
    }

    @Test
    void slicerSplitsIntoSlicesThatReassemble() throws IOException {
        toxic("slicer", "downstream", Map.of("average_size", 10, "size_variation", 4, "delay", 20_000));
        try (Socket s = Sockets.connect(port)) {
            byte[] payload = new byte[200];
            new Random(7).nextBytes(payload);
            long start = System.nanoTime();
            s.getOutputStream().write(payload);
            InputStream in = s.getInputStream();
            byte[] got = new byte[payload.length];
            int off = 0;
            int reads = 0;
            while (off < got.length) {
                int n = in.read(got, off, got.length - off);
                assertTrue(n > 0);
                assertTrue(n <= 200, "slice sizes stay near average_size 10 ± 4 unless reads coalesce");
                off += n;
                reads++;
            }
            assertArrayEquals(payload, got);
            // 200 bytes in slices of 6..14 bytes: at least 14 slices, 20 ms apart: >= 13 × 20 ms.
            assertTrue(Sockets.millisSince(start) >= 13 * 20 - EARLY_MS, "slices are spaced by delay");
            assertTrue(reads >= 5, "the reader saw the data in pieces: " + reads + " reads");
        }
    }

    @Test
    void limitDataPassesExactlyNBytesThenCloses() throws Exception {
        toxic("limit_data", "downstream", Map.of("bytes", 1000));
        try (Socket s = Sockets.connect(port)) {
            for (int i = 0; i < 3; i++) { // in three chunks: the count spans chunks
                s.getOutputStream().write(new byte[500]);
                Thread.sleep(30);
            }
            assertEquals(1000, Sockets.readToEnd(s).length);
        }
    }

    @Test
    void limitDataOnAChunkBoundary() throws IOException {
        toxic("limit_data", "downstream", Map.of("bytes", 500));
        try (Socket s = Sockets.connect(port)) {
            s.getOutputStream().write(new byte[500]);
            assertEquals(500, Sockets.readToEnd(s).length);
        }
    }

    @Test
    void toxicityZeroNeverAppliesAndOneAlways() throws IOException {
        engine.addToxic("p", new ToxicSpec("never", "latency", "downstream", 0.0, Map.of("latency", 1000)));
        try (Socket s = Sockets.connect(port)) {
            assertTrue(roundTripMs(s, 10) < 500, "toxicity 0: not applied");
        }
        engine.updateToxic("p", "never", new ToxicSpec(null, null, null, 1.0, null));
        try (Socket s = Sockets.connect(port)) {
            assertWithin(roundTripMs(s, 10), 1000, "toxicity 1: applied");
        }
    }

    @Test
    void toxicityIsRolledPerConnection() throws IOException {
        engine.addToxic("p", new ToxicSpec("half", "latency", "downstream", 0.5, Map.of("latency", 250)));
        int toxicConnections = 0;
        int slowOnCleanConnections = 0;
        int connections = 30;
        for (int i = 0; i < connections; i++) {
            try (Socket s = Sockets.connect(port)) {
                double first = roundTripMs(s, 1);
                double second = roundTripMs(s, 1);
                if (Math.min(first, second) >= 250 - EARLY_MS) {
                    toxicConnections++; // the toxic applied to every chunk of this connection
                } else if (Math.max(first, second) >= 250 - EARLY_MS) {
                    slowOnCleanConnections++; // a roll per chunk would make this common; noise makes it rare
                }
            }
        }
        // Binomial(30, 0.5): P(outside 6..24) < 0.001.
        assertTrue(toxicConnections >= 6 && toxicConnections <= 24, toxicConnections + " of " + connections + " connections got the toxic");
        // Rolled per chunk instead, about half the remaining connections would have one slow round trip.
        assertTrue(slowOnCleanConnections <= 2, slowOnCleanConnections + " connections had one slow and one fast round trip");
    }

    @Test
    void upstreamAndDownstreamChainsAreIndependent() throws IOException {
        toxic("limit_data", "upstream", Map.of("bytes", 100_000));
        toxic("latency", "upstream", Map.of("latency", 30));
        toxic("slicer", "downstream", Map.of("average_size", 100, "delay", 0));
        try (Socket s = Sockets.connect(port)) {
            byte[] payload = new byte[5000];
            new Random(1).nextBytes(payload);
            s.getOutputStream().write(payload);
            assertArrayEquals(payload, Sockets.readExactly(s, payload.length));
        }
        assertEquals(3, engine.toxics("p").size());
        assertEquals(Arrays.asList("limit_data_upstream", "latency_upstream", "slicer_downstream"),
            engine.toxics("p").stream().map(ToxicSpec::name).toList());
    }

    /**
     * A toxic that holds data back (bandwidth 0) makes the engine stop reading once
     * {@link Link#MAX_QUEUED_BYTES} are queued, so the sender is pushed back through TCP instead of the
     * engine buffering without bound; when the toxic goes, every byte arrives in order.
     */
    private static final int BACKPRESSURE_CHUNK = 64 * 1024;
    private static final int BACKPRESSURE_CHUNKS = 1024; // 64 MiB: far more than the queue and the sockets' buffers
    /** Queue limit plus generous room for the kernel's buffers on both loopback sockets. */
    private static final long BACKPRESSURE_MAX_ACCEPTED = Link.MAX_QUEUED_BYTES + 32L * 1024 * 1024;

    @Test
    void aStalledToxicPushesBackOnTheSenderAndLosesNothing() throws Exception {
        engine.addToxic("p", ToxicSpec.of("bandwidth", "upstream", Map.of("rate", 0)));
        try (Socket s = Sockets.connect(port)) {
            AtomicLong written = new AtomicLong();
            CompletableFuture<Void> sender = CompletableFuture.runAsync(() -> {
                try {
                    OutputStream out = s.getOutputStream();
                    Random data = new Random(7);
                    byte[] chunk = new byte[BACKPRESSURE_CHUNK];
                    for (int i = 0; i < BACKPRESSURE_CHUNKS; i++) {
                        data.nextBytes(chunk);
                        out.write(chunk);
                        written.addAndGet(BACKPRESSURE_CHUNK);
                    }
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });

            Thread.sleep(1_500);
            long stalledAt = written.get();
            Thread.sleep(1_000);
            long later = written.get();
            assertTrue(stalledAt < BACKPRESSURE_MAX_ACCEPTED,
                "the engine took " + stalledAt + " bytes from a sender it cannot forward (limit " + BACKPRESSURE_MAX_ACCEPTED + ")");
            assertTrue(later - stalledAt <= BACKPRESSURE_CHUNK, "the sender is stalled: " + stalledAt + " then " + later + " bytes");
            assertTrue(!sender.isDone(), "the sender cannot have finished");

            engine.removeToxic("p", "bandwidth_upstream");
            InputStream in = s.getInputStream();
            Random expected = new Random(7);
            byte[] want = new byte[BACKPRESSURE_CHUNK];
            byte[] got = new byte[BACKPRESSURE_CHUNK];
            for (int i = 0; i < BACKPRESSURE_CHUNKS; i++) {
                expected.nextBytes(want);
                int off = 0;
                while (off < BACKPRESSURE_CHUNK) {
                    int n = in.read(got, off, BACKPRESSURE_CHUNK - off);
                    assertTrue(n > 0, "EOF after " + (i * (long) BACKPRESSURE_CHUNK + off) + " bytes");
                    off += n;
                }
                assertTrue(Arrays.equals(want, got), "chunk " + i + " differs");
            }
            sender.get(30, TimeUnit.SECONDS);
            assertEquals((long) BACKPRESSURE_CHUNK * BACKPRESSURE_CHUNKS, written.get());
        }
    }
}
