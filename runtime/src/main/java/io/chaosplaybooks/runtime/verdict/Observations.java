package io.chaosplaybooks.runtime.verdict;

import java.util.List;

/** What the load engine saw, as the verdict needs it. */
public interface Observations {
    /** Seconds that overlap {@code [from, to)}. */
    List<LoadSecond> seconds(long fromNanos, long toNanos);

    /** Breaker transitions in {@code [from, to)}, in order. */
    List<BreakerEvent> breakerEvents(long fromNanos, long toNanos);

    /** A server's breaker state at a time ({@code CLOSED} before any event). */
    String breakerState(String server, long atNanos);
}
