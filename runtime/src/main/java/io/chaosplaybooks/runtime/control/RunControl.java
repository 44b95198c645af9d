package io.chaosplaybooks.runtime.control;

import java.time.Duration;

/**
 * A live run as the control registry drives it: {@code chaos status}, {@code chaos stop},
 * {@code chaos pause} and {@code chaos resume} from another shell, and a server's API, all end here.
 * {@link LocalRun} is the one for a run of this process.
 */
public interface RunControl {
    String runId();

    String playbook();

    LiveStatus status();

    /** Stops the run as Ctrl-C does and waits for its cleanup, at most {@code timeout}; says what was removed. */
    StopReport stop(String by, Duration timeout) throws InterruptedException;

    /**
     * Holds the run's timeline (faults stay on, or with {@code healFaults} come off until the resume);
     * waits a moment for the pause to take hold and answers the status then.
     *
     * @throws Refused if the run is paused already, or ending
     */
    LiveStatus pause(String by, boolean healFaults) throws InterruptedException;

    /** @throws Refused if the run is not paused */
    LiveStatus resume(String by);

    /** A request that does not fit the run's state (409 over HTTP). */
    final class Refused extends RuntimeException {
        public Refused(String message) {
            super(message, null, false, false);
        }
    }
}
