package io.chaosplaybooks.runtime.verdict;

import java.util.List;

/** PASS, FAIL (with every failed expectation) or ERROR (with the cause). */
public record ScenarioVerdict(String scenario, Status status, List<Result> results, List<String> errors) {
    public enum Status {
        PASS, FAIL, ERROR;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** One expectation: what was expected, what was measured, whether it held. */
    public record Result(String expectation, boolean ok, String expected, String measured, String position) {}

    public List<Result> failures() {
        return results.stream().filter(r -> !r.ok()).toList();
    }
}
