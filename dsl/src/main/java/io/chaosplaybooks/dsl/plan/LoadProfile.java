package io.chaosplaybooks.dsl.plan;

import java.time.Duration;
import java.util.Map;

/**
 * The traffic that runs while a playbook's scenarios do. {@code rate} null means closed loop with
 * {@code clients} workers; otherwise open loop at that rate.
 */
public record LoadProfile(
    int clients,
    Double ratePerSecond,
    Map<String, Double> mix,
    int keys,
    String keyDistribution,
    long valueSizeBytes,
    Duration timeout,
    Breaker breaker,
    SourcePos pos) {

    public LoadProfile {
        mix = Map.copyOf(mix);
    }

    /** resilience4j settings, one breaker per server. */
    public record Breaker(double failureRate, Duration openFor, int window, int halfOpenCalls,
                          Duration slowCallDuration, double slowCallRate) {
        public static Breaker defaults() {
            return new Breaker(0.5, Duration.ofSeconds(5), 100, 10, Duration.ofMillis(100), 1.0);
        }
    }

    public static LoadProfile defaults(SourcePos pos) {
        return new LoadProfile(50, null, Map.of("get", 0.9, "set", 0.1), 10_000, "uniform", 100,
            Duration.ofMillis(100), Breaker.defaults(), pos);
    }
}
