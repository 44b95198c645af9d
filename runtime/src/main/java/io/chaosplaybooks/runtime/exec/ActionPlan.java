package io.chaosplaybooks.runtime.exec;

import io.chaosplaybooks.dsl.plan.Fault;
import io.chaosplaybooks.dsl.plan.LoadProfile;
import io.chaosplaybooks.dsl.plan.Scenario;
import io.chaosplaybooks.dsl.plan.Step;
import io.chaosplaybooks.dsl.plan.Target;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A scenario flattened into actions at absolute offsets from its start, and the windows its
 * expectations read. Parallel branches simply interleave by time, so one thread executes a
 * scenario and every deadline is computed from the start, never from the previous step's end.
 *
 * <pre>
 *  stabilize 30 s | inject F on T for 1 min | recover 60 s
 *  0: reset, phase stabilize   30 s: phase inject, fault-on #1   90 s: fault-off #1, reset, phase recover   150 s: end
 * </pre>
 */
public final class ActionPlan {
    public sealed interface Action {
        long offsetNanos();
    }

    /** A phase (or named step) begins; {@code lengthNanos} is its planned length. */
    public record PhaseStart(long offsetNanos, String word, String label, long lengthNanos) implements Action {}

    /**
     * Faults go on a target; {@code id} pairs it with its {@link FaultOff}. {@code continueOnFailure}:
     * written inside a {@code step} that may fail without stopping the scenario.
     */
    public record FaultOn(long offsetNanos, int id, List<Fault> faults, Target target, boolean continueOnFailure) implements Action {}

    /** A timed inject's faults come off. */
    public record FaultOff(long offsetNanos, int id) implements Action {}

    /** {@code heal} or {@code heal T}: faults on a target (null: all) come off. */
    public record Heal(long offsetNanos, Target target) implements Action {}

    /** Every fault of the scenario comes off: before stabilize and before recover. */
    public record Reset(long offsetNanos, String reason) implements Action {}

    /**
     * The load changes to {@code load}: only a recorded timeline has these (a REPL session's load changed by hand);
     * a playbook's load stays as written for the whole run.
     */
    public record LoadChange(long offsetNanos, LoadProfile load) implements Action {}

    /** The scenario's planned end. */
    public record End(long offsetNanos) implements Action {}

    /** Where a phase or named step lies on the scenario's time axis: expectations read these. */
    public record Window(String name, long startNanos, long endNanos) {}

    private final List<Action> actions;
    private final List<Window> windows;
    private final long lengthNanos;

    private ActionPlan(List<Action> actions, List<Window> windows, long lengthNanos) {
        this.actions = List.copyOf(actions);
        this.windows = List.copyOf(windows);
        this.lengthNanos = lengthNanos;
    }

    public List<Action> actions() { return actions; }

    public List<Window> windows() { return windows; }

    public long lengthNanos() { return lengthNanos; }

    /** The windows named {@code phase} (a phase word or a step's name). */
    public List<Window> windows(String phase) {
        return windows.stream().filter(w -> w.name().equals(phase)).toList();
    }

    /** A timeline built elsewhere (a recorded run's): the actions are put in time order; ties keep their order. */
    public static ActionPlan of(List<Action> actions, List<Window> windows, long lengthNanos) {
        List<Action> sorted = new ArrayList<>(actions);
        sorted.sort(Comparator.comparingLong(Action::offsetNanos));
        return new ActionPlan(sorted, windows, lengthNanos);
    }

    /** @param timeScale every duration is multiplied by this (1.0: as written). */
    public static ActionPlan of(Scenario scenario, double timeScale) {
        if (!(timeScale > 0)) throw new IllegalArgumentException("time scale must be positive, got " + timeScale);
        Builder b = new Builder(timeScale);
        long length = b.steps(scenario.steps(), 0, "");
        b.actions.add(new End(length));
        b.closeOpenInjects(length);
        List<Action> sorted = new ArrayList<>(b.actions);
        sorted.sort(Comparator.comparingLong(Action::offsetNanos)); // stable: ties keep the written order
        return new ActionPlan(sorted, b.windows, length);
    }

    private static final class Builder {
        final double scale;
        final List<Action> actions = new ArrayList<>();
        final List<Window> windows = new ArrayList<>();
        /** Open-ended injects whose window ends at the next heal or reset. */
        final List<long[]> open = new ArrayList<>(); // {windowIndex, start}
        int nextId = 1;
        /** Inside a step with continueOnFailure (at any depth). */
        boolean lenient;

        Builder(double scale) { this.scale = scale; }

        long scaled(java.time.Duration d) {
            return Math.round(d.toNanos() * scale);
        }

        long steps(List<Step> steps, long start, String path) {
            long at = start;
            for (Step s : steps) at += step(s, at, path);
            return at - start;
        }

        long step(Step s, long at, String path) {
            switch (s) {
                case Step.Stabilize st -> {
                    long d = scaled(st.duration());
                    reset(at, "before stabilize");
                    phase(at, "stabilize", path, d);
                    return d;
                }
                case Step.Recover r -> {
                    long d = scaled(r.duration());
                    reset(at, "before recover");
                    phase(at, "recover", path, d);
                    return d;
                }
                case Step.Wait w -> {
                    long d = scaled(w.duration());
                    phase(at, "wait", path, d);
                    return d;
                }
                case Step.Heal h -> {
                    actions.add(new Heal(at, h.target()));
                    closeOpenInjects(at);
                    return 0;
                }
                case Step.Inject i -> {
                    int id = nextId++;
                    if (i.duration() == null) {
                        actions.add(new PhaseStart(at, "inject", path, 0));
                        actions.add(new FaultOn(at, id, i.faults(), i.target(), lenient));
                        windows.add(new Window("inject", at, at));
                        open.add(new long[] {windows.size() - 1, at});
                        return 0;
                    }
                    long d = scaled(i.duration());
                    phase(at, "inject", path, d);
                    actions.add(new FaultOn(at, id, i.faults(), i.target(), lenient));
                    actions.add(new FaultOff(at + d, id));
                    return d;
                }
                case Step.Parallel p -> {
                    long longest = 0;
                    for (Step branch : p.steps()) longest = Math.max(longest, step(branch, at, path));
                    return longest;
                }
                case Step.Repeat r -> {
                    long sum = 0;
                    for (int k = 0; k < r.times(); k++) sum += steps(r.steps(), at + sum, path);
                    return sum;
                }
                case Step.Named n -> {
                    long delay = scaled(n.delayBefore());
                    String label = path.isEmpty() ? n.name() : path + "/" + n.name();
                    int index = actions.size();
                    boolean outer = lenient;
                    lenient = outer || n.continueOnFailure();
                    long d = steps(n.steps(), at + delay, label);
                    lenient = outer;
                    windows.add(new Window(n.name(), at + delay, at + delay + d));
                    actions.add(index, new PhaseStart(at + delay, "step", label, d));
                    return delay + d;
                }
            }
        }

        void phase(long at, String word, String path, long length) {
            actions.add(new PhaseStart(at, word, path, length));
            windows.add(new Window(word, at, at + length));
        }

        void reset(long at, String reason) {
            actions.add(new Reset(at, reason));
            closeOpenInjects(at);
        }

        void closeOpenInjects(long at) {
            for (long[] o : open) {
                Window w = windows.get((int) o[0]);
                windows.set((int) o[0], new Window(w.name(), w.startNanos(), Math.max(at, w.startNanos())));
            }
            open.clear();
        }
    }
}
