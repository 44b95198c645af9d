package io.chaosplaybooks.runtime.exec;

import io.chaosplaybooks.runtime.events.RunEvent;

import java.util.ArrayList;
import java.util.List;

/**
 * Holds the executor's events until {@link #release}, then passes them on in order. Times are taken
 * when each event happened, so holding them back changes when listeners hear of them, not what they hear.
 */
final class HeldEvents implements RunListener {
    private final RunListener target;
    private final List<RunEvent> held = new ArrayList<>();

    HeldEvents(RunListener target) {
        this.target = target;
    }

    void release() {
        held.forEach(target::on);
        held.clear();
    }

    @Override
    public void on(RunEvent event) {
        held.add(event);
    }
}
