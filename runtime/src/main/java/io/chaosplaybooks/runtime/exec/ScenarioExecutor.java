package io.chaosplaybooks.runtime.exec;

import io.chaosplaybooks.dsl.plan.Fault;
import io.chaosplaybooks.dsl.plan.LoadProfile;
import io.chaosplaybooks.dsl.plan.Scenario;
import io.chaosplaybooks.runtime.events.RunEvent;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Runs one scenario's actions on their deadlines against a fault backend. Whatever happens
 * (a failed action, an interrupt), the faults it applied are removed before it returns.
 */
public final class ScenarioExecutor {
    /**
     * How a scenario's execution ended, before expectations are judged. {@code errors} stopped the
     * scenario (or happened in cleanup); {@code warnings} happened inside a step with
     * {@code continueOnFailure}, which went on.
     */
    public record Outcome(ActionPlan plan, long startNanos, List<String> errors, List<String> warnings, boolean interrupted,
                          List<Paused> pauses, Stop aborted) {
        public Outcome {
            pauses = pauses == null ? List.of() : List.copyOf(pauses);
        }

        public Outcome(ActionPlan plan, long startNanos, List<String> errors, List<String> warnings, boolean interrupted) {
            this(plan, startNanos, errors, warnings, interrupted, List.of(), null);
        }

        public Outcome(ActionPlan plan, long startNanos, List<String> errors, boolean interrupted) {
            this(plan, startNanos, errors, List.of(), interrupted);
        }

        public boolean ok() {
            return errors.isEmpty() && !interrupted && aborted == null;
        }

        /** When the scenario's planned end came, after the pauses (on the executor's clock). */
        public long endNanos() {
            return at(plan.lengthNanos());
        }

        /** When the point {@code offsetNanos} into the scenario's plan came: its start plus the offset, plus the pauses before it. */
        public long at(long offsetNanos) {
            long t = startNanos + offsetNanos;
            for (Paused p : pauses) if (p.fromNanos() < t) t += p.toNanos() - p.fromNanos();
            return t;
        }

        /**
         * The planned span {@code [fromOffset, toOffset]} on the executor's clock, without the pauses inside it:
         * one interval, or several when the scenario was paused in the middle. Expectations are judged on these,
         * so that the seconds a run stood paused count for no phase.
         */
        public List<long[]> spans(long fromOffset, long toOffset) {
            long from = at(fromOffset), to = Math.max(from, at(toOffset));
            List<long[]> out = new ArrayList<>();
            for (Paused p : pauses) {
                if (p.toNanos() <= from || p.fromNanos() >= to) continue;
                if (p.fromNanos() > from) out.add(new long[] {from, p.fromNanos()});
                from = Math.max(from, p.toNanos());
            }
            if (out.isEmpty() || from < to) out.add(new long[] {from, to});
            return out;
        }
    }

    /**
     * Why a scenario stopped itself: its gate ({@code by} = {@code require}) failed before the first fault, or its
     * abort condition ({@code by} = {@code abortWhen}) held while faults were on. {@code conditionNanos}: when what
     * showed it was measured; {@code seenNanos}: when the check saw it (both on the executor's clock).
     */
    public record Stop(String by, String condition, String measured, String position, long conditionNanos, long seenNanos) {
        public String describe() {
            return by + " " + condition + ": " + measured + (position == null ? "" : " (" + position + ")");
        }
    }

    /** What may stop a scenario on its own: its gates, before the first fault, and its abort conditions, while faults are on. */
    public interface Watch {
        /** Judged when the scenario's first fault is due, before it is applied: a reason not to apply it, or null. */
        Stop beforeFirstFault(ActionPlan plan, long startNanos, long nowNanos);

        /** Asked about once a second while faults are on ({@code faultsOnNanos}: since when): a reason to stop, or null. */
        Stop whileFaulted(long nowNanos, long faultsOnNanos);

        Watch NONE = new Watch() {
            public Stop beforeFirstFault(ActionPlan plan, long startNanos, long nowNanos) { return null; }

            public Stop whileFaulted(long nowNanos, long faultsOnNanos) { return null; }
        };
    }

    /** How often abort conditions are asked while faults are on. */
    static final long WATCH_PERIOD_NANOS = 1_000_000_000L;

    /** A gate or abort condition stopped the scenario: faults come off at once and the rest is skipped. */
    private static final class Stopped extends Exception {
        final Stop stop;

        Stopped(Stop stop) {
            super(null, null, false, false);
            this.stop = stop;
        }
    }

    /** The scenario's timeline stood still from {@code fromNanos} to {@code toNanos} (a pause). */
    public record Paused(long fromNanos, long toNanos) {}

    /** How often a sleeping executor looks whether a pause was asked for. */
    static final long PAUSE_CHECK_NANOS = 200_000_000L;

    /** The pauses of one scenario so far, and the time they add to its remaining deadlines. */
    private static final class PauseLog {
        final List<Paused> pauses = new ArrayList<>();
        long shift;
    }

    /** A failure that stops the scenario: the remaining actions are skipped and cleanup runs. */
    private static final class Abort extends Exception {
        Abort() {
            super(null, null, false, false);
        }
    }

    private final Clock clock;
    private final FaultBackend backend;
    private final TargetResolver targets;
    private final RunListener listener;
    private final long originNanos;
    private final PauseRequest pause;
    private final LoadSwitch load;

    /** Puts a new load profile in place of the running one: the run's load engine, restarted (a replay's load changes). */
    @FunctionalInterface
    public interface LoadSwitch {
        void change(LoadProfile load) throws Exception;
    }

    /** Events carry times in milliseconds from {@code originNanos} on {@code clock}: the run's start. */
    public ScenarioExecutor(Clock clock, FaultBackend backend, TargetResolver targets, RunListener listener, long originNanos) {
        this(clock, backend, targets, listener, originNanos, null, null);
    }

    private ScenarioExecutor(Clock clock, FaultBackend backend, TargetResolver targets, RunListener listener, long originNanos,
                             PauseRequest pause, LoadSwitch load) {
        this.clock = clock;
        this.backend = backend;
        this.targets = targets;
        this.listener = listener;
        this.originNanos = originNanos;
        this.pause = pause;
        this.load = load;
    }

    /** This executor, holding its timeline whenever {@code pause} asks it to. */
    public ScenarioExecutor pausable(PauseRequest pause) {
        return new ScenarioExecutor(clock, backend, targets, listener, originNanos, pause, load);
    }

    /** This executor, changing the load through {@code load} when a timeline says so (without it, a load change is an error). */
    public ScenarioExecutor loadChanges(LoadSwitch load) {
        return new ScenarioExecutor(clock, backend, targets, listener, originNanos, pause, load);
    }

    private double ms(long nanos) {
        return RunEvent.ms(nanos, originNanos);
    }

    private double now() {
        return ms(clock.nanos());
    }

    /** Runs {@code scenario} starting at the absolute deadline {@code startNanos}. */
    public Outcome run(Scenario scenario, long startNanos, double timeScale) {
        return run(scenario, ActionPlan.of(scenario, timeScale), startNanos, Watch.NONE);
    }

    /** Runs {@code plan} (a timeline built for {@code scenario}, a recorded run's say) starting at {@code startNanos}. */
    public Outcome run(Scenario scenario, ActionPlan plan, long startNanos) {
        return run(scenario, plan, startNanos, Watch.NONE);
    }

    /** As {@link #run(Scenario, long, double)}, stopping early when {@code watch} says so. */
    public Outcome run(Scenario scenario, long startNanos, double timeScale, Watch watch) {
        return run(scenario, ActionPlan.of(scenario, timeScale), startNanos, watch);
    }

    /** Runs {@code plan} for {@code scenario} from {@code startNanos}, stopping early when {@code watch} says so. */
    public Outcome run(Scenario scenario, ActionPlan plan, long startNanos, Watch watch) {
        String name = scenario.name();
        List<String> errors = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        // Applied faults by inject id, to remove exactly them at the inject's end.
        Map<Integer, List<FaultBackend.Handle>> active = new HashMap<>();
        boolean interrupted = false;
        // Events of the actions due at one deadline reach the listener after all of them ran: handing
        // an event over wakes the listener's thread, which could take the CPU before a fault is in.
        HeldEvents events = new HeldEvents(listener);
        PauseLog paused = new PauseLog();
        Stop stopped = null;
        long[] faultsOn = {-1L};
        boolean faultsBegun = false;
        // Gates are judged before anything of the first fault's deadline happens (its phase-start included).
        long firstFault = plan.actions().stream().filter(x -> x instanceof ActionPlan.FaultOn).mapToLong(ActionPlan.Action::offsetNanos)
            .findFirst().orElse(Long.MAX_VALUE);
        try {
            sleepUntil(startNanos, paused, name, active, errors, events);
            events.on(new RunEvent.ScenarioStart(name, ms(startNanos + paused.shift), now()));
            long lastDeadline = startNanos;
            for (ActionPlan.Action a : plan.actions()) {
                long deadline = startNanos + a.offsetNanos();
                if (deadline != lastDeadline) {
                    events.release();
                    sleepWatching(deadline, paused, name, active, errors, events, watch, faultsOn);
                    lastDeadline = deadline;
                }
                // An interrupt that arrived during an action (an HTTP call, say) stops here too.
                if (Thread.currentThread().isInterrupted()) throw new InterruptedException();
                if (!faultsBegun && a.offsetNanos() >= firstFault) {
                    faultsBegun = true;
                    checkGates(plan, startNanos, watch);
                }
                execute(name, a, deadline + paused.shift, active, errors, warnings, events);
            }
        } catch (InterruptedException e) {
            interrupted = true;
        } catch (Abort e) {
            events.on(new RunEvent.ActionFailed(name, "scenario stopped: the rest of its steps are skipped", now()));
        } catch (Stopped e) {
            stopped = e.stop;
        } finally {
            events.release();
            // Cleanup runs with the interrupt flag clear, or its own calls would be cut short.
            if (Thread.interrupted()) interrupted = true;
            for (List<FaultBackend.Handle> handles : active.values()) {
                for (FaultBackend.Handle h : handles) {
                    remove(name, h, stopped == null ? "scenario end" : "aborted", clock.nanos(), errors, listener);
                }
            }
            if (interrupted) Thread.currentThread().interrupt();
        }
        if (stopped != null) aborted(name, stopped);
        listener.on(new RunEvent.ScenarioEnd(name, ms(startNanos + plan.lengthNanos() + paused.shift), now()));
        return new Outcome(plan, startNanos, List.copyOf(errors), List.copyOf(warnings), interrupted, paused.pauses, stopped);
    }

    /** Sleeps until {@code deadline} moved by the time paused so far; holds the timeline whenever a pause is asked for. */
    private void sleepUntil(long deadline, PauseLog paused, String scenario, Map<Integer, List<FaultBackend.Handle>> active,
                            List<String> errors, HeldEvents events) throws InterruptedException {
        if (pause == null) {
            clock.sleepUntil(deadline);
            return;
        }
        while (true) {
            if (pause.paused()) {
                hold(paused, scenario, active, errors, events);
                continue;
            }
            long target = deadline + paused.shift, now = clock.nanos();
            if (now >= target) return;
            // In slices, to notice a pause within one.
            clock.sleepUntil(Math.min(target, now + PAUSE_CHECK_NANOS));
        }
    }

    /**
     * A pause: the timeline stands still until the resume, then every remaining deadline moves by the time
     * paused. Faults stay on, or (heal on pause) come off now and go on again at the resume. A stop during
     * the pause (an interrupt) ends it like any other wait: the faults still on are removed by the cleanup.
     */
    private void hold(PauseLog paused, String scenario, Map<Integer, List<FaultBackend.Handle>> active, List<String> errors,
                      HeldEvents events) throws InterruptedException {
        long from = clock.nanos();
        events.on(new RunEvent.Paused(pause.by(), ms(from)));
        Map<Integer, List<FaultBackend.Handle>> healed = new HashMap<>();
        if (pause.healFaults()) {
            for (Map.Entry<Integer, List<FaultBackend.Handle>> e : active.entrySet()) {
                for (FaultBackend.Handle h : e.getValue()) remove(scenario, h, "pause (heal on pause)", from, errors, events);
                healed.put(e.getKey(), e.getValue());
            }
            active.clear();
        }
        events.release();
        pause.hold();
        long to = clock.nanos();
        paused.pauses.add(new Paused(from, to));
        paused.shift += to - from;
        events.on(new RunEvent.Resumed(pause.resumedBy(), ms(to)));
        for (Map.Entry<Integer, List<FaultBackend.Handle>> e : healed.entrySet()) {
            List<FaultBackend.Handle> again = active.computeIfAbsent(e.getKey(), k -> new ArrayList<>());
            for (FaultBackend.Handle h : e.getValue()) {
                try {
                    again.add(backend.apply(h.server(), h.fault()));
                    events.on(RunEvent.FaultApplied.of(scenario, h.server(), h.fault(), ms(to), now()));
                } catch (FaultBackend.FaultException | RuntimeException x) {
                    String what = "inject " + h.fault().describe() + " on " + h.server() + " again after the pause: " + x.getMessage();
                    errors.add(what);
                    events.on(new RunEvent.ActionFailed(scenario, what, now()));
                }
            }
        }
        events.release();
    }

    /**
     * Until {@code deadline} (moved by the time paused); while faults are on, waking about once a second to ask the
     * watch whether to stop.
     */
    private void sleepWatching(long deadline, PauseLog paused, String scenario, Map<Integer, List<FaultBackend.Handle>> active,
                               List<String> errors, HeldEvents events, Watch watch, long[] faultsOn)
        throws InterruptedException, Stopped {
        while (true) {
            boolean faulted = active.values().stream().anyMatch(h -> !h.isEmpty());
            if (!faulted || watch == Watch.NONE) {
                faultsOn[0] = -1L;
                sleepUntil(deadline, paused, scenario, active, errors, events);
                return;
            }
            if (faultsOn[0] < 0) faultsOn[0] = clock.nanos();
            long next = Math.min(deadline + paused.shift, clock.nanos() + WATCH_PERIOD_NANOS);
            sleepUntil(next - paused.shift, paused, scenario, active, errors, events);
            Stop stop = watch.whileFaulted(clock.nanos(), faultsOn[0]);
            if (stop != null) throw new Stopped(stop);
            if (clock.nanos() >= deadline + paused.shift) return;
        }
    }

    private void checkGates(ActionPlan plan, long startNanos, Watch watch) throws Stopped {
        Stop stop = watch.beforeFirstFault(plan, startNanos, clock.nanos());
        if (stop != null) throw new Stopped(stop);
    }

    /** Said after the faults came off (by the finally above), so the journal has how long the stop took. */
    private void aborted(String scenario, Stop s) {
        Double removed = s.by().equals("require") ? null : now();
        listener.on(new RunEvent.ScenarioAborted(scenario, s.by(), s.condition(), s.measured(), s.position(), ms(s.conditionNanos()),
            ms(s.seenNanos()), removed));
    }

    private void execute(String scenario, ActionPlan.Action a, long deadline, Map<Integer, List<FaultBackend.Handle>> active,
                         List<String> errors, List<String> warnings, RunListener events) throws Abort {
        switch (a) {
            case ActionPlan.PhaseStart p -> events.on(new RunEvent.PhaseStart(scenario, p.word(), p.label().isEmpty() ? null : p.label(),
                p.lengthNanos() / 1e6, ms(deadline), now()));
            case ActionPlan.FaultOn on -> {
                List<FaultBackend.Handle> handles = active.computeIfAbsent(on.id(), k -> new ArrayList<>());
                boolean failed = false;
                for (String server : targets.resolve(on.target())) {
                    for (Fault f : on.faults()) {
                        try {
                            handles.add(backend.apply(server, f));
                            events.on(RunEvent.FaultApplied.of(scenario, server, f, ms(deadline), now()));
                        } catch (FaultBackend.FaultException | RuntimeException e) {
                            String what = "inject " + f.describe() + " on " + server + ": " + e.getMessage();
                            (on.continueOnFailure() ? warnings : errors).add(what);
                            events.on(new RunEvent.ActionFailed(scenario, what + (on.continueOnFailure() ? " (continueOnFailure: going on)" : ""), now()));
                            failed = true;
                        }
                    }
                }
                if (failed && !on.continueOnFailure()) throw new Abort();
            }
            case ActionPlan.FaultOff off -> {
                List<FaultBackend.Handle> handles = active.remove(off.id());
                if (handles != null) for (FaultBackend.Handle h : handles) remove(scenario, h, "inject ended", deadline, errors, events);
            }
            case ActionPlan.Heal heal -> {
                Set<String> servers = heal.target() == null ? null : new HashSet<>(targets.resolve(heal.target()));
                for (Iterator<List<FaultBackend.Handle>> it = active.values().iterator(); it.hasNext(); ) {
                    List<FaultBackend.Handle> handles = it.next();
                    handles.removeIf(h -> {
                        if (servers != null && !servers.contains(h.server())) return false;
                        remove(scenario, h, heal.target() == null ? "heal" : "heal " + heal.target().describe(), deadline, errors, events);
                        return true;
                    });
                    if (handles.isEmpty()) it.remove();
                }
            }
            case ActionPlan.Reset r -> {
                for (List<FaultBackend.Handle> handles : active.values()) {
                    for (FaultBackend.Handle h : handles) remove(scenario, h, r.reason(), deadline, errors, events);
                }
                active.clear();
            }
            case ActionPlan.LoadChange l -> changeLoad(scenario, l, errors, events);
            case ActionPlan.End e -> { }
        }
    }

    /**
     * Said when the change begins (the new engine's first second is measured before this returns, so later
     * actions due within that second are late by it); a load that cannot start is an error, the timeline goes on.
     */
    private void changeLoad(String scenario, ActionPlan.LoadChange l, List<String> errors, RunListener events) {
        events.on(new RunEvent.LoadChanged(l.load().written(), now()));
        // Heard before the new engine's seconds, which reach the listeners directly.
        if (events instanceof HeldEvents held) held.release();
        try {
            if (load == null) throw new IllegalStateException("this run cannot change its load");
            load.change(l.load());
        } catch (Exception e) {
            // A stop during the restart: the next action's check ends the scenario; it is no failure of the change.
            if (e instanceof InterruptedException || Thread.currentThread().isInterrupted()) {
                Thread.currentThread().interrupt();
                return;
            }
            String what = "change the load to " + (l.load().written().isEmpty() ? "the defaults" : l.load().written()) + ": " + e.getMessage();
            errors.add(what);
            events.on(new RunEvent.ActionFailed(scenario, what, now()));
        }
    }

    private void remove(String scenario, FaultBackend.Handle h, String why, long planned, List<String> errors, RunListener events) {
        try {
            backend.remove(h);
            events.on(RunEvent.FaultRemoved.of(scenario, h.server(), h.fault(), why, ms(planned), now()));
        } catch (FaultBackend.FaultException | RuntimeException e) {
            String what = "remove " + h.fault().describe() + " from " + h.server() + ": " + e.getMessage();
            errors.add(what);
            events.on(new RunEvent.ActionFailed(scenario, what, now()));
        }
    }
}
