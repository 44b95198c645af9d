package io.chaosplaybooks.runtime.verdict;

import java.util.ArrayList;
import java.util.List;

/** Observations kept in memory as the load engine reports them; thread-safe. */
public final class RecordedObservations implements Observations {
    private final List<LoadSecond> seconds = new ArrayList<>();
    private final List<BreakerEvent> events = new ArrayList<>();

    public synchronized void add(LoadSecond s) {
        seconds.add(s);
    }

    public synchronized void add(BreakerEvent e) {
        events.add(e);
    }

    @Override
    public synchronized List<LoadSecond> seconds(long from, long to) {
        return seconds.stream().filter(s -> s.endNanos() > from && s.startNanos() < to).toList();
    }

    @Override
    public synchronized List<BreakerEvent> breakerEvents(long from, long to) {
        return events.stream().filter(e -> e.nanos() >= from && e.nanos() < to).toList();
    }

    @Override
    public synchronized String breakerState(String server, long at) {
        String state = "CLOSED";
        // Events of different servers may interleave slightly out of time order (each server's own
        // are in order): look at all of them, not only up to the first one after `at`.
        for (BreakerEvent e : events) {
            if (e.nanos() <= at && e.server().equals(server)) state = e.to();
        }
        return state;
    }
}
