package io.chaosplaybooks.runtime.verdict;

/** A circuit breaker changed state ({@code CLOSED}, {@code OPEN}, {@code HALF_OPEN}), on the run's clock. */
public record BreakerEvent(long nanos, String server, String from, String to) {}
