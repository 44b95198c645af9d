package io.chaosplaybooks.runtime.schedule;

import java.time.Instant;

/**
 * Hears the {@link Scheduler}. Called on the scheduler's thread (a trigger: on the caller's): return
 * quickly and start the run elsewhere; a later fire waits for this call to return. An exception
 * thrown here is kept as the schedule's last error and the scheduler goes on.
 */
public interface FireListener {
    void fired(Fire fire);

    /**
     * Due times that passed while the process was down (or its loop was held up for longer than
     * {@link Scheduler#MISSED_AFTER}): not run, told once for the lot.
     *
     * @param first the earliest missed due time known
     * @param count how many due times were missed (at least 1; those while the process was down count as 1 when unknown)
     */
    default void missed(ScheduleEntry entry, Instant first, int count) {}
}
