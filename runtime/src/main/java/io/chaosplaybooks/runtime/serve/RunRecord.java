package io.chaosplaybooks.runtime.serve;

import java.util.List;
import java.util.Map;

/**
 * One run in the server's history, as the index keeps it and the API shows it.
 *
 * @param trigger  what started it: a schedule's id, {@code api} or {@code cli}
 * @param state    {@code running}, {@code passed}, {@code failed}, {@code error}, {@code stopped} or {@code skipped}
 * @param start    ISO-8601 instant the run started (or was skipped)
 * @param end      ISO-8601 instant it ended, null while running
 * @param due      for a scheduled run, the instant the schedule was due (its start's lag is {@code start - due}); else null
 * @param reason   why it was skipped, stopped or in error (null when it passed or failed)
 * @param verdicts scenario name to its verdict label, in order, once known
 */
public record RunRecord(String id, String playbook, String file, List<String> scenarios, String trigger, String state,
                        String start, String end, String due, String reason, Map<String, String> verdicts) {
    public static final List<String> STATES = List.of("running", "passed", "failed", "error", "stopped", "skipped");

    public RunRecord {
        scenarios = scenarios == null ? List.of() : List.copyOf(scenarios);
        verdicts = verdicts == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(verdicts));
    }

    RunRecord ended(String state, String end, String reason, Map<String, String> verdicts) {
        return new RunRecord(id, playbook, file, scenarios, trigger, state, start, end, due, reason, verdicts);
    }

    boolean running() {
        return state.equals("running");
    }
}
