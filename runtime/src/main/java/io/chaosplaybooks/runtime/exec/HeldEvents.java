package io.chaosplaybooks.runtime.exec;

import io.chaosplaybooks.dsl.plan.Fault;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Holds the executor's events until {@link #release}, then passes them on in order. Times are taken
 * when each event happened, so holding them back changes when listeners hear of them, not what they hear.
 */
final class HeldEvents implements RunListener {
    private final RunListener target;
    private final List<Consumer<RunListener>> held = new ArrayList<>();

    HeldEvents(RunListener target) {
        this.target = target;
    }

    void release() {
        for (Consumer<RunListener> e : held) {
            e.accept(target);
        }
        held.clear();
    }

    @Override
    public void scenarioStarted(String s, long planned, long actual) {
        held.add(l -> l.scenarioStarted(s, planned, actual));
    }

    @Override
    public void phaseStarted(String s, String w, String label, long len, long planned, long actual) {
        held.add(l -> l.phaseStarted(s, w, label, len, planned, actual));
    }

    @Override
    public void faultApplied(String s, String server, Fault f, long planned, long actual) {
        held.add(l -> l.faultApplied(s, server, f, planned, actual));
    }

    @Override
    public void faultRemoved(String s, String server, Fault f, String why, long planned, long actual) {
        held.add(l -> l.faultRemoved(s, server, f, why, planned, actual));
    }

    @Override
    public void actionFailed(String s, String what, Exception cause, long actual) {
        held.add(l -> l.actionFailed(s, what, cause, actual));
    }

    @Override
    public void scenarioEnded(String s, long planned, long actual) {
        held.add(l -> l.scenarioEnded(s, planned, actual));
    }
}
