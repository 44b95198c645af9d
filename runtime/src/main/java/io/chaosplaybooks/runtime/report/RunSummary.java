package io.chaosplaybooks.runtime.report;

import io.chaosplaybooks.runtime.verdict.ScenarioVerdict;

import java.util.List;
import java.util.Map;

/** What a run ends with: per scenario its verdict, duration and key load figures. */
public record RunSummary(String playbook, String runId, String backend, long seed, double timeScale,
                         List<ScenarioSummary> scenarios, double durationSeconds) {
    public record ScenarioSummary(ScenarioVerdict verdict, double durationSeconds, Map<String, Object> figures) {}

    public long count(ScenarioVerdict.Status s) {
        return scenarios.stream().filter(x -> x.verdict().status() == s).count();
    }

    public boolean passed() {
        return scenarios.stream().allMatch(x -> x.verdict().status() == ScenarioVerdict.Status.PASS);
    }
}
