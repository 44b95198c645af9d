package io.chaosplaybooks.runtime.proxy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The loss toxic against REFERENCE-TCP-LOSS.md: its delay statistics (seeded, no sockets, so exact
 * and fast), then its behaviour on real sockets (head-of-line blocking, the rate-1.0 blackhole).
 */
class LossToxicTest {
    private static final long MS = 1_000_000;

    private static LossToxic.Flow flow(double rate, long seed) {
        return flow(Map.of("rate", rate, "seed", seed));
    }

    private static LossToxic.Flow flow(Map<String, Object> attributes) {
        return (LossToxic.Flow) LossToxic.from(attributes).open(null);
    }

    @ParameterizedTest(name = "loss {0} per direction")
    @ValueSource(doubles = {0.01, 0.02, 0.05, 0.10, 0.20, 0.50})
    void shareOfRoundTripsSlowerThan150msIsOneMinusOneMinusPSquared(double p) {
        // The reference's measured share: 2.05 % at 1 %, 4.0 % at 2 %, 9.6 % at 5 %, 19.1 % at 10 %, 36.3 % at 20 %.
        LossToxic.Flow request = flow(p, 1);
        LossToxic.Flow response = flow(p, 2);
        int n = 200_000;
        int slow = 0;
        for (int i = 0; i < n; i++) {
            if (request.nextDelayNanos() + response.nextDelayNanos() > 150 * MS) {
                slow++;
            }
        }
        double expected = 1 - (1 - p) * (1 - p);
        double share = (double) slow / n;
        // 200,000 draws: the binomial standard error is below 0.0012; allow 4 of them.
        assertEquals(expected, share, 0.005, "share of round trips > 150 ms at loss " + p);
    }

    @Test
    void aChunkLostKTimesArrivesAfterRtoTimesTwoToTheKMinusOne() {
        // max_rto_ms out of reach, so every step doubles.
        LossToxic.Flow f = flow(Map.of("rate", 0.6, "seed", 42L, "max_rto_ms", 1_000_000_000L));
        TreeMap<Long, Integer> seen = new TreeMap<>();
        for (int i = 0; i < 100_000; i++) {
            long d = f.nextDelayNanos();
            seen.merge(d / MS, 1, Integer::sum);
        }
        // Only 0 and 200·2^(K-1): 200, 400, 800, 1600 … ms (the 100 % loss column of the reference: 0.21, 0.41, 0.85, 1.68 s).
        for (long ms : seen.headMap(1_000_000_000L).keySet()) { // below the (far) cap
            assertTrue(ms == 0 || Long.bitCount(ms / 200) == 1 && ms % 200 == 0, "unexpected delay " + ms + " ms");
        }
        // P(K=0) = 0.4, P(K=1) = 0.24, P(K=2) = 0.144.
        assertEquals(0.40, seen.get(0L) / 100_000.0, 0.01);
        assertEquals(0.24, seen.get(200L) / 100_000.0, 0.01);
        assertEquals(0.144, seen.get(400L) / 100_000.0, 0.01);
    }

    @Test
    void retransmissionIntervalIsCappedByMaxRto() {
        LossToxic.Flow f = flow(Map.of("rate", 0.9, "rto_ms", 200, "max_rto_ms", 500, "seed", 3L));
        for (int i = 0; i < 10_000; i++) {
            long ms = f.nextDelayNanos() / MS;
            // Intervals 200, 200, 400, then capped at 500: delays 0, 200, 400, 800, 1300, 1800 …
            assertTrue(ms == 0 || ms == 200 || ms == 400 || (ms >= 800 && (ms - 800) % 500 == 0), "delay " + ms);
        }
    }

    @Test
    void rateOneDeliversNothingAndRateZeroDelaysNothing() {
        assertEquals(Times.NEVER, flow(1.0, 1).nextDelayNanos());
        LossToxic.Flow none = flow(0.0, 1);
        for (int i = 0; i < 1000; i++) {
            assertEquals(0, none.nextDelayNanos());
        }
    }

    @Test
    void adaptiveRtoGrowsWithLossAsTheReferenceMeasured() {
        // Reference, client RTO median: 204 ms at 1 %, 208 at 10 %, 260 at 20 %, 1 824 at 50 %.
        double p99fixed = p99(Map.of("rate", 0.2, "seed", 5L));
        double p99adaptive = p99(Map.of("rate", 0.2, "seed", 5L, "adaptive", 1));
        assertTrue(p99adaptive > p99fixed, "adaptive " + p99adaptive + " vs fixed " + p99fixed);
        double lowLossAdaptive = p99(Map.of("rate", 0.01, "seed", 5L, "adaptive", 1));
        assertTrue(lowLossAdaptive <= 260, "at 1 % the RTO stays near its 200 ms floor: p99 " + lowLossAdaptive);
    }

    private static double p99(Map<String, Object> attributes) {
        LossToxic.Flow f = flow(attributes);
        long[] d = new long[50_000];
        for (int i = 0; i < d.length; i++) {
            d[i] = f.nextDelayNanos();
        }
        Arrays.sort(d);
        return d[(int) (d.length * 0.99)] / 1e6;
    }

    @Test
    void badAttributesAreRefused() {
        for (Map<String, Object> bad : new Map[] {
            Map.of("rate", 1.01), Map.of("rate", -0.5), Map.of("rto_ms", 0), Map.of("max_rto_ms", 10),
            Map.of("adaptive", 2), Map.of("rate", "high")}) {
            FaultEngineException e = assertThrows(FaultEngineException.class, () -> LossToxic.from(bad), bad.toString());
            assertEquals(400, e.status());
        }
    }

    // ---- on real sockets ----

    @Test
    void aDelayedChunkHoldsBackTheChunksBehindIt() throws Exception {
        long seed = seedWhereFirstIsLostAndSecondIsNot(0.5, 300);
        try (FaultEngine engine = new FaultEngine(); EchoServer echo = new EchoServer()) {
            int port = engine.createProxy(ProxySpec.of("p", "127.0.0.1:0", echo.address())).listenPort();
            Map<String, Object> attributes = new HashMap<>(Map.of("rate", 0.5, "rto_ms", 300, "seed", seed));
            engine.addToxic("p", ToxicSpec.of("loss", "upstream", attributes));
            try (Socket s = Sockets.connect(port)) {
                long start = System.nanoTime();
                s.getOutputStream().write('A');
                Thread.sleep(50); // a separate chunk, not lost: would arrive at once without head-of-line blocking
                s.getOutputStream().write('B');
                assertEquals('A', s.getInputStream().read());
                double a = Sockets.millisSince(start);
                assertEquals('B', s.getInputStream().read());
                double b = Sockets.millisSince(start);
                assertTrue(a >= 300 - ToxicBehaviourTest.EARLY_MS && a <= 300 + ToxicBehaviourTest.SLACK_MS, "A lost once: " + a + " ms");
                assertTrue(b >= a, "B waits behind A: " + b + " ms");
                assertTrue(b < 300 + ToxicBehaviourTest.SLACK_MS, "B was not lost itself: " + b + " ms");
            }
        }
    }

    /** Finds a seed whose first draw loses a chunk exactly once and whose second loses nothing. */
    private static long seedWhereFirstIsLostAndSecondIsNot(double rate, long rtoMs) {
        for (long seed = 0; ; seed++) {
            LossToxic.Flow f = flow(Map.of("rate", rate, "rto_ms", rtoMs, "seed", seed));
            if (f.nextDelayNanos() == rtoMs * MS && f.nextDelayNanos() == 0) {
                return seed;
            }
        }
    }

    @Test
    void rateOneIsAPartitionThatKeepsTheConnectionOpenAndRemovalDeliversInOrder() throws Exception {
        try (FaultEngine engine = new FaultEngine(); EchoServer echo = new EchoServer()) {
            int port = engine.createProxy(ProxySpec.of("p", "127.0.0.1:0", echo.address())).listenPort();
            engine.addToxic("p", ToxicSpec.of("loss", "downstream", Map.of("rate", 1.0)));
            try (Socket s = Sockets.connect(port)) {
                byte[] sent = new byte[10];
                for (int i = 0; i < sent.length; i++) {
                    sent[i] = (byte) ('a' + i);
                    s.getOutputStream().write(sent, i, 1);
                    Thread.sleep(5);
                }
                s.setSoTimeout(600);
                assertThrows(SocketTimeoutException.class, () -> s.getInputStream().read(), "nothing gets through, no close");
                engine.removeToxic("p", "loss_downstream");
                s.setSoTimeout(5_000);
                assertArrayEquals(sent, Sockets.readExactly(s, sent.length), "held data delivered in order on removal");
            }
        }
    }
}
