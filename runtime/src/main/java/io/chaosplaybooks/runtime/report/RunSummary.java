package io.chaosplaybooks.runtime.report;

import com.fasterxml.jackson.annotation.JsonProperty;
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

    /** Nothing failed, nothing went wrong, nothing was aborted (scenarios not judged at the time scale did none of these). */
    public boolean passed() {
        return count(ScenarioVerdict.Status.FAIL) == 0 && count(ScenarioVerdict.Status.ERROR) == 0 && aborted() == 0;
    }

    /** Scenarios stopped by their own gate or abort condition. */
    @JsonProperty("aborted")
    public long aborted() {
        return count(ScenarioVerdict.Status.ABORTED);
    }

    /** Expectations not judged at the run's time scale, over every scenario (an aborted one's went unjudged for the abort). */
    @JsonProperty("notJudged")
    public long notJudged() {
        return scenarios.stream().filter(x -> x.verdict().status() != ScenarioVerdict.Status.ABORTED)
            .mapToLong(x -> x.verdict().notJudged().size()).sum();
    }

    /** The smallest {@code --time-scale} that judges every expectation of the run; null when all were judged or none does. */
    @JsonProperty("scaleToJudge")
    public Double scaleToJudge() {
        if (notJudged() == 0) return null;
        Double most = null;
        for (ScenarioSummary x : scenarios) {
            if (x.verdict().notJudged().isEmpty() || x.verdict().status() == ScenarioVerdict.Status.ABORTED) continue;
            Double s = x.verdict().scaleToJudge();
            if (s == null) return null;
            if (most == null || s > most) most = s;
        }
        return most;
    }
}
