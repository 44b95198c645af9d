package io.chaosplaybooks.cli;

import io.chaosplaybooks.dsl.ScheduleTimes;
import io.chaosplaybooks.dsl.plan.Playbook;
import io.chaosplaybooks.dsl.plan.Schedule;
import io.chaosplaybooks.runtime.schedule.ScheduleEntry;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Schedules as {@code chaos list} and {@code chaos run --dry-run} show them: id, expression, zone, the
 * plain-English description and the next three fire times.
 */
final class ScheduleDisplay {
    static final int SHOWN = 3;

    private ScheduleDisplay() {}

    /** The entries of a playbook's schedules: the playbook's own and, of scenarios, those named (all when null). */
    static List<ScheduleEntry> entries(Path file, Playbook pb, Set<String> scenarios) {
        return ScheduleEntry.of(file, pb).stream()
            .filter(e -> e.scenario() == null || scenarios == null || scenarios.contains(e.scenario()))
            .toList();
    }

    /** Three lines: {@code schedule ID: EXPR (ZONE)}, the description, the next fire times. */
    static void print(ScheduleEntry e, String indent, PrintWriter out, Instant now) {
        Schedule s = e.schedule();
        out.println(indent + "schedule " + e.id() + ": " + s.text() + "  (" + s.zoneText() + ")");
        out.println(indent + "    " + ScheduleTimes.describe(s));
        out.println(indent + "    next: " + next(s, now));
    }

    static String next(Schedule s, Instant now) {
        List<ZonedDateTime> next = ScheduleTimes.next(s, now, SHOWN);
        if (next.isEmpty() && s.kind() == Schedule.Kind.ONCE) return ScheduleTimes.show(s.at().atZone(s.zone())) + " (past)";
        if (next.isEmpty()) return "(none)";
        return String.join(", ", next.stream().map(ScheduleTimes::show).toList());
    }

    static Map<String, Object> json(ScheduleEntry e, Instant now) {
        Schedule s = e.schedule();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", e.id());
        m.put("kind", s.kind().name().toLowerCase(java.util.Locale.ROOT));
        m.put("expression", s.text());
        m.put("description", ScheduleTimes.describe(s));
        m.put("zone", s.zone().getId());
        m.put("zoneGiven", s.zoneGiven());
        m.put("next", ScheduleTimes.next(s, now, SHOWN).stream().map(z -> z.toOffsetDateTime().toString()).toList());
        m.put("position", s.pos().toString());
        return m;
    }
}
