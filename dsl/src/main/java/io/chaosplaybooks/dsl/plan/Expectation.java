package io.chaosplaybooks.dsl.plan;

import java.time.Duration;

/**
 * What must hold for the scenario to pass. {@code phase} names the window ({@code stabilize},
 * {@code inject}, {@code recover}, {@code wait}, or a step's name); null means the whole scenario.
 */
public sealed interface Expectation {
    SourcePos pos();

    String phase();

    String describe();

    enum Metric {
        ERROR_RATE("errorRate"), THROUGHPUT("throughput"),
        P50("p50"), P90("p90"), P95("p95"), P99("p99"), P999("p999");

        private final String word;

        Metric(String word) { this.word = word; }

        public String word() { return word; }
    }

    enum Comparison {
        LT("<"), LE("<="), GT(">"), GE(">="), EQ("==");

        private final String symbol;

        Comparison(String symbol) { this.symbol = symbol; }

        public String symbol() { return symbol; }
    }

    /**
     * {@code errorRate < 1.percent}: threshold as a fraction for errorRate, ops/s for throughput,
     * milliseconds for percentiles.
     */
    record MetricBound(Metric metric, Comparison comparison, double threshold, String phase, SourcePos pos) implements Expectation {
        public String describe() {
            String t = switch (metric) {
                case ERROR_RATE -> Units.formatNumber(threshold * 100) + "%";
                case THROUGHPUT -> Units.formatNumber(threshold) + " ops/s";
                default -> Units.formatNumber(threshold) + " ms";
            };
            return metric.word() + " " + comparison.symbol() + " " + t + (phase == null ? "" : " during " + phase);
        }
    }

    enum BreakerCondition { OPENED, CLOSED, STAYED_CLOSED }

    /** {@code breaker(server(1)).opened during inject}. */
    record Breaker(Target target, BreakerCondition condition, String phase, SourcePos pos) implements Expectation {
        public String describe() {
            String c = switch (condition) {
                case OPENED -> "opened";
                case CLOSED -> "closed";
                case STAYED_CLOSED -> "stayedClosed";
            };
            return "breaker(" + target.describe() + ")." + c + (phase == null ? "" : " during " + phase);
        }
    }

    /**
     * {@code prometheus("q") < 0.01}, {@code http(url).status == 200}, {@code http(url).latency < 200.ms}: every
     * sample of the probe inside the window meets the bound. {@code threshold}: the query's value, the status
     * code, or milliseconds for latency.
     */
    record ProbeBound(Probe probe, Probe.Reading reading, Comparison comparison, double threshold, String phase, SourcePos pos)
        implements Expectation {
        public String describe() {
            String t = reading == Probe.Reading.LATENCY ? Units.formatNumber(threshold) + ".ms" : Units.formatNumber(threshold);
            return probe.describe() + reading.suffix() + " " + comparison.symbol() + " " + t + (phase == null ? "" : " during " + phase);
        }
    }

    /** {@code http(url).body.contains("ok")}: every response inside the window has the text in its body. */
    record ProbeContains(Probe probe, String text, String phase, SourcePos pos) implements Expectation {
        public String describe() {
            return probe.describe() + ".body.contains(\"" + text.replace("\"", "\\\"") + "\")" + (phase == null ? "" : " during " + phase);
        }
    }

    /** The probe an expectation reads, or null for one on the load engine. */
    default Probe probe() {
        return null;
    }

    /** Back to the stabilize baseline within this long after the faults are healed. */
    record RecoveredWithin(Duration within, SourcePos pos) implements Expectation {
        public String phase() { return "recover"; }

        public String describe() {
            return "recoveredWithin(" + Units.format(within) + ")";
        }
    }
}
