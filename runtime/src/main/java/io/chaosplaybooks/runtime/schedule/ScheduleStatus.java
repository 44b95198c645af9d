package io.chaosplaybooks.runtime.schedule;

import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.List;

/**
 * A schedule as the scheduler sees it now.
 *
 * @param description plain English, from cron-utils for cron expressions
 * @param enabled     false while paused
 * @param lastFire    due time of the last fire (schedule or trigger), null before the first
 * @param lastMissed  the last due time missed, null if none; {@code missed} counts them all
 * @param lastError   what the listener threw at the last fire, null if it returned
 * @param next        the next three fire times in the schedule's zone (empty while paused, or when it fires no more)
 */
public record ScheduleStatus(ScheduleEntry entry, String description, boolean enabled, Instant lastFire,
                             Instant lastMissed, int missed, String lastError, List<ZonedDateTime> next) {
    public ScheduleStatus {
        next = List.copyOf(next);
    }

    public String id() {
        return entry.id();
    }
}
