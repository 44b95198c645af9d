package io.chaosplaybooks.dsl;

import java.util.Map;

/** {@code file:line:col: message}, then the offending line and a caret under the column. */
public final class ProblemFormatter {
    private ProblemFormatter() {}

    public static String format(Problem p, Map<String, String> sources) {
        StringBuilder sb = new StringBuilder();
        sb.append(p.pos()).append(": ").append(p.message());
        String text = sources.get(p.pos().file());
        if (text != null && p.pos().line() > 0) {
            String[] lines = text.split("\r?\n", -1);
            if (p.pos().line() <= lines.length) {
                String line = lines[p.pos().line() - 1];
                sb.append('\n').append("  ").append(line.replace('\t', ' '));
                int col = Math.max(1, p.pos().column());
                sb.append('\n').append("  ").append(" ".repeat(Math.min(col - 1, line.length()))).append('^');
            }
        }
        return sb.toString();
    }
}
