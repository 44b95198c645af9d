package io.chaosplaybooks.runtime.verdict;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;

/**
 * PASS (every judged expectation held; some may not have been judged), FAIL (with every failed
 * expectation), ERROR (with the cause) or NOT_JUDGED (no expectation could be judged at the run's
 * time scale: nothing failed, nothing was shown to hold). {@code scaleToJudge}: when some
 * expectation was not judged, the smallest {@code --time-scale} (a multiple of 0.05) that judges them
 * all, or null (also when even 1 does not).
 */
public record ScenarioVerdict(String scenario, Status status, List<Result> results, List<String> errors, Double scaleToJudge) {
    /** A verdict whose expectations were all judged. */
    public ScenarioVerdict(String scenario, Status status, List<Result> results, List<String> errors) {
        this(scenario, status, results, errors, null);
    }

    public enum Status {
        PASS, FAIL, ERROR, NOT_JUDGED,
        /** Stopped by its own gate ({@code require}) or abort condition ({@code abortWhen}); the reason is in {@code errors}. */
        ABORTED;

        /** {@code pass}, {@code fail}, {@code error}, {@code not-judged}: the journal's and reports' word. */
        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }

        /** {@code PASS}, {@code FAIL}, {@code ERROR}, {@code NOT JUDGED}: the console's word. */
        public String shout() {
            return name().replace('_', ' ');
        }
    }

    /** What became of one expectation. */
    public enum Judgement { HELD, FAILED, NOT_JUDGED,
        /** Could not be judged because the measurement itself failed (a Prometheus query that errs or returns nothing). */
        ERROR }

    /**
     * One expectation: what was expected, what was measured and whether it held; for one that was
     * not judged, {@code measured} says why.
     */
    public record Result(String expectation, Judgement judgement, String expected, String measured, String position) {
        public Result(String expectation, boolean ok, String expected, String measured, String position) {
            this(expectation, ok ? Judgement.HELD : Judgement.FAILED, expected, measured, position);
        }

        public static Result notJudged(String expectation, String expected, String why, String position) {
            return new Result(expectation, Judgement.NOT_JUDGED, expected, why, position);
        }

        /** The measurement failed: {@code why} carries the source's own message. */
        public static Result error(String expectation, String expected, String why, String position) {
            return new Result(expectation, Judgement.ERROR, expected, why, position);
        }

        /** Judged and held (in the JSON report as {@code ok}, as before the third state existed). */
        @JsonProperty("ok")
        public boolean ok() {
            return judgement == Judgement.HELD;
        }

        public boolean judged() {
            return judgement != Judgement.NOT_JUDGED;
        }

        /** The measurement failed (the expectation is an error, neither held nor failed). */
        @JsonProperty("error")
        public boolean error() {
            return judgement == Judgement.ERROR;
        }
    }

    public List<Result> failures() {
        return results.stream().filter(r -> r.judgement() == Judgement.FAILED).toList();
    }

    public List<Result> notJudged() {
        return results.stream().filter(r -> !r.judged()).toList();
    }
}
