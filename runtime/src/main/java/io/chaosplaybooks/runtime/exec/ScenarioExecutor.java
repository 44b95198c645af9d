package io.chaosplaybooks.runtime.exec;

import io.chaosplaybooks.dsl.plan.Fault;
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
    public record Outcome(ActionPlan plan, long startNanos, List<String> errors, List<String> warnings, boolean interrupted) {
        public Outcome(ActionPlan plan, long startNanos, List<String> errors, boolean interrupted) {
            this(plan, startNanos, errors, List.of(), interrupted);
        }

        public boolean ok() {
            return errors.isEmpty() && !interrupted;
        }
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

    /** Events carry times in milliseconds from {@code originNanos} on {@code clock}: the run's start. */
    public ScenarioExecutor(Clock clock, FaultBackend backend, TargetResolver targets, RunListener listener, long originNanos) {
        this.clock = clock;
        this.backend = backend;
        this.targets = targets;
        this.listener = listener;
        this.originNanos = originNanos;
    }

    private double ms(long nanos) {
        return RunEvent.ms(nanos, originNanos);
    }

    private double now() {
        return ms(clock.nanos());
    }

    /** Runs {@code scenario} starting at the absolute deadline {@code startNanos}. */
    public Outcome run(Scenario scenario, long startNanos, double timeScale) {
        return run(scenario, ActionPlan.of(scenario, timeScale), startNanos);
    }

    /** Runs {@code plan} (a timeline built for {@code scenario}, a recorded run's say) starting at {@code startNanos}. */
    public Outcome run(Scenario scenario, ActionPlan plan, long startNanos) {
        String name = scenario.name();
        List<String> errors = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        // Applied faults by inject id, to remove exactly them at the inject's end.
        Map<Integer, List<FaultBackend.Handle>> active = new HashMap<>();
        boolean interrupted = false;
        // Events of the actions due at one deadline reach the listener after all of them ran: handing
        // an event over wakes the listener's thread, which could take the CPU before a fault is in.
        HeldEvents events = new HeldEvents(listener);
        try {
            clock.sleepUntil(startNanos);
            events.on(new RunEvent.ScenarioStart(name, ms(startNanos), now()));
            long lastDeadline = startNanos;
            for (ActionPlan.Action a : plan.actions()) {
                long deadline = startNanos + a.offsetNanos();
                if (deadline != lastDeadline) {
                    events.release();
                    clock.sleepUntil(deadline);
                    lastDeadline = deadline;
                }
                // An interrupt that arrived during an action (an HTTP call, say) stops here too.
                if (Thread.currentThread().isInterrupted()) throw new InterruptedException();
                execute(name, a, deadline, active, errors, warnings, events);
            }
        } catch (InterruptedException e) {
            interrupted = true;
        } catch (Abort e) {
            events.on(new RunEvent.ActionFailed(name, "scenario stopped: the rest of its steps are skipped", now()));
        } finally {
            events.release();
            // Cleanup runs with the interrupt flag clear, or its own calls would be cut short.
            if (Thread.interrupted()) interrupted = true;
            for (List<FaultBackend.Handle> handles : active.values()) {
                for (FaultBackend.Handle h : handles) remove(name, h, "scenario end", clock.nanos(), errors, listener);
            }
            if (interrupted) Thread.currentThread().interrupt();
        }
        listener.on(new RunEvent.ScenarioEnd(name, ms(startNanos + plan.lengthNanos()), now()));
        return new Outcome(plan, startNanos, List.copyOf(errors), List.copyOf(warnings), interrupted);
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
            case ActionPlan.End e -> { }
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
