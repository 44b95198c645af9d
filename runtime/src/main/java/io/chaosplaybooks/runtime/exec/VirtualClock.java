package io.chaosplaybooks.runtime.exec;

/** A clock that jumps to each deadline at once: for tests and dry runs. */
public final class VirtualClock implements Clock {
    private long now;

    @Override
    public synchronized long nanos() {
        return now;
    }

    @Override
    public synchronized void sleepUntil(long deadline) throws InterruptedException {
        if (Thread.interrupted()) throw new InterruptedException();
        if (deadline > now) now = deadline;
    }

    public synchronized void advance(long nanos) {
        now += nanos;
    }
}
