package io.chaosplaybooks.runtime.load;

import java.time.Instant;

/** A server's circuit breaker changed state at {@code at}. */
public record BreakerTransition(Instant at, String server, BreakerState from, BreakerState to) {}
