package io.chaosplaybooks.runtime.replay;

import io.chaosplaybooks.dsl.LoadResult;
import io.chaosplaybooks.dsl.PlaybookLoader;
import io.chaosplaybooks.dsl.plan.Expectation;
import io.chaosplaybooks.dsl.plan.LoadProfile;
import io.chaosplaybooks.dsl.plan.Playbook;
import io.chaosplaybooks.dsl.plan.Scenario;
import io.chaosplaybooks.dsl.plan.ServerSpec;
import io.chaosplaybooks.dsl.plan.Step;
import io.chaosplaybooks.dsl.plan.Target;
import io.chaosplaybooks.runtime.events.RunEvent;
import io.chaosplaybooks.runtime.exec.ActionPlan;
import io.chaosplaybooks.runtime.exec.TimelineSource;
import io.chaosplaybooks.runtime.replay.RecordedRun.Phase;
import io.chaosplaybooks.runtime.replay.RecordedRun.RecordedFault;
import io.chaosplaybooks.runtime.replay.RecordedRun.RecordedLoad;
import io.chaosplaybooks.runtime.replay.RecordedRun.RecordedScenario;
import io.chaosplaybooks.runtime.run.PlaybookRunner;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A recorded run made runnable again: a playbook (the recorded servers by name, the recorded load,
 * a scenario per recorded scenario with the expectations of the recorded run) whose scenarios run on
 * timelines built from the journal, not from their steps:
 * <pre>
 *  journal ─► RecordedRun ─► per scenario: phase-starts, resets, each fault on/off and load change at its recorded actual offset / speed
 *                         └► Playbook (servers, load, expectations) ─► PlaybookRunner(timelines) ─► a run of its own
 * </pre>
 * The scenarios' steps describe the recorded phases in the playbook's own time (before the recorded
 * time scale), so listings, the load's length and the fault checks of a backend read them as a plan's.
 */
public record Replay(RecordedRun recorded, Playbook playbook, double speed, double timeScale, Map<String, ActionPlan> timelines,
                     List<String> notes) implements TimelineSource {
    /** The shortest phase lasts this long under {@code --fast}: one second of load, the unit expectations read. */
    static final double FAST_SHORTEST_PHASE_MS = 1000;

    @Override
    public ActionPlan timeline(Scenario scenario, double ignoredTimeScale) {
        ActionPlan plan = timelines.get(scenario.name());
        if (plan == null) throw new IllegalArgumentException("no recorded timeline for scenario " + scenario.name());
        return plan;
    }

    /**
     * @param speed   how many times faster than recorded (1: as recorded); 0 for {@code --fast}
     * @param servers addresses given with {@code --servers} (empty: servers started as the run would)
     */
    public static Replay of(RecordedRun run, double speed, List<String> servers) throws ReplayException {
        RunEvent.RunStart start = run.start();
        List<String> names = start.serverNames() == null ? List.of() : start.serverNames();
        if (!servers.isEmpty() && servers.size() != names.size()) {
            throw new ReplayException(run.file() + " was recorded against " + names.size() + " servers (" + String.join(", ", names)
                + "); --servers gives " + servers.size() + ": give one address per recorded server, in that order");
        }
        if (speed == 0) speed = fastSpeed(run);
        if (!(speed > 0)) throw new ReplayException("--speed must be above 0, got " + speed);
        double recordedScale = start.timeScale() > 0 ? start.timeScale() : 1.0;
        List<String> notes = new ArrayList<>();
        int outside = run.loadChangesOutsideScenarios();
        if (outside > 0) {
            notes.add(outside + " load change" + (outside == 1 ? "" : "s") + " made between scenarios "
                + (outside == 1 ? "is" : "are") + " not replayed: only a scenario's timeline is");
        }
        Playbook original = originalPlaybook(run, notes);
        LoadProfile load = load(run, original, notes);
        List<Scenario> scenarios = new ArrayList<>();
        Map<String, ActionPlan> timelines = new LinkedHashMap<>();
        for (RecordedScenario r : run.scenarios()) {
            scenarios.add(new Scenario(r.name(), "replay of " + r.name() + " from " + run.file(), List.of(),
                steps(r, recordedScale), expectations(r, original, notes), null));
            timelines.put(r.name(), timeline(r, speed));
        }
        List<ServerSpec> specs = names.stream().map(n -> new ServerSpec(n, null, null)).toList();
        Playbook pb = new Playbook(start.playbook(), "replay of " + run.file(), original != null ? original.file() : null, specs,
            load, scenarios, null);
        return new Replay(run, pb, speed, recordedScale / speed, timelines, notes);
    }

    /** The speed at which the recorded run's shortest phase lasts one second (never slower than recorded). */
    static double fastSpeed(RecordedRun run) {
        double shortest = run.scenarios().stream().flatMap(s -> s.phases().stream()).mapToDouble(Phase::lengthMs)
            .filter(l -> l > 0).min().orElse(FAST_SHORTEST_PHASE_MS);
        return Math.max(1.0, shortest / FAST_SHORTEST_PHASE_MS);
    }

    /** The recorded scenario's timeline at {@code speed}: each action at its recorded actual offset divided by the speed. */
    public static ActionPlan timeline(RecordedScenario r, double speed) {
        List<ActionPlan.Action> actions = new ArrayList<>();
        List<ActionPlan.Window> windows = new ArrayList<>();
        long length = nanos(r.lengthMs(), speed);
        List<Phase> phases = r.phases();
        for (int i = 0; i < phases.size(); i++) {
            Phase p = phases.get(i);
            long at = nanos(p.atMs(), speed);
            long len = nanos(p.lengthMs(), speed);
            // As the plan does: every fault comes off before stabilize and before recover.
            if (p.word().equals("stabilize") || p.word().equals("recover")) actions.add(new ActionPlan.Reset(at, "before " + p.word()));
            actions.add(new ActionPlan.PhaseStart(at, p.word(), p.step() == null ? "" : p.step(), len));
            if (p.word().equals("step")) {
                String label = p.step() == null ? "step" : p.step();
                windows.add(new ActionPlan.Window(label.substring(label.lastIndexOf('/') + 1), at, at + len));
            } else if (p.word().equals("inject") && p.lengthMs() == 0) {
                // An inject without for: its window lasts until the next reset, as in the plan.
                long end = length;
                for (int j = i + 1; j < phases.size(); j++) {
                    String w = phases.get(j).word();
                    if (w.equals("stabilize") || w.equals("recover")) {
                        end = nanos(phases.get(j).atMs(), speed);
                        break;
                    }
                }
                windows.add(new ActionPlan.Window("inject", at, Math.max(at, end)));
            } else {
                windows.add(new ActionPlan.Window(p.word(), at, at + len));
            }
        }
        int id = 1;
        for (RecordedFault f : r.faults()) {
            Target on = new Target(Target.Kind.NAMES, List.of(), List.of(f.server()), 0, null);
            actions.add(new ActionPlan.FaultOn(nanos(f.onMs(), speed), id, List.of(f.fault()), on, false));
            if (!Double.isNaN(f.offMs())) actions.add(new ActionPlan.FaultOff(nanos(f.offMs(), speed), id));
            id++;
        }
        for (RecordedLoad l : r.loads()) actions.add(new ActionPlan.LoadChange(nanos(l.atMs(), speed), l.load()));
        actions.add(new ActionPlan.End(length));
        return ActionPlan.of(actions, windows, length);
    }

    private static long nanos(double ms, double speed) {
        return Math.max(0, Math.round(ms * 1e6 / speed));
    }

    /**
     * The recorded phases as steps in the playbook's time (recorded / time scale), one after another,
     * each lasting until the next begins; an inject step carries the faults applied during it.
     */
    static List<Step> steps(RecordedScenario r, double recordedScale) {
        List<Phase> top = r.phases().stream().filter(p -> p.step() == null && !p.word().equals("step")).toList();
        List<Step> steps = new ArrayList<>();
        double first = top.isEmpty() ? r.lengthMs() : top.get(0).atMs();
        if (first > 0.5 || top.isEmpty()) steps.add(new Step.Wait(duration(first, recordedScale), null));
        for (int i = 0; i < top.size(); i++) {
            Phase p = top.get(i);
            double end = i + 1 < top.size() ? top.get(i + 1).atMs() : Math.max(p.atMs(), r.lengthMs());
            Duration d = duration(end - p.atMs(), recordedScale);
            steps.add(switch (p.word()) {
                case "stabilize" -> new Step.Stabilize(d, null);
                case "recover" -> new Step.Recover(d, null);
                case "inject" -> {
                    List<Step> injects = r.faults().stream().filter(f -> f.onMs() >= p.atMs() - 1 && f.onMs() < end)
                        .map(f -> (Step) new Step.Inject(List.of(f.fault()), new Target(Target.Kind.NAMES, List.of(), List.of(f.server()), 0, null), d, null))
                        .toList();
                    yield injects.size() == 1 ? injects.get(0) : injects.isEmpty() ? new Step.Wait(d, null) : new Step.Parallel(injects, null);
                }
                default -> new Step.Wait(d, null);
            });
        }
        return steps;
    }

    private static Duration duration(double recordedMs, double recordedScale) {
        return Duration.ofNanos(Math.max(0, Math.round(recordedMs * 1e6 / recordedScale)));
    }

    /** The playbook named in the run-start, when it is still the one that ran (same plan hash); else null, with a note. */
    private static Playbook originalPlaybook(RecordedRun run, List<String> notes) {
        RunEvent.RunStart start = run.start();
        if (start.file() == null || !Files.isRegularFile(Path.of(start.file()))) {
            notes.add("the recorded playbook " + (start.file() == null ? "" : start.file() + " ") + "is not at hand: expectations from the journal's texts");
            return null;
        }
        LoadResult r = new PlaybookLoader(List.of()).load(Path.of(start.file()));
        if (!r.ok()) {
            notes.add(start.file() + " no longer loads: expectations from the journal's texts");
            return null;
        }
        List<Scenario> selected = r.playbook().scenarios().stream()
            .filter(s -> start.scenarios() == null || start.scenarios().contains(s.name())).toList();
        if (start.plan() != null && !start.plan().equals(PlaybookRunner.planIdentity(r.playbook(), selected))) {
            notes.add(start.file() + " changed since the run (its plan hash differs): expectations from the journal's texts");
            return null;
        }
        return r.playbook();
    }

    private static List<Expectation> expectations(RecordedScenario r, Playbook original, List<String> notes) {
        if (original != null) {
            for (Scenario s : original.scenarios()) if (s.name().equals(r.name())) return s.expectations();
        }
        List<Expectation> out = new ArrayList<>();
        for (RunEvent.ExpectationResult x : r.expectations()) {
            Expectation e = ExpectationText.parse(x.expectation(), x.position());
            if (e == null) notes.add(r.name() + ": the expectation '" + x.expectation() + "' is not one this tool reads back; it is left out");
            else out.add(e);
        }
        return out;
    }

    /** The recorded load: the playbook's when it is still the one that ran, else the run-start's, else the defaults. */
    private static LoadProfile load(RecordedRun run, Playbook original, List<String> notes) throws ReplayException {
        if (original != null) return original.load();
        String written = run.start().load();
        if (written == null) {
            notes.add("the journal does not record its load (written before run-start had it): the default load");
            return LoadProfile.defaults(null);
        }
        return RecordedRun.load(run.file(), "run-start", written);
    }

    /** The fault on/off offsets of a timeline, for tests and the bench: server, fault, milliseconds from the scenario's start. */
    public record FaultChange(boolean on, String server, String fault, double atMs) {}

    public static List<FaultChange> changes(RecordedScenario r, double speed) {
        List<FaultChange> out = new ArrayList<>();
        for (RecordedFault f : r.faults()) {
            out.add(new FaultChange(true, f.server(), f.fault().describe(), f.onMs() / speed));
            if (!Double.isNaN(f.offMs())) out.add(new FaultChange(false, f.server(), f.fault().describe(), f.offMs() / speed));
        }
        return out;
    }
}
