package io.chaosplaybooks.runtime.proxy;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Delays each chunk by {@code latency} ms ± a uniform {@code jitter} ms, as Toxiproxy's latency toxic.
 * The delay counts from when the chunk reached the toxic, so chunks in flight overlap instead of
 * adding up; the link delivers in order, so a chunk never overtakes an earlier, longer-delayed one.
 */
record LatencyToxic(long latencyMs, long jitterMs) implements Toxic {
    static final String TYPE = "latency";

    static LatencyToxic from(Map<String, Object> attributes) {
        Attributes a = new Attributes(TYPE, attributes, Set.of("latency", "jitter"));
        return new LatencyToxic(a.nonNegativeLong("latency", 0), a.nonNegativeLong("jitter", 0));
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public Map<String, Object> attributes() {
        return Attributes.of("latency", latencyMs, "jitter", jitterMs);
    }

    @Override
    public ToxicFlow open(ToxicFlow previous) {
        return (chunk, out) -> {
            long delayNanos = latencyMs * 1_000_000;
            if (jitterMs > 0) {
                delayNanos += ThreadLocalRandom.current().nextLong(-jitterMs * 1_000_000, jitterMs * 1_000_000 + 1);
            }
            out.data(chunk.bytes(), Times.plusNanos(chunk.at(), Math.max(0, delayNanos)));
        };
    }
}
