package io.chaosplaybooks.runtime.load;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Puts one breaker's transitions back in the order they happened. resilience4j changes the state
 * first and publishes the event afterwards, on whichever thread made the change (a worker, or its
 * timer thread for open → half-open); a thread descheduled in between publishes late, after events
 * that followed its own (open → half-open seen after half-open → closed), and a reader replaying the
 * events would end in the wrong state. Each breaker's events form one chain (every {@code from} is
 * the previous {@code to}), so an event that does not continue the chain waits until the one that
 * does arrives; it then takes that one's time if its own was earlier, so times never go backwards.
 */
final class BreakerTransitionOrder {
    /** A chain that never continues (an event lost upstream) must not hold back the rest forever. */
    private static final int MAX_WAITING = 8;

    private final String server;
    private BreakerState state = BreakerState.CLOSED;
    private Instant last = Instant.MIN;
    private final List<BreakerTransition> waiting = new ArrayList<>();

    BreakerTransitionOrder(String server) {
        this.server = server;
    }

    /**
     * Takes one published transition and passes on, oldest first, those now in order (often just this
     * one, sometimes none, sometimes also some that waited). {@code publish} runs under this object's
     * lock, so two threads never pass on one breaker's events out of order either.
     */
    synchronized void accept(BreakerState from, BreakerState to, Instant at, Consumer<BreakerTransition> publish) {
        waiting.add(new BreakerTransition(at, server, from, to));
        List<BreakerTransition> ready = new ArrayList<>(1);
        boolean progress = true;
        while (progress) {
            progress = false;
            for (int i = 0; i < waiting.size(); i++) {
                if (waiting.get(i).from() == state) {
                    ready.add(emit(waiting.remove(i)));
                    progress = true;
                    break;
                }
            }
        }
        if (waiting.size() > MAX_WAITING) {
            while (!waiting.isEmpty()) {
                ready.add(emit(waiting.remove(0)));
            }
        }
        ready.forEach(publish);
    }

    private BreakerTransition emit(BreakerTransition t) {
        state = t.to();
        if (t.at().isBefore(last)) {
            return new BreakerTransition(last, t.server(), t.from(), t.to());
        }
        last = t.at();
        return t;
    }
}
