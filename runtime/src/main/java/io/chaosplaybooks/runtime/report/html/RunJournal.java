package io.chaosplaybooks.runtime.report.html;

import io.chaosplaybooks.runtime.events.RunEvent;
import io.chaosplaybooks.runtime.journal.Journal;
import io.chaosplaybooks.runtime.journal.JournalException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A run as its journal tells it, gathered into what a report draws: the run's header, each
 * scenario's phases, fault changes, expectation results and verdict, the breaker transitions and
 * the load of every second. Times are milliseconds from the run's start.
 */
record RunJournal(RunEvent.RunStart runStart, RunEvent.RunEnd runEnd, List<ScenarioRun> scenarios, List<RunEvent.LoadSecond> seconds,
                  List<RunEvent.BreakerChange> breakers, List<String> servers) {

    record Phase(String name, String step, double startMs, double endMs) {
        String label() {
            return step == null || step.isEmpty() ? name : step + ": " + name;
        }
    }

    /** One scenario as it ran (a scenario appears once per iteration). */
    static final class ScenarioRun {
        final String name;
        final double startMs;
        double endMs = Double.NaN;
        final List<Phase> phases = new ArrayList<>();
        final List<TimeChart.Marker> faults = new ArrayList<>();
        final List<RunEvent.ExpectationResult> results = new ArrayList<>();
        RunEvent.Verdict verdict;

        ScenarioRun(String name, double startMs) {
            this.name = name;
            this.startMs = startMs;
        }
    }

    static RunJournal read(Path file) throws JournalException {
        List<RunEvent> events = Journal.read(file);
        List<ScenarioRun> scenarios = new ArrayList<>();
        List<RunEvent.LoadSecond> seconds = new ArrayList<>();
        List<RunEvent.BreakerChange> breakers = new ArrayList<>();
        Set<String> servers = new LinkedHashSet<>();
        RunEvent.RunStart runStart = null;
        RunEvent.RunEnd runEnd = null;
        for (RunEvent event : events) {
            switch (event) {
                case RunEvent.RunStart e -> {
                    runStart = e;
                    if (e.serverNames() != null) servers.addAll(e.serverNames());
                }
                case RunEvent.RunEnd e -> runEnd = e;
                case RunEvent.ScenarioStart e -> scenarios.add(new ScenarioRun(e.scenario(), e.actualMs()));
                case RunEvent.ScenarioEnd e -> {
                    ScenarioRun s = find(scenarios, e.scenario());
                    if (s != null) {
                        s.endMs = e.actualMs();
                        closePhases(s, s.endMs);
                    }
                }
                case RunEvent.PhaseStart e -> {
                    ScenarioRun s = find(scenarios, e.scenario());
                    if (s != null) {
                        closePhases(s, e.actualMs());
                        s.phases.add(new Phase(e.phase(), e.step(), e.actualMs(), Double.NaN));
                    }
                }
                case RunEvent.FaultApplied e -> fault(scenarios, servers, e.scenario(), e.server(), e.actualMs(), true, e.fault());
                case RunEvent.FaultRemoved e -> fault(scenarios, servers, e.scenario(), e.server(), e.actualMs(), false, e.fault());
                case RunEvent.BreakerChange e -> {
                    servers.add(e.server());
                    breakers.add(e);
                }
                case RunEvent.LoadSecond e -> {
                    if (e.servers() != null) servers.addAll(e.servers().keySet());
                    seconds.add(e);
                }
                case RunEvent.ExpectationResult e -> {
                    ScenarioRun s = unjudged(scenarios, e.scenario());
                    if (s != null) s.results.add(e);
                }
                case RunEvent.Verdict e -> {
                    ScenarioRun s = unjudged(scenarios, e.scenario());
                    if (s != null) s.verdict = e;
                }
                case RunEvent.ActionFailed e -> { }
                case RunEvent.RunStopped e -> { }
                case RunEvent.Paused e -> { }
                case RunEvent.Resumed e -> { }
                case RunEvent.ServerLost e -> { }
            }
        }
        if (runStart == null) {
            throw new JournalException(file + ": no run-start event" + (events.isEmpty() ? " (the file is empty)" : "") + "; not a chaos run journal");
        }
        for (ScenarioRun s : scenarios) {
            // A run cut short leaves its last scenario open: it ends with the last thing recorded.
            if (Double.isNaN(s.endMs)) {
                double last = s.startMs;
                for (Phase p : s.phases) last = Math.max(last, p.startMs);
                for (RunEvent.LoadSecond l : seconds) if (l.startMs() >= s.startMs) last = Math.max(last, l.startMs() + 1000);
                s.endMs = last;
                closePhases(s, last);
            }
        }
        return new RunJournal(runStart, runEnd, List.copyOf(scenarios), List.copyOf(seconds), List.copyOf(breakers), List.copyOf(servers));
    }

    private static void fault(List<ScenarioRun> scenarios, Set<String> servers, String scenario, String server, double ms, boolean on, String fault) {
        String name = server == null ? "?" : server;
        servers.add(name);
        ScenarioRun s = find(scenarios, scenario);
        if (s != null) s.faults.add(new TimeChart.Marker(ms, on, (on ? "+ " : "− ") + (fault == null ? "" : fault) + " " + name));
    }

    private static void closePhases(ScenarioRun s, double at) {
        for (int i = 0; i < s.phases.size(); i++) {
            Phase p = s.phases.get(i);
            if (Double.isNaN(p.endMs)) s.phases.set(i, new Phase(p.name, p.step, p.startMs, at));
        }
    }

    /** The latest run of that scenario: faults and phases belong to the iteration under way. */
    private static ScenarioRun find(List<ScenarioRun> scenarios, String name) {
        for (int i = scenarios.size() - 1; i >= 0; i--) {
            if (scenarios.get(i).name.equals(name)) return scenarios.get(i);
        }
        return null;
    }

    /** The first run of that scenario still without a verdict: results and verdicts come in the order the runs were. */
    private static ScenarioRun unjudged(List<ScenarioRun> scenarios, String name) {
        return scenarios.stream().filter(x -> x.name.equals(name) && x.verdict == null).findFirst().orElse(null);
    }

    /** Breaker states as the journal spells them (CLOSED, HALF_OPEN, open) in one spelling: closed, half-open, open. */
    static String state(String s) {
        return s.toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
