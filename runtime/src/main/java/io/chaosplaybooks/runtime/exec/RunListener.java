package io.chaosplaybooks.runtime.exec;

import io.chaosplaybooks.dsl.plan.Fault;

/**
 * What the executor reports as it goes: the journal, the console and the metrics listen.
 * Times are nanoseconds on the run's clock; {@code planned} is the deadline, {@code actual} when it happened.
 */
public interface RunListener {
    default void scenarioStarted(String scenario, long planned, long actual) {}

    default void phaseStarted(String scenario, String word, String label, long lengthNanos, long planned, long actual) {}

    default void faultApplied(String scenario, String server, Fault fault, long planned, long actual) {}

    default void faultRemoved(String scenario, String server, Fault fault, String why, long planned, long actual) {}

    default void actionFailed(String scenario, String what, Exception cause, long actual) {}

    default void scenarioEnded(String scenario, long planned, long actual) {}
}
