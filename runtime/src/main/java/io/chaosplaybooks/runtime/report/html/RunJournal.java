package io.chaosplaybooks.runtime.report.html;

import io.chaosplaybooks.runtime.events.RunEvent;
import io.chaosplaybooks.runtime.exec.RunListener;
import io.chaosplaybooks.runtime.journal.Journal;
import io.chaosplaybooks.runtime.journal.JournalException;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A run as its journal tells it, gathered into what a report draws: the run's header, each
 * scenario's phases, fault changes, expectation results and verdict, its breaker transitions and
 * its seconds of load. Times are milliseconds from the run's start.
 *
 * <p>The journal is read one event at a time and nothing grows with its length: the first
 * {@link #DRAWN} scenario runs are kept in full (the rest are counted per scenario name), and each
 * kept run's seconds are a {@link Seconds} series that merges neighbours once it holds more than
 * {@link Seconds#CAPACITY}. Journals of ordinary runs stay below every bound and draw exactly.
 */
record RunJournal(RunEvent.RunStart runStart, RunEvent.RunEnd runEnd, List<ScenarioRun> scenarios, NotDrawn notDrawn, long seconds,
                  List<String> servers) {
    /** Scenario runs drawn in full; later runs are counted in the table of runs not drawn. */
    static final int DRAWN = 60;
    /** Phases, fault changes, expectation results and breaker changes kept per run. */
    static final int PER_RUN = 2000;
    /** Server names kept, for the run and per scenario run. */
    static final int SERVERS = 16;
    /** Scenario names counted one by one among the runs not drawn; the others are counted together. */
    static final int NAMES = 1000;

    record Phase(String name, String step, double startMs, double endMs) {
        String label() {
            return step == null || step.isEmpty() ? name : step + ": " + name;
        }
    }

    /** Runs of one scenario name that are not drawn, by verdict. */
    static final class Counts {
        long runs;
        long pass;
        long fail;
        long error;
        long aborted;
        long other;

        void verdict(String status) {
            switch (status == null ? "" : status) {
                case "pass" -> pass++;
                case "fail" -> fail++;
                case "error" -> error++;
                case "aborted" -> aborted++;
                default -> other++;
            }
        }
    }

    /** The scenario runs past the first {@link #DRAWN}: counted per name (the first {@link #NAMES} names), other names together. */
    record NotDrawn(long runs, Map<String, Counts> byName, Counts others) {}

    /** One scenario as it ran (a scenario appears once per iteration). */
    static final class ScenarioRun {
        final String name;
        final double startMs;
        double endMs = Double.NaN;
        final List<Phase> phases = new ArrayList<>();
        final List<TimeChart.Marker> faults = new ArrayList<>();
        final List<RunEvent.ExpectationResult> results = new ArrayList<>();
        RunEvent.Verdict verdict;
        /** Phases, fault changes and expectation results past {@link #PER_RUN}, not kept. */
        long leftOut;
        /** The run's seconds of load, from a second before it starts to a second after it ends. */
        final Seconds seconds = new Seconds();
        /** Each server's breaker state before {@link #breakers}, which follow in the journal's order. */
        final Map<String, String> breakersBefore = new HashMap<>();
        final List<RunEvent.BreakerChange> breakers = new ArrayList<>();
        /** Where a run cut short ends: its last phase, or a second after its last second of load. */
        double lastSeenMs;
        boolean collecting = true;

        ScenarioRun(String name, double startMs) {
            this.name = name;
            this.startMs = startMs;
            this.lastSeenMs = startMs;
        }

        double fromMs() {
            return Math.max(0, startMs - HtmlReport.MARGIN_MS);
        }

        double toMs() {
            return endMs + HtmlReport.MARGIN_MS;
        }

        /** Keeps the breaker changes under the bound by dropping every other one: the lane loses detail finer than it can show. */
        void breaker(RunEvent.BreakerChange c) {
            breakers.add(c);
            if (breakers.size() > PER_RUN) {
                List<RunEvent.BreakerChange> half = new ArrayList<>(breakers.size() / 2 + 1);
                for (int i = 0; i < breakers.size(); i++) if (i % 2 == 1 || i == breakers.size() - 1) half.add(breakers.get(i));
                breakers.clear();
                breakers.addAll(half);
            }
        }
    }

    static RunJournal read(Path file) throws JournalException {
        Reading r = new Reading();
        Journal.replay(file, r);
        if (r.runStart == null) {
            throw new JournalException(file + ": no run-start event" + (r.events == 0 ? " (the file is empty)" : "") + "; not a chaos run journal");
        }
        for (ScenarioRun s : r.kept) {
            // A run cut short leaves its last scenario open: it ends with the last thing recorded.
            if (Double.isNaN(s.endMs)) {
                s.endMs = s.lastSeenMs;
                closePhases(s, s.endMs);
            }
        }
        return new RunJournal(r.runStart, r.runEnd, List.copyOf(r.kept), new NotDrawn(r.notDrawn, r.byName, r.others),
            r.seconds, List.copyOf(r.servers));
    }

    /** What reading has gathered so far; each event costs at most a look at the runs being drawn. */
    private static final class Reading implements RunListener {
        RunEvent.RunStart runStart;
        RunEvent.RunEnd runEnd;
        long events;
        long seconds;
        final List<ScenarioRun> kept = new ArrayList<>();
        final Set<String> servers = new LinkedHashSet<>();
        /** The latest kept run of each name, while no later run of it has started. */
        final Map<String, ScenarioRun> latest = new HashMap<>();
        /** Kept runs of each name still waiting for their verdict, oldest first. */
        final Map<String, ArrayDeque<ScenarioRun>> unjudged = new HashMap<>();
        /** Kept runs still taking seconds and breaker changes. */
        final List<ScenarioRun> collecting = new ArrayList<>();
        /** The last seconds and breaker changes, for the second of context before a run starts. */
        final ArrayDeque<RunEvent.LoadSecond> recentSeconds = new ArrayDeque<>();
        final ArrayDeque<RunEvent.BreakerChange> recentBreakers = new ArrayDeque<>();
        /** Each server's breaker state after the changes that have left {@link #recentBreakers}. */
        final Map<String, String> breakerStates = new HashMap<>();
        long notDrawn;
        final Map<String, Counts> byName = new LinkedHashMap<>();
        final Counts others = new Counts();

        @Override
        public void on(RunEvent event) {
            events++;
            switch (event) {
                case RunEvent.RunStart e -> {
                    runStart = e;
                    if (e.serverNames() != null) e.serverNames().forEach(this::server);
                }
                case RunEvent.RunEnd e -> runEnd = e;
                case RunEvent.ScenarioStart e -> start(e);
                case RunEvent.ScenarioEnd e -> {
                    ScenarioRun s = latest.get(e.scenario());
                    if (s != null) {
                        s.endMs = e.actualMs();
                        closePhases(s, s.endMs);
                    }
                }
                case RunEvent.PhaseStart e -> {
                    ScenarioRun s = latest.get(e.scenario());
                    if (s != null) {
                        closePhases(s, e.actualMs());
                        s.lastSeenMs = Math.max(s.lastSeenMs, e.actualMs());
                        if (s.phases.size() < PER_RUN) s.phases.add(new Phase(e.phase(), e.step(), e.actualMs(), Double.NaN));
                        else s.leftOut++;
                    }
                }
                case RunEvent.FaultApplied e -> fault(e.scenario(), e.server(), e.actualMs(), true, e.fault());
                case RunEvent.FaultRemoved e -> fault(e.scenario(), e.server(), e.actualMs(), false, e.fault());
                case RunEvent.BreakerChange e -> breaker(e);
                case RunEvent.LoadSecond e -> second(e);
                case RunEvent.ExpectationResult e -> {
                    ScenarioRun s = unjudged(e.scenario());
                    if (s != null) {
                        if (s.results.size() < PER_RUN) s.results.add(e);
                        else s.leftOut++;
                    }
                }
                case RunEvent.Verdict e -> {
                    ScenarioRun s = unjudged(e.scenario());
                    if (s != null) {
                        s.verdict = e;
                        unjudged.get(e.scenario()).poll();
                    } else if (notDrawn > 0) {
                        counts(e.scenario()).verdict(e.status());
                    }
                }
                case RunEvent.ActionFailed e -> { }
                case RunEvent.RunStopped e -> { }
                case RunEvent.Paused e -> { }
                case RunEvent.Resumed e -> { }
                case RunEvent.ServerLost e -> { }
                case RunEvent.LoadChanged e -> { }
                case RunEvent.ProbeSample e -> { }
                case RunEvent.ScenarioAborted e -> { }
            }
        }

        private void server(String name) {
            if (servers.size() < SERVERS) servers.add(name);
        }

        private void start(RunEvent.ScenarioStart e) {
            if (kept.size() >= DRAWN) {
                // Phases and faults of this run must not land on an earlier one of the same name.
                latest.remove(e.scenario());
                notDrawn++;
                counts(e.scenario()).runs++;
                return;
            }
            ScenarioRun s = new ScenarioRun(e.scenario(), e.actualMs());
            kept.add(s);
            latest.put(s.name, s);
            unjudged.computeIfAbsent(s.name, k -> new ArrayDeque<>()).add(s);
            s.breakersBefore.putAll(breakerStates);
            for (RunEvent.BreakerChange c : recentBreakers) s.breaker(c);
            for (RunEvent.LoadSecond l : recentSeconds) take(s, l);
            collecting.add(s);
        }

        private Counts counts(String name) {
            Counts c = byName.get(name);
            if (c == null && byName.size() < NAMES) byName.put(name, c = new Counts());
            return c == null ? others : c;
        }

        private ScenarioRun unjudged(String name) {
            ArrayDeque<ScenarioRun> q = unjudged.get(name);
            return q == null ? null : q.peek();
        }

        private void fault(String scenario, String server, double ms, boolean on, String fault) {
            String name = server == null ? "?" : server;
            server(name);
            ScenarioRun s = latest.get(scenario);
            if (s == null) return;
            if (s.faults.size() < PER_RUN) s.faults.add(new TimeChart.Marker(ms, on, (on ? "+ " : "− ") + (fault == null ? "" : fault) + " " + name));
            else s.leftOut++;
        }

        private void breaker(RunEvent.BreakerChange e) {
            server(e.server());
            for (ScenarioRun s : collecting) s.breaker(e);
            recentBreakers.add(e);
            // Changes more than a few seconds old can no longer fall in the margin before a run that starts now.
            while (recentBreakers.size() > 256 || recentBreakers.peekFirst().actualMs() < e.actualMs() - 5 * HtmlReport.MARGIN_MS) {
                RunEvent.BreakerChange old = recentBreakers.pollFirst();
                breakerStates.put(old.server(), old.to());
            }
        }

        private void second(RunEvent.LoadSecond e) {
            seconds++;
            if (e.servers() != null) e.servers().keySet().forEach(this::server);
            // The histogram is for verdicts; the report draws figures only.
            RunEvent.LoadSecond l = new RunEvent.LoadSecond(e.startMs(), e.endMs(), e.operations(), e.errors(), e.opsPerSecond(), e.errorRate(),
                e.p50Ms(), e.p99Ms(), e.servers(), null);
            for (int i = 0; i < collecting.size(); i++) {
                ScenarioRun s = collecting.get(i);
                take(s, l);
                // Seconds come in time order, give or take one: well past a run's end, it takes no more.
                if (!Double.isNaN(s.endMs) && HtmlReport.middleMs(l) > s.toMs() + 5 * HtmlReport.MARGIN_MS) {
                    collecting.remove(i--);
                }
            }
            recentSeconds.add(l);
            while (recentSeconds.size() > 8) recentSeconds.pollFirst();
        }

        private static void take(ScenarioRun s, RunEvent.LoadSecond l) {
            if (l.startMs() >= s.startMs) s.lastSeenMs = Math.max(s.lastSeenMs, l.startMs() + 1000);
            double mid = HtmlReport.middleMs(l);
            if (mid < s.fromMs() || (!Double.isNaN(s.endMs) && mid > s.toMs())) return;
            s.seconds.add(l);
        }
    }

    /** Phases end where the next begins: only the last one can still be open. */
    private static void closePhases(ScenarioRun s, double at) {
        if (s.phases.isEmpty()) return;
        int i = s.phases.size() - 1;
        Phase p = s.phases.get(i);
        if (Double.isNaN(p.endMs)) s.phases.set(i, new Phase(p.name, p.step, p.startMs, at));
    }

    /** Breaker states as the journal spells them (CLOSED, HALF_OPEN, open) in one spelling: closed, half-open, open. */
    static String state(String s) {
        return s.toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
