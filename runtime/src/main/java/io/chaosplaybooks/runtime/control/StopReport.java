package io.chaosplaybooks.runtime.control;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

import java.util.List;

/**
 * What a stop did.
 *
 * @param stopped  the run ended within the time given to it (its cleanup included)
 * @param removed  what the run held when asked and no longer holds: faults on servers, proxies, servers it started
 * @param left     what it still held when the answer was given (empty after a clean stop)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record StopReport(String runId, String by, boolean stopped, List<String> removed, List<String> left) {
    public StopReport {
        removed = removed == null ? List.of() : List.copyOf(removed);
        left = left == null ? List.of() : List.copyOf(left);
    }
}
