package io.chaosplaybooks.runtime.load;

import java.time.Duration;
import java.util.Objects;

/**
 * Everything the load engine needs to know about the traffic to drive. Build one with
 * {@link #builder()}: each setter checks its value and names it when it is bad.
 *
 * @param clients         closed loop: concurrent workers; open loop: the most operations in flight
 * @param ratePerSecond   0 for closed loop; otherwise the open-loop arrival rate (operations per second)
 * @param mix             share of gets, sets and deletes
 * @param keys            size of the key space ({@code key:0} .. {@code key:<keys-1>})
 * @param distribution    how keys are drawn
 * @param valueSizeMin    smallest value written, bytes
 * @param valueSizeMax    largest value written, bytes (equal to min for a fixed size)
 * @param ttl             expiry of written items; {@link Duration#ZERO} for none
 * @param timeout         per-operation timeout
 * @param prefill         write every key once before the load starts, so gets hit
 * @param breaker         the per-server circuit breaker
 * @param poolSize        xmemcached connections per server
 * @param duration        how long to run; {@code null} to run until {@link LoadEngine#stop()}
 * @param maxOperations   stop after this many operations; 0 for no limit
 */
public record LoadProfile(
    int clients,
    double ratePerSecond,
    OperationMix mix,
    int keys,
    KeyDistribution distribution,
    int valueSizeMin,
    int valueSizeMax,
    Duration ttl,
    Duration timeout,
    boolean prefill,
    BreakerSettings breaker,
    int poolSize,
    Duration duration,
    long maxOperations) {

    /** memcached's default item size limit. */
    public static final int MAX_VALUE_SIZE = 1024 * 1024 - 512;

    public LoadProfile {
        Objects.requireNonNull(mix, "mix");
        Objects.requireNonNull(distribution, "distribution");
        Objects.requireNonNull(ttl, "ttl");
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(breaker, "breaker");
        if (clients < 1 || clients > 10_000) {
            throw new IllegalArgumentException("clients must be 1..10000, got " + clients);
        }
        if (!(ratePerSecond >= 0) || Double.isInfinite(ratePerSecond)) {
            throw new IllegalArgumentException("rate must be >= 0 operations per second (0 = closed loop), got " + ratePerSecond);
        }
        if (keys < 1) {
            throw new IllegalArgumentException("keys must be >= 1, got " + keys);
        }
        if (valueSizeMin < 1 || valueSizeMax > MAX_VALUE_SIZE || valueSizeMin > valueSizeMax) {
            throw new IllegalArgumentException("value size must be 1.." + MAX_VALUE_SIZE + " bytes with min <= max, got "
                + valueSizeMin + ".." + valueSizeMax);
        }
        if (ttl.isNegative() || ttl.toSeconds() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("ttl must be >= 0, got " + ttl);
        }
        if (!ttl.isZero() && ttl.toSeconds() < 1) {
            throw new IllegalArgumentException("ttl must be 0 (no expiry) or at least 1 s (memcached counts whole seconds), got " + ttl);
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, got " + timeout);
        }
        if (poolSize < 1 || poolSize > 64) {
            throw new IllegalArgumentException("poolSize must be 1..64, got " + poolSize);
        }
        if (duration != null && (duration.isNegative() || duration.isZero())) {
            throw new IllegalArgumentException("duration must be positive (or absent to run until stopped), got " + duration);
        }
        if (maxOperations < 0) {
            throw new IllegalArgumentException("maxOperations must be >= 0 (0 = no limit), got " + maxOperations);
        }
    }

    public boolean openLoop() {
        return ratePerSecond > 0;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.clients = clients;
        b.ratePerSecond = ratePerSecond;
        b.mix = mix;
        b.keys = keys;
        b.distribution = distribution;
        b.valueSizeMin = valueSizeMin;
        b.valueSizeMax = valueSizeMax;
        b.ttl = ttl;
        b.timeout = timeout;
        b.prefill = prefill;
        b.breaker = breaker;
        b.poolSize = poolSize;
        b.duration = duration;
        b.maxOperations = maxOperations;
        return b;
    }

    /**
     * Defaults: 50 clients closed loop, 90/10 get/set, 10 000 uniform keys, 100-byte values, no TTL,
     * 100 ms timeout, pre-fill on, {@link BreakerSettings#defaults()}, pool size 1 (xmemcached merges
     * concurrent gets on one connection; more connections measured slower), run until stopped.
     */
    public static final class Builder {
        private int clients = 50;
        private double ratePerSecond = 0;
        private OperationMix mix = OperationMix.defaultMix();
        private int keys = 10_000;
        private KeyDistribution distribution = KeyDistribution.UNIFORM;
        private int valueSizeMin = 100;
        private int valueSizeMax = 100;
        private Duration ttl = Duration.ZERO;
        private Duration timeout = Duration.ofMillis(100);
        private boolean prefill = true;
        private BreakerSettings breaker = BreakerSettings.defaults();
        private int poolSize = 1;
        private Duration duration;
        private long maxOperations;

        private Builder() {}

        public Builder clients(int v) { clients = v; return check(); }
        public Builder ratePerSecond(double v) { ratePerSecond = v; return check(); }
        public Builder mix(OperationMix v) { mix = v; return check(); }
        public Builder keys(int v) { keys = v; return check(); }
        public Builder distribution(KeyDistribution v) { distribution = v; return check(); }
        public Builder valueSize(int fixed) { valueSizeMin = fixed; valueSizeMax = fixed; return check(); }
        public Builder valueSize(int min, int max) { valueSizeMin = min; valueSizeMax = max; return check(); }
        public Builder ttl(Duration v) { ttl = v; return check(); }
        public Builder timeout(Duration v) { timeout = v; return check(); }
        public Builder prefill(boolean v) { prefill = v; return check(); }
        public Builder breaker(BreakerSettings v) { breaker = v; return check(); }
        public Builder poolSize(int v) { poolSize = v; return check(); }
        /** {@code null} runs until {@link LoadEngine#stop()}. */
        public Builder duration(Duration v) { duration = v; return check(); }
        public Builder maxOperations(long v) { maxOperations = v; return check(); }

        /** Validates on every setter, so the exception points at the value just set. */
        private Builder check() {
            build();
            return this;
        }

        public LoadProfile build() {
            return new LoadProfile(clients, ratePerSecond, mix, keys, distribution, valueSizeMin, valueSizeMax,
                ttl, timeout, prefill, breaker, poolSize, duration, maxOperations);
        }
    }
}
