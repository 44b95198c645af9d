package io.chaosplaybooks.runtime.metrics;

/**
 * The scenario side's meter names and tags, kept from the systems this tool replaces so their
 * dashboards keep working (DESIGN.md §4). Prometheus adds {@code _total} to counters.
 */
public final class ScenarioMetricNames {
    private ScenarioMetricNames() {}

    /** Gauge, tag {@code scenario}: 0 idle, 1 stabilize, 2 test (inject), 3 recovery. */
    public static final String SCENARIO_PHASE = "scenario_phase";
    /** Gauge, tags {@code scenario}, {@code phase}: the planned length of the phase, seconds. */
    public static final String SCENARIO_PHASE_DURATION = "scenario_phase_duration_seconds";
    /** Counter, tags {@code scenario}, {@code status} (pass, fail, error). Exposed as scenario_runs_total. */
    public static final String SCENARIO_RUNS = "scenario_runs";
    /** Gauge: 1 while a scenario runs, else 0. */
    public static final String SCENARIO_ACTIVE = "scenario_active";
    /** Gauge, tags {@code server}, {@code type} (Toxiproxy toxic type, or {@code down}): 1 while applied. */
    public static final String TOXIC_ACTIVE = "toxiproxy_toxic_active";
    /**
     * Gauge, tags {@code server}, {@code type}, {@code param}: the toxic's setting while applied, 0 otherwise.
     * {@code param="rate"} 0..1 for loss, {@code "latency_ms"}/{@code "jitter_ms"} for latency,
     * {@code "rate_kbps"} for bandwidth, {@code "timeout_ms"}, {@code "delay_ms"}, {@code "bytes"}.
     */
    public static final String TOXIC_VALUE = "toxiproxy_toxic_value";

    /** Gauge, tags {@code scenario}, {@code expectation} (as written): 1 held, 0 failed, at the scenario's end. */
    public static final String EXPECTATION_RESULT = "chaos_expectation_result";

    public static final String TAG_SCENARIO = "scenario";
    public static final String TAG_EXPECTATION = "expectation";
    public static final String TAG_PHASE = "phase";
    public static final String TAG_STATUS = "status";
    public static final String TAG_SERVER = "server";
    public static final String TAG_TYPE = "type";
    public static final String TAG_PARAM = "param";

    public static final int PHASE_IDLE = 0;
    public static final int PHASE_STABILIZE = 1;
    public static final int PHASE_TEST = 2;
    public static final int PHASE_RECOVERY = 3;
}
