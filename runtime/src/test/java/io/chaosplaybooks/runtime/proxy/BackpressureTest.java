package io.chaosplaybooks.runtime.proxy;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A toxic that holds data back (bandwidth 0) makes the engine stop reading once
 * {@link Link#MAX_QUEUED_BYTES} are queued, so the sender is pushed back through TCP instead of the
 * engine buffering without bound; when the toxic goes, every byte arrives in order.
 */
class BackpressureTest {
    private static final int CHUNK = 64 * 1024;
    private static final int CHUNKS = 1024; // 64 MiB: far more than the queue and the sockets' buffers
    /** Queue limit plus generous room for the kernel's buffers on both loopback sockets. */
    private static final long MAX_ACCEPTED = Link.MAX_QUEUED_BYTES + 32L * 1024 * 1024;

    private FaultEngine engine;
    private EchoServer echo;

    @BeforeEach
    void start() throws IOException {
        engine = new FaultEngine();
        echo = new EchoServer();
    }

    @AfterEach
    void stop() throws IOException {
        engine.close();
        echo.close();
    }

    @Test
    void aStalledToxicPushesBackOnTheSenderAndLosesNothing() throws Exception {
        int port = engine.createProxy(ProxySpec.of("p", "127.0.0.1:0", echo.address())).listenPort();
        engine.addToxic("p", ToxicSpec.of("bandwidth", "upstream", Map.of("rate", 0)));
        try (Socket s = Sockets.connect(port)) {
            AtomicLong written = new AtomicLong();
            CompletableFuture<Void> sender = CompletableFuture.runAsync(() -> {
                try {
                    OutputStream out = s.getOutputStream();
                    Random data = new Random(7);
                    byte[] chunk = new byte[CHUNK];
                    for (int i = 0; i < CHUNKS; i++) {
                        data.nextBytes(chunk);
                        out.write(chunk);
                        written.addAndGet(CHUNK);
                    }
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });

            Thread.sleep(1_500);
            long stalledAt = written.get();
            Thread.sleep(1_000);
            long later = written.get();
            assertTrue(stalledAt < MAX_ACCEPTED,
                "the engine took " + stalledAt + " bytes from a sender it cannot forward (limit " + MAX_ACCEPTED + ")");
            assertTrue(later - stalledAt <= CHUNK, "the sender is stalled: " + stalledAt + " then " + later + " bytes");
            assertTrue(!sender.isDone(), "the sender cannot have finished");

            engine.removeToxic("p", "bandwidth_upstream");
            InputStream in = s.getInputStream();
            Random expected = new Random(7);
            byte[] want = new byte[CHUNK];
            byte[] got = new byte[CHUNK];
            for (int i = 0; i < CHUNKS; i++) {
                expected.nextBytes(want);
                int off = 0;
                while (off < CHUNK) {
                    int n = in.read(got, off, CHUNK - off);
                    assertTrue(n > 0, "EOF after " + (i * (long) CHUNK + off) + " bytes");
                    off += n;
                }
                assertTrue(Arrays.equals(want, got), "chunk " + i + " differs");
            }
            sender.get(30, TimeUnit.SECONDS);
            assertEquals((long) CHUNK * CHUNKS, written.get());
        }
    }
}
