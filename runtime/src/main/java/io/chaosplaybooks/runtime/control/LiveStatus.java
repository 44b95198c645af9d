package io.chaosplaybooks.runtime.control;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.List;
import java.util.Map;

/**
 * A live run as another shell or a web page sees it: what it runs now and how the load fares.
 * Times are milliseconds; {@code *Ms} fields that are relative to the run count from its start.
 * Absent (null) fields are left out of the JSON: before the first scenario there is no phase, a
 * phase without a planned length ({@code inject} without {@code for}) has no time left.
 *
 * @param state          {@code starting}, {@code running}, {@code paused}, {@code stopping}, then
 *                       {@code passed}, {@code failed}, {@code error} or {@code stopped}
 * @param pid            the process that runs it (set by the control registry; null inside the process)
 * @param started        the run's wall-clock start (ISO-8601)
 * @param scenarioIndex  1-based position of the scenario in the selection ({@code scenarioCount} of them)
 * @param iteration      which pass over the selection ({@code --iterations}, {@code --loop}), from 1
 * @param step           the named step the phase belongs to, if any
 * @param phaseLeftMs    time left in the phase; held while the run is paused
 * @param opsPerSecond   throughput of the last second of load; {@code errorRate} (0..1) and {@code p99Ms} the same second's
 * @param breakers       each server's circuit breaker: {@code closed}, {@code open} or {@code half_open}
 * @param faults         the faults on the servers now
 * @param by             who paused or stopped the run, while it is paused or stopping/stopped
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record LiveStatus(String runId, String playbook, String state, Long pid, String started, String scenario,
                         Integer scenarioIndex, Integer scenarioCount, Integer iteration, String phase, String step,
                         Double phaseLengthMs, Double phaseLeftMs, Double elapsedMs, Double opsPerSecond, Double errorRate,
                         Double p99Ms, Map<String, String> breakers, List<ActiveFault> faults, String by) {
    /** A fault on a server: as the playbook writes it, since when (ms from the run's start), in which scenario. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record ActiveFault(String server, String fault, String type, String scenario, double sinceMs) {}

    private static final ObjectMapper JSON = new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    public LiveStatus {
        breakers = breakers == null ? Map.of() : Map.copyOf(new java.util.TreeMap<>(breakers));
        faults = faults == null ? List.of() : List.copyOf(faults);
    }

    /** True while the run goes on (also while paused or stopping). */
    public boolean live() {
        return switch (state) {
            case "starting", "running", "paused", "stopping" -> true;
            default -> false;
        };
    }

    /** This status as seen from outside the process that runs it. */
    public LiveStatus withPid(long pid) {
        return new LiveStatus(runId, playbook, state, pid, started, scenario, scenarioIndex, scenarioCount, iteration, phase, step,
            phaseLengthMs, phaseLeftMs, elapsedMs, opsPerSecond, errorRate, p99Ms, breakers, faults, by);
    }

    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A JSON array of statuses, as {@code GET /api/runs} answers. */
    public static String toJson(List<LiveStatus> statuses) {
        try {
            return JSON.writeValueAsString(statuses);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** @throws IllegalArgumentException if {@code json} is not one status */
    public static LiveStatus parse(String json) {
        try {
            return JSON.readValue(json, LiveStatus.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a run status: " + e.getOriginalMessage(), e);
        }
    }

    /** @throws IllegalArgumentException if {@code json} is not an array of statuses */
    public static List<LiveStatus> parseList(String json) {
        try {
            return JSON.readValue(json, new TypeReference<List<LiveStatus>>() {});
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a list of run statuses: " + e.getOriginalMessage(), e);
        }
    }
}
