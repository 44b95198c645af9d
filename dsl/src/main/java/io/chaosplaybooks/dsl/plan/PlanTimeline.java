package io.chaosplaybooks.dsl.plan;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The planned timeline of a playbook, computed from the plan alone: when each phase starts,
 * how long it lasts, what is injected where. Used by {@code chaos list} and {@code --dry-run};
 * the executor schedules against the same offsets.
 */
public final class PlanTimeline {
    /** One line of the timeline. {@code length} is zero for instantaneous steps (heal, open-ended inject). */
    public record Entry(Duration offset, Duration length, String scenario, String phase, String detail, int depth) {}

    private final List<Entry> entries = new ArrayList<>();
    private Duration total = Duration.ZERO;

    private PlanTimeline() {}

    public static PlanTimeline of(Playbook playbook) {
        return of(playbook.scenarios());
    }

    public static PlanTimeline of(List<Scenario> scenarios) {
        PlanTimeline t = new PlanTimeline();
        Duration at = Duration.ZERO;
        for (Scenario s : scenarios) {
            at = at.plus(t.steps(s.name(), s.steps(), at, 0));
        }
        t.total = at;
        return t;
    }

    /** How long a scenario runs. */
    public static Duration duration(Scenario s) {
        return new PlanTimeline().steps(s.name(), s.steps(), Duration.ZERO, 0);
    }

    public List<Entry> entries() {
        return List.copyOf(entries);
    }

    public Duration total() {
        return total;
    }

    private Duration steps(String scenario, List<Step> steps, Duration start, int depth) {
        Duration at = start;
        for (Step st : steps) {
            at = at.plus(step(scenario, st, at, depth));
        }
        return at.minus(start);
    }

    private Duration step(String scenario, Step st, Duration at, int depth) {
        return switch (st) {
            case Step.Stabilize s -> add(at, s.duration(), scenario, "stabilize", "no faults: baseline", depth);
            case Step.Recover r -> add(at, r.duration(), scenario, "recover", "faults removed: observe healing", depth);
            case Step.Wait w -> add(at, w.duration(), scenario, "wait", "", depth);
            case Step.Heal h -> add(at, Duration.ZERO, scenario, "heal",
                h.target() == null ? "remove every fault" : "remove faults on " + h.target().describe(), depth);
            case Step.Inject i -> {
                String what = i.faults().stream().map(Fault::describe).collect(Collectors.joining(" + "))
                    + " on " + i.target().describe();
                yield i.duration() == null
                    ? add(at, Duration.ZERO, scenario, "inject", what + " until heal or recover", depth)
                    : add(at, i.duration(), scenario, "inject", what + " for " + Units.format(i.duration()), depth);
            }
            case Step.Parallel p -> {
                entries.add(new Entry(at, Duration.ZERO, scenario, "parallel", p.steps().size() + " branches", depth));
                Duration longest = Duration.ZERO;
                for (Step branch : p.steps()) {
                    Duration d = step(scenario, branch, at, depth + 1);
                    if (d.compareTo(longest) > 0) longest = d;
                }
                yield longest;
            }
            case Step.Repeat r -> {
                Duration sum = Duration.ZERO;
                for (int k = 1; k <= r.times(); k++) {
                    entries.add(new Entry(at.plus(sum), Duration.ZERO, scenario, "repeat", k + " of " + r.times(), depth));
                    sum = sum.plus(steps(scenario, r.steps(), at.plus(sum), depth + 1));
                }
                yield sum;
            }
            case Step.Named n -> {
                String opts = (n.delayBefore().isZero() ? "" : "after " + Units.format(n.delayBefore()))
                    + (n.continueOnFailure() ? (n.delayBefore().isZero() ? "" : ", ") + "continue on failure" : "");
                entries.add(new Entry(at, Duration.ZERO, scenario, "step", "\"" + n.name() + "\"" + (opts.isEmpty() ? "" : " (" + opts + ")"), depth));
                yield n.delayBefore().plus(steps(scenario, n.steps(), at.plus(n.delayBefore()), depth + 1));
            }
        };
    }

    private Duration add(Duration at, Duration length, String scenario, String phase, String detail, int depth) {
        entries.add(new Entry(at, length, scenario, phase, detail, depth));
        return length;
    }
}
