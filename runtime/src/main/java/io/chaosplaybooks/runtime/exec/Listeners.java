package io.chaosplaybooks.runtime.exec;

import io.chaosplaybooks.dsl.plan.Fault;

import java.util.List;

/** One listener that tells several; a listener that throws does not stop the others or the run. */
public final class Listeners implements RunListener {
    private final List<RunListener> all;

    public Listeners(List<RunListener> all) {
        this.all = List.copyOf(all);
    }

    private interface Call {
        void on(RunListener l);
    }

    private void each(Call c) {
        for (RunListener l : all) {
            try {
                c.on(l);
            } catch (RuntimeException e) {
                System.err.println("chaos: a listener failed: " + e);
            }
        }
    }

    @Override
    public void scenarioStarted(String s, long planned, long actual) { each(l -> l.scenarioStarted(s, planned, actual)); }

    @Override
    public void phaseStarted(String s, String w, String label, long len, long planned, long actual) {
        each(l -> l.phaseStarted(s, w, label, len, planned, actual));
    }

    @Override
    public void faultApplied(String s, String server, Fault f, long planned, long actual) {
        each(l -> l.faultApplied(s, server, f, planned, actual));
    }

    @Override
    public void faultRemoved(String s, String server, Fault f, String why, long planned, long actual) {
        each(l -> l.faultRemoved(s, server, f, why, planned, actual));
    }

    @Override
    public void actionFailed(String s, String what, Exception cause, long actual) { each(l -> l.actionFailed(s, what, cause, actual)); }

    @Override
    public void scenarioEnded(String s, long planned, long actual) { each(l -> l.scenarioEnded(s, planned, actual)); }
}
