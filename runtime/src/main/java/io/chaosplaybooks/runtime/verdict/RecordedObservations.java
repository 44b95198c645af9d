package io.chaosplaybooks.runtime.verdict;

import io.chaosplaybooks.runtime.events.RunEvent;
import io.chaosplaybooks.runtime.exec.RunListener;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Observations kept in memory as the run's load seconds and breaker changes arrive; thread-safe. */
public final class RecordedObservations implements Observations, RunListener {
    private final long originNanos;
    private final List<LoadSecond> seconds = new ArrayList<>();
    private final List<BreakerEvent> events = new ArrayList<>();

    /** @param originNanos the run's start on the clock the verdict judges with: events' milliseconds count from it */
    public RecordedObservations(long originNanos) {
        this.originNanos = originNanos;
    }

    private long nanos(double ms) {
        return originNanos + Math.round(ms * 1e6);
    }

    @Override
    public void on(RunEvent event) {
        switch (event) {
            case RunEvent.LoadSecond s -> {
                Map<String, String> breakers = new LinkedHashMap<>();
                s.servers().forEach((server, x) -> breakers.put(server, x.breaker() == null ? "CLOSED" : x.breaker().toUpperCase(Locale.ROOT)));
                add(new LoadSecond(nanos(s.startMs()), nanos(s.endMs()), s.operations(), s.errors(), s.histogram(), breakers));
            }
            case RunEvent.BreakerChange b -> add(new BreakerEvent(nanos(b.actualMs()), b.server(), b.from(), b.to()));
            default -> { }
        }
    }

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
