package io.chaosplaybooks.dsl.plan;

import java.time.Duration;
import java.util.List;

/** One step of a scenario, in the order written. Phases and the composition around them. */
public sealed interface Step {
    SourcePos pos();

    /** The word that wrote it, as used by {@code during <phase>}. */
    String word();

    /** Baseline: no faults. */
    record Stabilize(Duration duration, SourcePos pos) implements Step {
        public String word() { return "stabilize"; }
    }

    /** Faults on a target, for a duration or (duration null) until the next heal or recover. */
    record Inject(List<Fault> faults, Target target, Duration duration, SourcePos pos) implements Step {
        public Inject {
            faults = List.copyOf(faults);
        }
        public String word() { return "inject"; }
    }

    /** Faults removed; observe healing. */
    record Recover(Duration duration, SourcePos pos) implements Step {
        public String word() { return "recover"; }
    }

    /** Time passes; nothing changes. */
    record Wait(Duration duration, SourcePos pos) implements Step {
        public String word() { return "wait"; }
    }

    /** Remove faults now: on a target, or (target null) everywhere. */
    record Heal(Target target, SourcePos pos) implements Step {
        public String word() { return "heal"; }
    }

    /** Branches that start together; the step ends when the longest does. */
    record Parallel(List<Step> steps, SourcePos pos) implements Step {
        public Parallel {
            steps = List.copyOf(steps);
        }
        public String word() { return "parallel"; }
    }

    /** The same steps, times over. */
    record Repeat(int times, List<Step> steps, SourcePos pos) implements Step {
        public Repeat {
            steps = List.copyOf(steps);
        }
        public String word() { return "repeat"; }
    }

    /** A named group of steps, after a delay; with continueOnFailure its failure does not stop the scenario. */
    record Named(String name, Duration delayBefore, boolean continueOnFailure, List<Step> steps, SourcePos pos) implements Step {
        public Named {
            steps = List.copyOf(steps);
        }
        public String word() { return "step"; }
    }
}
