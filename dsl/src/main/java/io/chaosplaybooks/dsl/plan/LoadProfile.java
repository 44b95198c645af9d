package io.chaosplaybooks.dsl.plan;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * The traffic the load engine drives: a playbook's {@code load { }} and {@code chaos load}'s options
 * alike, with one set of defaults ({@link #defaults(SourcePos)}). The constructor checks every value
 * and names the bad one.
 *
 * @param clients         closed loop: concurrent workers; open loop: the most operations in flight
 * @param ratePerSecond   0 for closed loop; otherwise the open-loop arrival rate (operations per second)
 * @param mix             share of {@code get}, {@code set} and {@code delete} (weights; missing ones 0)
 * @param keys            size of the key space ({@code key:0} .. {@code key:<keys-1>})
 * @param keyDistribution {@code uniform} or {@code zipfian}
 * @param valueSizeMin    smallest value written, bytes
 * @param valueSizeMax    largest value written, bytes (equal to min for a fixed size)
 * @param ttl             expiry of written items; {@link Duration#ZERO} for none
 * @param timeout         per-operation timeout
 * @param prefill         write every key once before the load starts, so gets hit
 * @param breaker         the per-server circuit breaker
 * @param poolSize        xmemcached connections per server
 * @param duration        how long to run; {@code null} to run until stopped
 * @param maxOperations   stop after this many operations; 0 for no limit
 * @param given           the settings a {@code load { }} block wrote (by their word); the others are defaults
 */
public record LoadProfile(
    int clients,
    double ratePerSecond,
    Map<String, Double> mix,
    int keys,
    String keyDistribution,
    int valueSizeMin,
    int valueSizeMax,
    Duration ttl,
    Duration timeout,
    boolean prefill,
    Breaker breaker,
    int poolSize,
    Duration duration,
    long maxOperations,
    Set<String> given,
    SourcePos pos) {

    /** memcached's default item size limit. */
    public static final int MAX_VALUE_SIZE = 1024 * 1024 - 512;
    public static final Set<String> DISTRIBUTIONS = Set.of("uniform", "zipfian");

    public LoadProfile {
        mix = Map.copyOf(mix);
        given = Set.copyOf(given);
        Objects.requireNonNull(ttl, "ttl");
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(breaker, "breaker");
        check(clients >= 1 && clients <= 10_000, "clients must be between 1 and 10000, got " + clients);
        check(ratePerSecond >= 0 && !Double.isInfinite(ratePerSecond), "rate must be positive (or 0 for closed loop), got " + ratePerSecond);
        check(mix.values().stream().allMatch(v -> v >= 0 && !v.isInfinite()) && mix.values().stream().mapToDouble(v -> v).sum() > 0,
            "mix needs shares of at least 0, one of them positive, got " + mix);
        check(Set.of("get", "set", "delete").containsAll(mix.keySet()), "mix knows get, set and delete, got " + mix.keySet());
        check(keys >= 1, "keys must be at least 1, got " + keys);
        check(DISTRIBUTIONS.contains(keyDistribution), "distribution is uniform or zipfian, not '" + keyDistribution + "'");
        check(valueSizeMin >= 1 && valueSizeMax <= MAX_VALUE_SIZE && valueSizeMin <= valueSizeMax,
            "value size must be 1.." + MAX_VALUE_SIZE + " bytes with min <= max, got " + valueSizeMin + ".." + valueSizeMax);
        check(!ttl.isNegative() && ttl.toSeconds() <= Integer.MAX_VALUE && (ttl.isZero() || ttl.toSeconds() >= 1),
            "ttl must be 0 (no expiry) or at least 1 s (memcached counts whole seconds), got " + ttl);
        check(positive(timeout), "timeout must be positive, got " + Units.format(timeout));
        check(poolSize >= 1 && poolSize <= 64, "poolSize must be 1..64, got " + poolSize);
        check(duration == null || positive(duration), "duration must be positive (or absent to run until stopped), got " + duration);
        check(maxOperations >= 0, "maxOperations must be >= 0 (0 = no limit), got " + maxOperations);
    }

    /**
     * resilience4j settings, one breaker per server: it opens when {@code failureRate} of the last
     * {@code window} calls failed (or {@code slowCallRate} of them took longer than {@code slowCall}),
     * judged once {@code minimumCalls} were seen; it stays open {@code openFor}, then lets
     * {@code halfOpenCalls} probes decide.
     */
    public record Breaker(double failureRate, Duration openFor, int window, int minimumCalls, int halfOpenCalls,
                          Duration slowCall, double slowCallRate) {
        public Breaker {
            check(failureRate > 0 && failureRate <= 1, "failureRate must be a fraction in (0, 1], got " + failureRate);
            check(slowCallRate > 0 && slowCallRate <= 1, "slowCallRate must be a fraction in (0, 1], got " + slowCallRate);
            check(positive(openFor) && positive(slowCall), "openFor and slowCall must be positive, got " + openFor + ", " + slowCall);
            check(window >= 1 && minimumCalls >= 1 && halfOpenCalls >= 1,
                "window, minimumCalls and halfOpenCalls must be at least 1, got " + window + ", " + minimumCalls + ", " + halfOpenCalls);
        }

        /** 50 % failures or 100 % calls slower than 100 ms, over the last 100 calls once 20 were seen; open 5 s; 10 probes. */
        public static Breaker defaults() {
            return new Breaker(0.5, Duration.ofSeconds(5), 100, 20, 10, Duration.ofMillis(100), 1.0);
        }

        public Breaker withOpenFor(Duration d) {
            return new Breaker(failureRate, d, window, minimumCalls, halfOpenCalls, slowCall, slowCallRate);
        }
    }

    /**
     * 50 clients closed loop, 90/10 get/set, 10 000 uniform keys, 100-byte values, no TTL, 100 ms
     * timeout, pre-fill on, {@link Breaker#defaults()}, pool size 1 (xmemcached merges concurrent
     * gets on one connection; more connections measured slower), run until stopped.
     */
    public static LoadProfile defaults(SourcePos pos) {
        return new LoadProfile(50, 0, Map.of("get", 0.9, "set", 0.1), 10_000, "uniform", 100, 100, Duration.ZERO,
            Duration.ofMillis(100), true, Breaker.defaults(), 1, null, 0, Set.of(), pos);
    }

    public boolean openLoop() {
        return ratePerSecond > 0;
    }

    /**
     * For a run at {@code timeScale}: the breaker's wait in open state scales with the phases (at
     * least 200 ms), so a quick pass still sees it close in recovery; the operation timeout and the
     * slow-call threshold do not, since faults' latencies do not.
     */
    public LoadProfile timeScaled(double timeScale) {
        Duration open = Duration.ofNanos(Math.max(200_000_000L, Math.round(breaker.openFor().toNanos() * Math.min(1.0, timeScale))));
        return toBuilder().breaker(breaker.withOpenFor(open)).build();
    }

    /** The defaults, to change with the builder's setters; {@link Builder#build()} checks the result. */
    public static Builder builder() {
        return defaults(null).toBuilder();
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    /** The settings of {@code changes} that it was given replace this profile's; the others stay. */
    public LoadProfile merge(LoadProfile changes) {
        Set<String> words = new TreeSet<>(given);
        words.addAll(changes.given);
        Builder b = toBuilder().given(words);
        for (String w : changes.given) {
            switch (w) {
                case "clients" -> b.clients(changes.clients);
                case "rate" -> b.ratePerSecond(changes.ratePerSecond);
                case "mix" -> b.mix(changes.mix);
                case "keys" -> b.keys(changes.keys);
                case "distribution" -> b.distribution(changes.keyDistribution);
                case "valueSize" -> b.valueSize(changes.valueSizeMin, changes.valueSizeMax);
                case "timeout" -> b.timeout(changes.timeout);
                case "breaker" -> b.breaker(changes.breaker);
                default -> throw new IllegalArgumentException("no load setting '" + w + "'");
            }
        }
        return b.build();
    }

    /** {@code 50 clients (closed loop), mix get 90% set 10%, 10000 uniform keys, values 100 B, timeout 100 ms}. */
    public String describe() {
        double sum = mix.values().stream().mapToDouble(v -> v).sum();
        return (openLoop() ? Units.formatNumber(ratePerSecond) + " ops/s (open loop, up to " + clients + " in flight)"
            : clients + " clients (closed loop)") + ", mix " + String.join(" ", new TreeSet<>(mix.keySet()).stream()
            .map(k -> k + " " + Math.round(mix.get(k) * 100 / sum) + "%").toList()) + ", " + keys + " " + keyDistribution + " keys, values "
            + (valueSizeMin == valueSizeMax ? valueSizeMin : valueSizeMin + "-" + valueSizeMax) + " B, timeout " + Units.format(timeout);
    }

    /** The given settings as a {@code load { }} block writes them; empty when none was given. */
    public String written() {
        StringBuilder sb = new StringBuilder();
        for (String w : new TreeSet<>(given)) {
            sb.append(sb.isEmpty() ? "" : "; ").append(w).append(' ').append(switch (w) {
                case "clients" -> Integer.toString(clients);
                case "rate" -> Units.formatNumber(ratePerSecond) + ".perSecond";
                case "mix" -> String.join(", ", new TreeSet<>(mix.keySet()).stream().map(k -> k + ": " + mix.get(k)).toList());
                case "keys" -> Integer.toString(keys);
                case "distribution" -> '"' + keyDistribution + '"';
                case "valueSize" -> valueSizeMin + ".bytes";
                case "timeout" -> timeout.toMillis() + ".ms";
                default -> String.format(Locale.ROOT, "failureRate: %s, openFor: %s, window: %d, halfOpenCalls: %d, slowCall: %s, slowCallRate: %s",
                    breaker.failureRate, breaker.openFor.toMillis() + ".ms", breaker.window, breaker.halfOpenCalls,
                    breaker.slowCall.toMillis() + ".ms", breaker.slowCallRate);
            });
        }
        return sb.isEmpty() ? "" : "load { " + sb + " }";
    }

    /** A profile being changed, from {@link #builder()} or {@link #toBuilder()}. */
    public static final class Builder {
        private int clients, keys, valueSizeMin, valueSizeMax, poolSize;
        private double ratePerSecond;
        private long maxOperations;
        private boolean prefill;
        private Map<String, Double> mix;
        private String keyDistribution;
        private Duration ttl, timeout, duration;
        private Breaker breaker;
        private Set<String> given;
        private final SourcePos pos;

        private Builder(LoadProfile p) {
            clients = p.clients; ratePerSecond = p.ratePerSecond; mix = p.mix; keys = p.keys; keyDistribution = p.keyDistribution;
            valueSizeMin = p.valueSizeMin; valueSizeMax = p.valueSizeMax; ttl = p.ttl; timeout = p.timeout; prefill = p.prefill;
            breaker = p.breaker; poolSize = p.poolSize; duration = p.duration; maxOperations = p.maxOperations; given = p.given; pos = p.pos;
        }

        public Builder clients(int v) { clients = v; return this; }
        public Builder ratePerSecond(double v) { ratePerSecond = v; return this; }
        public Builder mix(Map<String, Double> v) { mix = v; return this; }
        public Builder keys(int v) { keys = v; return this; }
        public Builder distribution(String v) { keyDistribution = v; return this; }
        public Builder valueSize(int fixed) { return valueSize(fixed, fixed); }
        public Builder valueSize(int min, int max) { valueSizeMin = min; valueSizeMax = max; return this; }
        public Builder ttl(Duration v) { ttl = v; return this; }
        public Builder timeout(Duration v) { timeout = v; return this; }
        public Builder prefill(boolean v) { prefill = v; return this; }
        public Builder breaker(Breaker v) { breaker = v; return this; }
        public Builder poolSize(int v) { poolSize = v; return this; }
        /** {@code null} runs until stopped. */
        public Builder duration(Duration v) { duration = v; return this; }
        public Builder maxOperations(long v) { maxOperations = v; return this; }
        public Builder given(Set<String> v) { given = v; return this; }

        public LoadProfile build() {
            return new LoadProfile(clients, ratePerSecond, mix, keys, keyDistribution, valueSizeMin, valueSizeMax, ttl, timeout,
                prefill, breaker, poolSize, duration, maxOperations, given, pos);
        }
    }

    private static boolean positive(Duration d) {
        return d != null && !d.isNegative() && !d.isZero();
    }

    private static void check(boolean ok, String message) {
        if (!ok) throw new IllegalArgumentException(message);
    }
}
