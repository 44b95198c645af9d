package io.chaosplaybooks.runtime.probe;

import io.chaosplaybooks.runtime.events.RunEvent;

import java.util.ArrayList;
import java.util.List;

/**
 * The probes' answers of a run, as expectations, gates and aborts read them: by probe (as the playbook
 * writes it) and by when the request was sent, on the run's clock. Thread-safe.
 */
public final class ProbeSamples {
    /** One answer and when its request was sent ({@code nanos}, on the run's clock). */
    public record Sample(long nanos, RunEvent.ProbeSample event) {}

    private final List<Sample> samples = new ArrayList<>();

    public synchronized void add(long nanos, RunEvent.ProbeSample event) {
        samples.add(new Sample(nanos, event));
    }

    /** The answers of {@code probe} whose request was sent in {@code [from, to)}, in order. */
    public synchronized List<Sample> in(String probe, long fromNanos, long toNanos) {
        return samples.stream().filter(s -> s.event().probe().equals(probe) && s.nanos() >= fromNanos && s.nanos() < toNanos).toList();
    }

    /** The latest answer of {@code probe} sent at or after {@code sinceNanos}, or null. */
    public synchronized Sample latest(String probe, long sinceNanos) {
        for (int i = samples.size() - 1; i >= 0; i--) {
            Sample s = samples.get(i);
            if (s.nanos() < sinceNanos) return null;
            if (s.event().probe().equals(probe)) return s;
        }
        return null;
    }
}
