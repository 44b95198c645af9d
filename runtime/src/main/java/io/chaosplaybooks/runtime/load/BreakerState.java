package io.chaosplaybooks.runtime.load;

import java.util.Locale;

/**
 * A server's circuit breaker state. {@link #gaugeValue()} is what the Prometheus gauge shows:
 * 0 closed, 1 half-open, 2 open (the order of the Go breaker the old load generator used).
 */
public enum BreakerState {
    CLOSED(0), HALF_OPEN(1), OPEN(2);

    private final int gaugeValue;

    BreakerState(int gaugeValue) {
        this.gaugeValue = gaugeValue;
    }

    public int gaugeValue() {
        return gaugeValue;
    }

    public String tag() {
        return name().toLowerCase(Locale.ROOT);
    }
}
