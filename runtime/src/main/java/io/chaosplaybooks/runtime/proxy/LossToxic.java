package io.chaosplaybooks.runtime.proxy;

import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * Emulates what packet loss does to a TCP stream (beyond Toxiproxy). A stream proxy cannot drop
 * bytes without corrupting the stream, and real TCP does not either: it retransmits. So each chunk
 * is "transmitted" until an attempt gets through, each attempt lost with probability {@code rate},
 * and a chunk lost K times is delivered after the retransmission timer has fired K times:
 *
 * <pre>
 *   delay(0) = 0
 *   delay(K) = R·2^(K−1)   for K ≥ 1, each doubling step capped at max_rto_ms
 * </pre>
 *
 * which is what Linux did when one request was in flight (no duplicate ACKs, so no fast
 * retransmit): retransmissions at 0.21, 0.41, 0.85, 1.68 … s, R ≈ 204 ms (REFERENCE-TCP-LOSS.md).
 * What follows a delayed chunk waits behind it (head-of-line blocking), as in TCP, because the link
 * delivers in order. Rate 1.0 delivers nothing (a partition; the connection stays open).
 *
 * <p>R is {@code rto_ms} in the {@code fixed} model (the default). In the {@code adaptive} model R
 * comes from a Linux-like RTO estimator per connection and direction: srtt and mdev smoothed over one
 * sample per chunk (the chunk's own delivery delay, standing in for the sample the peer's lost reply
 * would give a real sender), RTO = srtt + max(4·mdev, rto_ms), first retransmission at
 * min(2·srtt + rto_ms, RTO) (the tail-loss probe). R grows with loss as the reference measured.
 *
 * <p>{@code seed}, when given, makes every connection's loss sequence repeatable (tests).
 */
record LossToxic(double rate, long rtoMs, long maxRtoMs, boolean adaptive, Long seed) implements Toxic {
    static final String TYPE = "loss";
    static final long DEFAULT_RTO_MS = 200;
    /** Linux's TCP_RTO_MAX. */
    static final long DEFAULT_MAX_RTO_MS = 120_000;

    static LossToxic from(Map<String, Object> attributes) {
        Attributes a = new Attributes(TYPE, attributes, Set.of("rate", "rto_ms", "max_rto_ms", "adaptive", "seed"));
        double rate = a.probability("rate", 0);
        long rto = a.positiveLong("rto_ms", DEFAULT_RTO_MS);
        long maxRto = a.positiveLong("max_rto_ms", DEFAULT_MAX_RTO_MS);
        if (maxRto < rto) {
            throw FaultEngineException.badRequest(
                "loss attribute 'max_rto_ms' (" + maxRto + ") must be at least 'rto_ms' (" + rto + ")");
        }
        long adaptive = a.nonNegativeLong("adaptive", 0);
        if (adaptive > 1) {
            throw FaultEngineException.badRequest("loss attribute 'adaptive' must be 0 (fixed RTO) or 1 (RTO estimator), got " + adaptive);
        }
        return new LossToxic(rate, rto, maxRto, adaptive == 1, a.optionalLong("seed"));
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public Map<String, Object> attributes() {
        Map<String, Object> m = Attributes.of("rate", rate, "rto_ms", rtoMs, "max_rto_ms", maxRtoMs, "adaptive", adaptive ? 1 : 0);
        if (seed != null) {
            m.put("seed", seed);
        }
        return m;
    }

    @Override
    public ToxicFlow open(ToxicFlow previous) {
        return new Flow(seed == null ? new SplittableRandom() : new Random(seed));
    }

    /** The per connection-direction state: the random source and the RTO estimator. */
    final class Flow implements ToxicFlow {
        private final RandomGenerator random;
        private long srttNanos = -1;
        private long mdevNanos;

        Flow(RandomGenerator random) {
            this.random = random;
        }

        @Override
        public void onData(Chunk chunk, FlowOutput out) {
            out.data(chunk.bytes(), Times.plusNanos(chunk.at(), nextDelayNanos()));
        }

        /** Draws the losses of one chunk and returns when, after its first send, it gets through. */
        long nextDelayNanos() {
            if (rate >= 1.0) {
                return Times.NEVER;
            }
            long firstRto = firstRtoNanos();
            long cap = maxRtoMs * 1_000_000;
            long delay = 0;
            long interval = firstRto;
            while (random.nextDouble() < rate) {
                delay = Times.plusNanos(delay, interval);
                // After the first timeout, the next fires as far again: R, 2R, 4R … since the first send.
                interval = Math.min(cap, delay);
            }
            if (adaptive) {
                sample(delay);
            }
            return delay;
        }

        private long firstRtoNanos() {
            long min = rtoMs * 1_000_000;
            if (!adaptive || srttNanos < 0) {
                return min;
            }
            long rto = srttNanos + Math.max(4 * mdevNanos, min);
            long probe = 2 * srttNanos + min;
            return Math.min(Math.min(rto, probe), maxRtoMs * 1_000_000);
        }

        /** RFC 6298 smoothing, as Linux does it: gains 1/8 and 1/4. */
        private void sample(long rttNanos) {
            if (srttNanos < 0) {
                srttNanos = rttNanos;
                mdevNanos = rttNanos / 2;
                return;
            }
            long err = rttNanos - srttNanos;
            srttNanos += err / 8;
            mdevNanos += (Math.abs(err) - mdevNanos) / 4;
        }
    }
}
