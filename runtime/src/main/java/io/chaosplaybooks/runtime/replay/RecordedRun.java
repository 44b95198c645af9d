package io.chaosplaybooks.runtime.replay;

import io.chaosplaybooks.dsl.LoadResult;
import io.chaosplaybooks.dsl.PlaybookLoader;
import io.chaosplaybooks.dsl.plan.Direction;
import io.chaosplaybooks.dsl.plan.Fault;
import io.chaosplaybooks.dsl.plan.FaultType;
import io.chaosplaybooks.dsl.plan.LoadProfile;
import io.chaosplaybooks.runtime.events.RunEvent;
import io.chaosplaybooks.runtime.journal.Journal;
import io.chaosplaybooks.runtime.journal.JournalException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What a journal says happened, as a timeline to play again: per scenario (the first time each ran)
 * its phases and each fault with the actual offsets, from the scenario's planned start, at which it went on
 * and came off, the load changes made by hand (a REPL session's), and the expectations judged. Load seconds are not kept.
 */
public record RecordedRun(Path file, RunEvent.RunStart start, List<RecordedScenario> scenarios, boolean interrupted,
                          int loadChangesOutsideScenarios) {
    public RecordedRun {
        scenarios = List.copyOf(scenarios);
    }

    /**
     * One scenario as it ran. Offsets are milliseconds from the scenario's planned start (its deadlines' origin), as recorded
     * (at the run's time scale); {@code lengthMs} is its planned length.
     */
    public record RecordedScenario(String name, double startMs, double lengthMs, List<Phase> phases, List<RecordedFault> faults,
                                   List<RunEvent.ExpectationResult> expectations, String status, List<RecordedLoad> loads) {
        public RecordedScenario {
            phases = List.copyOf(phases);
            faults = List.copyOf(faults);
            loads = List.copyOf(loads);
            expectations = List.copyOf(expectations);
        }
    }

    /** A phase-start: its word, the step it is in (or null), when it began, its planned length and when it was due. */
    public record Phase(String word, String step, double atMs, double lengthMs, double plannedAtMs) {}

    /** The load changed by hand to {@code load} ({@code written}: as the journal has it) at {@code atMs}. */
    public record RecordedLoad(LoadProfile load, String written, double atMs) {}

    /** A fault on a server from {@code onMs} to {@code offMs} (NaN: it stayed until the scenario's end). */
    public record RecordedFault(String server, Fault fault, double onMs, double offMs) {}

    /** Reads and checks {@code file}; every problem is one message that names the file (and line, where there is one). */
    public static RecordedRun read(Path file) throws ReplayException {
        List<RunEvent> events;
        try {
            events = Journal.read(file);
        } catch (JournalException e) {
            throw new ReplayException(e.getMessage());
        }
        if (events.isEmpty() || !(events.get(0) instanceof RunEvent.RunStart start)) {
            throw new ReplayException(file + ": not a run's journal (its first line is not a run-start)");
        }
        int schema = start.schema() == null ? 1 : start.schema();
        if (schema > RunEvent.SCHEMA) {
            throw new ReplayException(file + ": written by a newer chaos (journal schema " + schema + "; this one reads up to "
                + RunEvent.SCHEMA + "): replay it with that version");
        }
        Set<String> servers = new HashSet<>(start.serverNames() == null ? List.of() : start.serverNames());
        Map<String, Building> ran = new LinkedHashMap<>();
        Map<String, List<RunEvent.ExpectationResult>> expectations = new LinkedHashMap<>();
        Map<String, String> statuses = new LinkedHashMap<>();
        Building current = null;
        boolean ended = false, interrupted = false;
        int loadChanges = 0;
        for (RunEvent e : events) {
            if (e instanceof RunEvent.ScenarioStart s) {
                if (current != null) throw truncated(file, "scenario " + current.name + " has no scenario-end");
                // Offsets count from the scenario's planned start: the executor's deadlines do, in the run and in the replay,
                // so a scenario that started late (a cold start, a loaded machine) does not shift its faults.
                current = new Building(s.scenario(), s.plannedMs(), s.plannedMs());
            } else if (e instanceof RunEvent.PhaseStart p && current != null && p.scenario().equals(current.name)) {
                current.phases.add(new Phase(p.phase(), p.step(), p.actualMs() - current.startMs, p.lengthMs(), p.plannedMs() - current.startMs));
            } else if (e instanceof RunEvent.FaultApplied f && current != null) {
                if (!servers.contains(f.server())) {
                    throw new ReplayException(file + ": fault-applied at " + f.actualMs() + " ms names server " + f.server()
                        + ", which its run-start does not list (" + String.join(", ", start.serverNames()) + ")");
                }
                current.on.add(f);
            } else if (e instanceof RunEvent.FaultRemoved f && current != null) {
                current.off.add(f);
            } else if (e instanceof RunEvent.ScenarioEnd s && current != null) {
                current.endPlanned = s.plannedMs();
                ran.putIfAbsent(current.name, current); // a looped run: its first iteration
                current = null;
            } else if (e instanceof RunEvent.ExpectationResult x && x.iteration() <= 1) {
                expectations.computeIfAbsent(x.scenario(), k -> new ArrayList<>()).add(x);
            } else if (e instanceof RunEvent.Verdict v && v.iteration() <= 1) {
                statuses.putIfAbsent(v.scenario(), v.status());
            } else if (e instanceof RunEvent.LoadChanged l && current != null) {
                current.loads.add(new RecordedLoad(load(file, "load-changed at " + l.actualMs() + " ms", l.load()), l.load(),
                    l.actualMs() - current.startMs));
            } else if (e instanceof RunEvent.LoadChanged) {
                loadChanges++;
            } else if (e instanceof RunEvent.RunEnd end) {
                ended = true;
                interrupted = end.interrupted();
            }
        }
        if (current != null) throw truncated(file, "scenario " + current.name + " has no scenario-end");
        if (!ended) throw truncated(file, "the run-end line is missing");
        if (ran.isEmpty()) throw new ReplayException(file + ": the recorded run has no scenario to replay (it stopped during start-up)");
        List<RecordedScenario> scenarios = new ArrayList<>();
        for (Building b : ran.values()) {
            scenarios.add(b.build(file, expectations.getOrDefault(b.name, List.of()), statuses.get(b.name)));
        }
        return new RecordedRun(file, start, scenarios, interrupted, loadChanges);
    }

    private static ReplayException truncated(Path file, String what) {
        return new ReplayException(file + ": the journal is cut short (" + what + "); a run that ended, even by Ctrl-C, ends with run-end");
    }

    /** A load as a journal writes it ({@code load { clients 8 }}; blank: the defaults), read back; {@code what} names the line. */
    static LoadProfile load(Path file, String what, String written) throws ReplayException {
        if (written == null || written.isBlank()) return LoadProfile.defaults(null);
        LoadResult r = new PlaybookLoader(List.of()).loadText(file + " (" + what + ")", "playbook \"load\" {\n" + written + "\n}\n");
        if (!r.ok()) throw new ReplayException(file + ": the load of its " + what + " does not read: " + r.formatProblems().strip());
        return r.playbook().load();
    }

    /** The faults a journal line describes, back as a plan fault (the position is the journal's). */
    static Fault fault(RunEvent.FaultApplied f, Path file) throws ReplayException {
        FaultType type = Arrays.stream(FaultType.values()).filter(t -> t.word().equals(f.type())).findFirst()
            .orElseThrow(() -> new ReplayException(file + ": fault-applied at " + f.actualMs() + " ms has a fault type this chaos does not know: " + f.type()));
        Direction direction = f.direction() == null ? type.defaultDirection() : Direction.valueOf(f.direction().toUpperCase(Locale.ROOT));
        Map<String, Number> attributes = f.attributes() == null ? Map.of() : new LinkedHashMap<>(f.attributes());
        return new Fault(type, attributes, direction, f.toxicity() == null ? 1.0 : f.toxicity(), null);
    }

    private static final class Building {
        final String name;
        final double startMs, plannedStartMs;
        final List<Phase> phases = new ArrayList<>();
        final List<RunEvent.FaultApplied> on = new ArrayList<>();
        final List<RunEvent.FaultRemoved> off = new ArrayList<>();
        final List<RecordedLoad> loads = new ArrayList<>();
        double endPlanned;

        Building(String name, double startMs, double plannedStartMs) {
            this.name = name;
            this.startMs = startMs;
            this.plannedStartMs = plannedStartMs;
        }

        RecordedScenario build(Path file, List<RunEvent.ExpectationResult> expectations, String status) throws ReplayException {
            List<RecordedFault> faults = new ArrayList<>();
            List<RunEvent.FaultRemoved> left = new ArrayList<>(off);
            for (RunEvent.FaultApplied f : on) {
                // Its removal: the first later one of the same fault on the same server.
                RunEvent.FaultRemoved match = left.stream()
                    .filter(r -> r.server().equals(f.server()) && r.fault().equals(f.fault()) && r.actualMs() >= f.actualMs())
                    .findFirst().orElse(null);
                if (match != null) left.remove(match);
                faults.add(new RecordedFault(f.server(), fault(f, file), f.actualMs() - startMs,
                    match == null ? Double.NaN : match.actualMs() - startMs));
            }
            return new RecordedScenario(name, startMs, endPlanned - plannedStartMs, phases, faults, expectations, status, loads);
        }
    }
}
