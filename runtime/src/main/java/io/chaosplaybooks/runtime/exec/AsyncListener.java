package io.chaosplaybooks.runtime.exec;

import io.chaosplaybooks.dsl.plan.Fault;

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
    public void drain() {
        try {
            thread.submit(() -> { }).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            if (e instanceof InterruptedException) Thread.currentThread().interrupt();
        }
    }

    @Override
    public void scenarioStarted(String s, long planned, long actual) { post(() -> target.scenarioStarted(s, planned, actual)); }

    @Override
    public void phaseStarted(String s, String w, String label, long len, long planned, long actual) {
        post(() -> target.phaseStarted(s, w, label, len, planned, actual));
    }

    @Override
    public void faultApplied(String s, String server, Fault f, long planned, long actual) {
        post(() -> target.faultApplied(s, server, f, planned, actual));
    }

    @Override
    public void faultRemoved(String s, String server, Fault f, String why, long planned, long actual) {
        post(() -> target.faultRemoved(s, server, f, why, planned, actual));
    }

    @Override
    public void actionFailed(String s, String what, Exception cause, long actual) { post(() -> target.actionFailed(s, what, cause, actual)); }

    @Override
    public void scenarioEnded(String s, long planned, long actual) { post(() -> target.scenarioEnded(s, planned, actual)); }

    @Override
    public void close() {
        drain();
        thread.shutdown();
    }
}
