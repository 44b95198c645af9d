package io.chaosplaybooks.runtime.exec;

import io.chaosplaybooks.dsl.plan.Scenario;

/** Where a scenario's timeline comes from: its plan (a playbook run) or a recording (a replay). */
@FunctionalInterface
public interface TimelineSource {
    ActionPlan timeline(Scenario scenario, double timeScale);

    /** The scenario's own steps, scaled. */
    TimelineSource PLAN = ActionPlan::of;
}
