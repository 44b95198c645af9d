package io.chaosplaybooks.runtime.exec;

import io.chaosplaybooks.runtime.events.RunEvent;

import java.util.List;

/** Hears a run's events: the journal, the console, the metrics and the verdict's observations listen. */
@FunctionalInterface
public interface RunListener {
    void on(RunEvent event);

    /** One listener that tells several, in order; one that throws does not stop the others or the run. */
    static RunListener all(List<RunListener> listeners) {
        List<RunListener> all = List.copyOf(listeners);
        return event -> {
            for (RunListener l : all) {
                try {
                    l.on(event);
                } catch (RuntimeException e) {
                    System.err.println("chaos: a listener failed: " + e);
                }
            }
        };
    }
}
