package io.chaosplaybooks.runtime.control;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

import java.util.List;

/**
 * One process's registration, as its file in the runtime directory says: who it is, where its
 * control API answers, the token its requests need, and the runs it has now.
 *
 * @param command  {@code run} or {@code serve}
 * @param address  the control API's base URL, on loopback
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ProcessEntry(long pid, String command, String address, String token, String started, List<Run> runs) {
    public record Run(String runId, String playbook) {}

    public ProcessEntry {
        runs = runs == null ? List.of() : List.copyOf(runs);
    }

    /** Without the token: entries may be printed. */
    @Override
    public String toString() {
        return "ProcessEntry[pid=" + pid + ", command=" + command + ", address=" + address + ", runs=" + runs + "]";
    }
}
