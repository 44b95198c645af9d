package io.chaosplaybooks.dsl;

import io.chaosplaybooks.dsl.plan.SourcePos;

/** One mistake in a playbook, where it was written and what is wrong. */
public record Problem(SourcePos pos, String message) implements Comparable<Problem> {
    @Override
    public int compareTo(Problem o) {
        int c = pos.file().compareTo(o.pos.file());
        if (c == 0) c = Integer.compare(pos.line(), o.pos.line());
        if (c == 0) c = Integer.compare(pos.column(), o.pos.column());
        return c;
    }
}
