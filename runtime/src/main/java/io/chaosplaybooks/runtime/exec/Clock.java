package io.chaosplaybooks.runtime.exec;

/**
 * Time for the executor. Phases are scheduled on absolute deadlines measured from the run's
 * start, so a late step never pushes the following ones back.
 */
public interface Clock {
    /** Monotonic time in nanoseconds. */
    long nanos();

    /** Returns at {@code deadlineNanos} (at once if it has passed). */
    void sleepUntil(long deadlineNanos) throws InterruptedException;

    Clock SYSTEM = new Clock() {
        @Override
        public long nanos() {
            return System.nanoTime();
        }

        @Override
        public void sleepUntil(long deadline) throws InterruptedException {
            // Sleep most of the way, then spin briefly: Thread.sleep alone overshoots by a timer tick.
            for (long left = deadline - System.nanoTime(); left > 0; left = deadline - System.nanoTime()) {
                if (left > 2_000_000) {
                    Thread.sleep((left - 1_000_000) / 1_000_000, (int) ((left - 1_000_000) % 1_000_000));
                } else if (left > 50_000) {
                    Thread.onSpinWait();
                    if (Thread.interrupted()) throw new InterruptedException();
                } else {
                    Thread.onSpinWait();
                }
            }
        }
    };
}
