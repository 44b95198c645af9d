package io.chaosplaybooks.dsl;

import io.chaosplaybooks.dsl.plan.Playbook;

import java.util.List;
import java.util.Map;

/**
 * What loading a playbook gave: the plan (null only when the file could not be read or compiled
 * at all), every problem found, and the text of every source read, for carets.
 */
public record LoadResult(Playbook playbook, List<Problem> problems, Map<String, String> sources) {
    public LoadResult {
        problems = List.copyOf(problems);
        sources = Map.copyOf(sources);
    }

    public boolean ok() {
        return playbook != null && problems.isEmpty();
    }

    /** Every problem as {@code file:line:col: message}, the source line and a caret. */
    public String formatProblems() {
        StringBuilder sb = new StringBuilder();
        for (Problem p : problems) sb.append(ProblemFormatter.format(p, sources)).append('\n');
        return sb.toString();
    }
}
