package io.chaosplaybooks.runtime.schedule;

import java.time.Instant;

/**
 * A schedule fired: at its due time, or by hand.
 *
 * @param due when it was due (for a trigger: when it was asked)
 * @param at  when the scheduler called the listener
 */
public record Fire(ScheduleEntry entry, Instant due, Instant at, Cause cause) {
    public enum Cause { SCHEDULE, TRIGGER }
}
