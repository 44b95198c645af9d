package io.chaosplaybooks.runtime.exec;

import io.chaosplaybooks.runtime.events.RunEvent;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Hands events to another thread, in order, so that the executor's thread never waits on a
 * console, a journal file or anything else a listener does between two deadlines. The times in
 * each event are taken by the executor when it happened, so nothing is lost by the hand-off.
 */
public final class AsyncListener implements RunListener, AutoCloseable {
    private final RunListener target;
    private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "chaos-events");
        t.setDaemon(true);
        return t;
    });

    public AsyncListener(RunListener target) {
        this.target = target;
    }

    private void post(Runnable r) {
        try {
            thread.execute(r);
        } catch (java.util.concurrent.RejectedExecutionException closed) {
            r.run();
        }
    }

    /** Waits until every event posted so far has been delivered. */
    private void drain() {
        try {
            thread.submit(() -> { }).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            if (e instanceof InterruptedException) Thread.currentThread().interrupt();
        }
    }

    @Override
    public void on(RunEvent event) {
        post(() -> target.on(event));
    }

    @Override
    public void close() {
        drain();
        thread.shutdown();
    }
}
