package io.chaosplaybooks.runtime.exec;

import java.time.Duration;

/**
 * A run's pause, asked for from outside ({@code chaos pause}, the server's API) and taken by the
 * executor at its next check (within {@link ScenarioExecutor#PAUSE_CHECK_NANOS} of a sleep, or
 * before the next scenario). While it holds, the scenario's timeline stands still: on resume every
 * remaining deadline moves by the time paused. The load goes on; the faults stay on, unless the
 * pause was asked with {@code healFaults}: then they come off and go on again at the resume.
 */
public final class PauseRequest {
    private String by;
    private boolean healFaults;
    private String resumedBy;
    private boolean held;

    /** Asks for a pause; false when the run is paused already (or a pause is asked and not yet taken). */
    public synchronized boolean pause(String by, boolean healFaults) {
        if (this.by != null) return false;
        this.by = by;
        this.healFaults = healFaults;
        this.resumedBy = null;
        return true;
    }

    /** Ends the pause; false when there is none. A pause asked and not yet taken is simply withdrawn. */
    public synchronized boolean resume(String by) {
        if (this.by == null) return false;
        this.by = null;
        this.resumedBy = by;
        notifyAll();
        return true;
    }

    /** True from a pause request to its resume. */
    public synchronized boolean paused() {
        return by != null;
    }

    /** True while the executor holds its timeline (the pause has been taken). */
    public synchronized boolean held() {
        return held;
    }

    /** Who asked for the pause under way, or null. */
    public synchronized String by() {
        return by;
    }

    synchronized boolean healFaults() {
        return healFaults;
    }

    /** Who ended the last pause. */
    synchronized String resumedBy() {
        return resumedBy;
    }

    /** Waits until the executor holds its timeline, at most {@code timeout}; true if it does. */
    public synchronized boolean awaitHeld(Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (!held && by != null) {
            long left = end - System.nanoTime();
            if (left <= 0) return false;
            wait(Math.max(1, left / 1_000_000));
        }
        return held;
    }

    /** The executor's side: holds until resumed (or interrupted: a stop). */
    synchronized void hold() throws InterruptedException {
        held = true;
        notifyAll();
        try {
            while (by != null) wait();
        } finally {
            held = false;
        }
    }
}
