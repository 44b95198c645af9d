package io.chaosplaybooks.runtime.load;

import org.HdrHistogram.Histogram;

/** Latency percentiles of a set of operations, in milliseconds; all zero when there were none. */
public record LatencySummary(long count, double p50Ms, double p90Ms, double p99Ms, double p999Ms, double maxMs, double meanMs) {
    static final LatencySummary EMPTY = new LatencySummary(0, 0, 0, 0, 0, 0, 0);

    /** From a histogram recorded in nanoseconds. */
    static LatencySummary of(Histogram nanos) {
        if (nanos.getTotalCount() == 0) {
            return EMPTY;
        }
        return new LatencySummary(nanos.getTotalCount(),
            ms(nanos.getValueAtPercentile(50)),
            ms(nanos.getValueAtPercentile(90)),
            ms(nanos.getValueAtPercentile(99)),
            ms(nanos.getValueAtPercentile(99.9)),
            ms(nanos.getMaxValue()),
            nanos.getMean() / 1e6);
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }
}
