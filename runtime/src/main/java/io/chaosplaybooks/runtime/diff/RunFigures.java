package io.chaosplaybooks.runtime.diff;

import io.chaosplaybooks.runtime.events.RunEvent;
import io.chaosplaybooks.runtime.journal.Journal;
import io.chaosplaybooks.runtime.journal.JournalException;
import org.HdrHistogram.Histogram;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A run's figures as {@code chaos diff} compares them, read from its journal: per scenario (its first
 * run) and per phase, throughput, error rate, p50 and p99 (from the seconds' histograms, so exact over the
 * phase), breaker openings and time open; the scenario's recovery time and verdict; and its seconds, to draw.
 * A second belongs to a phase when its middle lies in it, as for the verdict.
 */
public record RunFigures(Path file, RunEvent.RunStart start, List<Scenario> scenarios) {
    /** Recovery, as the verdict measures it: an error rate this far (a share) above the stabilize baseline still counts as back. */
    static final double RECOVERED_ERROR_SLACK = 0.01;

    public record Phase(String label, double fromMs, double toMs, double opsPerSecond, double errorRate, double p50Ms, double p99Ms,
                        int breakerOpens, double openMs) {}

    /** One second of a scenario: ms from the scenario's start, ops/s, error rate, p99 (NaN: none). */
    public record Second(double atMs, double opsPerSecond, double errorRate, double p99Ms) {}

    /** {@code recoveryMs}: NaN when the scenario has no stabilize and recover, infinite when it never got back. */
    public record Scenario(String name, String status, double lengthMs, List<Phase> phases, double recoveryMs, List<Second> seconds) {
        public Phase phase(String label) {
            return phases.stream().filter(p -> p.label().equals(label)).findFirst().orElse(null);
        }
    }

    public static RunFigures read(Path file) throws JournalException {
        List<RunEvent> events = Journal.read(file);
        if (events.isEmpty() || !(events.get(0) instanceof RunEvent.RunStart start)) {
            throw new JournalException(file + ": not a run's journal (its first line is not a run-start)");
        }
        if (start.schema() != null && start.schema() > RunEvent.SCHEMA) {
            throw new JournalException(file + ": written by a newer chaos (journal schema " + start.schema() + "; this one reads up to "
                + RunEvent.SCHEMA + ")");
        }
        List<RunEvent.LoadSecond> seconds = new ArrayList<>();
        List<RunEvent.BreakerChange> breakers = new ArrayList<>();
        Map<String, double[]> spans = new LinkedHashMap<>(); // scenario -> {start, end}
        Map<String, List<RunEvent.PhaseStart>> phases = new LinkedHashMap<>();
        Map<String, String> status = new LinkedHashMap<>();
        String current = null;
        double startedAt = 0;
        for (RunEvent e : events) {
            switch (e) {
                case RunEvent.LoadSecond s -> seconds.add(s);
                case RunEvent.BreakerChange b -> breakers.add(b);
                case RunEvent.ScenarioStart s -> {
                    current = spans.containsKey(s.scenario()) ? null : s.scenario();
                    startedAt = s.actualMs();
                }
                case RunEvent.PhaseStart p -> {
                    if (p.scenario().equals(current)) phases.computeIfAbsent(current, k -> new ArrayList<>()).add(p);
                }
                case RunEvent.ScenarioEnd s -> {
                    if (s.scenario().equals(current)) spans.put(current, new double[] {startedAt, Math.max(startedAt, s.actualMs())});
                    current = null;
                }
                case RunEvent.Verdict v -> status.putIfAbsent(v.scenario(), v.status());
                default -> { }
            }
        }
        List<Scenario> out = new ArrayList<>();
        for (var entry : spans.entrySet()) {
            out.add(scenario(entry.getKey(), entry.getValue(), phases.getOrDefault(entry.getKey(), List.of()), seconds, breakers,
                status.get(entry.getKey())));
        }
        return new RunFigures(file, start, out);
    }

    private static Scenario scenario(String name, double[] span, List<RunEvent.PhaseStart> starts, List<RunEvent.LoadSecond> seconds,
                                     List<RunEvent.BreakerChange> breakers, String status) {
        List<Phase> phases = new ArrayList<>();
        Map<String, Integer> seen = new LinkedHashMap<>();
        double stabFrom = Double.NaN, stabTo = Double.NaN, recFrom = Double.NaN, recTo = Double.NaN;
        for (int i = 0; i < starts.size(); i++) {
            RunEvent.PhaseStart p = starts.get(i);
            double from = p.actualMs();
            double to = p.lengthMs() > 0 ? from + p.lengthMs() : (i + 1 < starts.size() ? starts.get(i + 1).actualMs() : span[1]);
            String base = p.phase().equals("step") && p.step() != null ? p.step() : p.phase();
            int n = seen.merge(base, 1, Integer::sum);
            String label = n == 1 ? base : base + "#" + n;
            phases.add(phase(label, from, to, seconds, breakers));
            if (p.phase().equals("stabilize") && Double.isNaN(stabFrom)) { stabFrom = from; stabTo = to; }
            if (p.phase().equals("recover") && Double.isNaN(recFrom)) { recFrom = from; recTo = to; }
        }
        phases.add(phase("scenario", span[0], span[1], seconds, breakers));
        double recovery = Double.NaN;
        if (!Double.isNaN(stabFrom) && !Double.isNaN(recFrom)) {
            Phase baseline = phase("baseline", stabFrom, stabTo, seconds, breakers);
            recovery = Double.POSITIVE_INFINITY;
            for (RunEvent.LoadSecond s : seconds) {
                if (s.startMs() < recFrom || s.startMs() >= recTo || s.operations() == 0) continue;
                double p99 = s.p99Ms() == null ? 0 : s.p99Ms();
                if (s.errorRate() <= baseline.errorRate() + RECOVERED_ERROR_SLACK
                    && p99 <= 2 * (Double.isNaN(baseline.p99Ms()) ? 0 : baseline.p99Ms()) + 1.0) {
                    recovery = s.startMs() - recFrom;
                    break;
                }
            }
        }
        List<Second> own = new ArrayList<>();
        for (RunEvent.LoadSecond s : seconds) {
            double mid = (s.startMs() + s.endMs()) / 2;
            if (mid >= span[0] && mid < span[1]) {
                own.add(new Second(s.startMs() - span[0], s.opsPerSecond(), s.errorRate(), s.p99Ms() == null ? Double.NaN : s.p99Ms()));
            }
        }
        return new Scenario(name, status, span[1] - span[0], rebase(phases, span[0]), recovery, own);
    }

    private static List<Phase> rebase(List<Phase> phases, double origin) {
        return phases.stream().map(p -> new Phase(p.label(), p.fromMs() - origin, p.toMs() - origin, p.opsPerSecond(), p.errorRate(),
            p.p50Ms(), p.p99Ms(), p.breakerOpens(), p.openMs())).toList();
    }

    static Phase phase(String label, double from, double to, List<RunEvent.LoadSecond> seconds, List<RunEvent.BreakerChange> breakers) {
        long ops = 0, errors = 0;
        double ms = 0, worstP99 = Double.NaN, worstP50 = Double.NaN;
        Histogram merged = null;
        boolean allHistograms = true;
        for (RunEvent.LoadSecond s : seconds) {
            double mid = (s.startMs() + s.endMs()) / 2;
            if (mid < from || mid >= to) continue;
            ops += s.operations();
            errors += s.errors();
            ms += s.endMs() - s.startMs();
            if (s.p99Ms() != null) worstP99 = Double.isNaN(worstP99) ? s.p99Ms() : Math.max(worstP99, s.p99Ms());
            if (s.p50Ms() != null) worstP50 = Double.isNaN(worstP50) ? s.p50Ms() : Math.max(worstP50, s.p50Ms());
            Histogram h = s.operations() == 0 ? null : s.histogram();
            if (h == null) {
                if (s.operations() > 0) allHistograms = false;
                continue;
            }
            if (merged == null) merged = new Histogram(3);
            merged.add(h);
        }
        double p50 = worstP50, p99 = worstP99;
        if (merged != null && allHistograms) {
            p50 = merged.getValueAtPercentile(50) / 1000.0;
            p99 = merged.getValueAtPercentile(99) / 1000.0;
        }
        // Breakers: openings in the window, and time in OPEN overlapping it, over all servers.
        int opens = 0;
        double open = 0;
        Map<String, Double> openSince = new LinkedHashMap<>();
        for (RunEvent.BreakerChange b : breakers) {
            if (b.to().equals("OPEN")) {
                if (b.actualMs() >= from && b.actualMs() < to) opens++;
                openSince.putIfAbsent(b.server(), b.actualMs());
            } else if (b.from().equals("OPEN")) {
                Double since = openSince.remove(b.server());
                if (since != null) open += overlap(since, b.actualMs(), from, to);
            }
        }
        for (double since : openSince.values()) open += overlap(since, to, from, to);
        return new Phase(label, from, to, ms > 0 ? ops / (ms / 1000) : 0, ops > 0 ? (double) errors / ops : 0, p50, p99, opens, open);
    }

    private static double overlap(double a0, double a1, double b0, double b1) {
        return Math.max(0, Math.min(a1, b1) - Math.max(a0, b0));
    }
}
