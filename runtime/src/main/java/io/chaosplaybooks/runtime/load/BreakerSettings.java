package io.chaosplaybooks.runtime.load;

import java.time.Duration;
import java.util.Objects;

/**
 * One server's circuit breaker (resilience4j), as the playbook's {@code breaker ...} line sets it.
 *
 * @param failureRateThreshold  fraction of failed calls (0 < x <= 1) in the window that opens the breaker
 * @param slowCallRateThreshold fraction of slow calls (0 < x <= 1) in the window that opens the breaker
 * @param slowCallDuration      a call slower than this counts as slow
 * @param waitInOpenState       how long the breaker stays open before letting probe calls through
 * @param halfOpenCalls         probe calls allowed in half-open state; they decide open or closed
 * @param windowType            whether {@code windowSize} counts calls or seconds
 * @param windowSize            sliding window size, in calls or seconds
 * @param minimumCalls          calls needed in the window before rates are judged
 */
public record BreakerSettings(
    double failureRateThreshold,
    double slowCallRateThreshold,
    Duration slowCallDuration,
    Duration waitInOpenState,
    int halfOpenCalls,
    WindowType windowType,
    int windowSize,
    int minimumCalls) {

    public enum WindowType { COUNT_BASED, TIME_BASED }

    public BreakerSettings {
        Objects.requireNonNull(slowCallDuration, "slowCallDuration");
        Objects.requireNonNull(waitInOpenState, "waitInOpenState");
        Objects.requireNonNull(windowType, "windowType");
        fraction("failureRateThreshold", failureRateThreshold);
        fraction("slowCallRateThreshold", slowCallRateThreshold);
        positive("slowCallDuration", slowCallDuration);
        positive("waitInOpenState", waitInOpenState);
        if (halfOpenCalls < 1) {
            throw new IllegalArgumentException("halfOpenCalls must be >= 1, got " + halfOpenCalls);
        }
        if (windowSize < 1) {
            throw new IllegalArgumentException("breaker windowSize must be >= 1, got " + windowSize);
        }
        if (minimumCalls < 1) {
            throw new IllegalArgumentException("breaker minimumCalls must be >= 1, got " + minimumCalls);
        }
    }

    /**
     * 50 % failures or 100 % slow calls (slower than the 100 ms default timeout) over the last
     * 10 seconds, judged once 20 calls were seen; open for 5 s; 5 probe calls.
     */
    public static BreakerSettings defaults() {
        return new BreakerSettings(0.5, 1.0, Duration.ofMillis(100), Duration.ofSeconds(5), 5,
            WindowType.TIME_BASED, 10, 20);
    }

    public BreakerSettings withFailureRateThreshold(double v) {
        return new BreakerSettings(v, slowCallRateThreshold, slowCallDuration, waitInOpenState, halfOpenCalls, windowType, windowSize, minimumCalls);
    }

    public BreakerSettings withSlowCalls(double rate, Duration duration) {
        return new BreakerSettings(failureRateThreshold, rate, duration, waitInOpenState, halfOpenCalls, windowType, windowSize, minimumCalls);
    }

    public BreakerSettings withWaitInOpenState(Duration v) {
        return new BreakerSettings(failureRateThreshold, slowCallRateThreshold, slowCallDuration, v, halfOpenCalls, windowType, windowSize, minimumCalls);
    }

    public BreakerSettings withHalfOpenCalls(int v) {
        return new BreakerSettings(failureRateThreshold, slowCallRateThreshold, slowCallDuration, waitInOpenState, v, windowType, windowSize, minimumCalls);
    }

    public BreakerSettings withWindow(WindowType type, int size, int minimum) {
        return new BreakerSettings(failureRateThreshold, slowCallRateThreshold, slowCallDuration, waitInOpenState, halfOpenCalls, type, size, minimum);
    }

    private static void fraction(String what, double v) {
        if (!(v > 0 && v <= 1)) {
            throw new IllegalArgumentException(what + " must be a fraction in (0, 1], got " + v);
        }
    }

    private static void positive(String what, Duration d) {
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(what + " must be positive, got " + d);
        }
    }
}
