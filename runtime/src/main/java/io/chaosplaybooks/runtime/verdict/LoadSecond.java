package io.chaosplaybooks.runtime.verdict;

import org.HdrHistogram.Histogram;

import java.util.Map;

/**
 * One second of load as the verdict reads it: operations attempted, how many failed, their
 * latencies (microseconds) and each server's breaker state at the second's end. Times on the
 * run's clock.
 */
public record LoadSecond(long startNanos, long endNanos, long operations, long errors, Histogram latencyMicros,
                         Map<String, String> breakerStates) {
    public double errorRate() {
        return operations == 0 ? 0 : (double) errors / operations;
    }

    public double seconds() {
        return (endNanos - startNanos) / 1e9;
    }
}
