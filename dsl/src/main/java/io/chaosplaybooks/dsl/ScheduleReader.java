package io.chaosplaybooks.dsl;

import io.chaosplaybooks.dsl.plan.Schedule;
import io.chaosplaybooks.dsl.plan.SourcePos;
import io.chaosplaybooks.dsl.plan.Units;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Reads the words {@code schedule}, {@code every} and {@code once} into a plan {@link Schedule}, checking
 * each value where it is written. A problem inside a string (a cron field, a zone, a date) points at the
 * character in the string that is wrong, found in the source line of the call.
 */
final class ScheduleReader {
    private ScheduleReader() {}

    /** The schedule read (null when a value was wrong) and the problems found. */
    record Read(Schedule schedule, List<Problem> problems) {}

    private static final Set<String> CRON_OPTIONS = Set.of("syntax", "zone");
    private static final Set<String> EVERY_OPTIONS = Set.of("zone");
    private static final Set<String> ONCE_OPTIONS = Set.of("at", "zone");
    static final Duration SHORTEST_PERIOD = Duration.ofSeconds(1);

    static Read cron(Map<String, ?> named, Object expression, SourcePos pos, String source, Supplier<ZoneId> machineZone) {
        List<Problem> problems = new ArrayList<>();
        unknownOptions(named, CRON_OPTIONS, "schedule", pos, problems);
        Schedule.Syntax syntax = Schedule.Syntax.UNIX;
        Object syntaxValue = named.get("syntax");
        if (syntaxValue != null) {
            String s = syntaxValue.toString();
            try {
                syntax = Schedule.Syntax.valueOf(s.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                problems.add(new Problem(inString(pos, source, s, 0), "syntax is \"unix\" (5 fields, the default) or \"quartz\" (with seconds), got \""
                    + s + "\"" + Vocabulary.didYouMean(s, List.of("unix", "quartz"))));
            }
        }
        ZoneId zone = zone(named, pos, source, machineZone, problems);
        String expr = expression == null ? "" : expression.toString();
        if (problems.isEmpty()) {
            ScheduleTimes.CronProblem p = ScheduleTimes.check(expr, syntax, zone, Instant.now());
            if (p != null) {
                String example = syntax == Schedule.Syntax.QUARTZ ? "" : expr.trim().split("\\s+").length == 6
                    ? " (six fields with seconds: add syntax: \"quartz\")" : "";
                problems.add(new Problem(inString(pos, source, expr, p.offset()), "bad schedule: " + p.message() + example));
            }
        }
        Schedule s = problems.isEmpty() ? Schedule.cron(expr, syntax, zone, named.get("zone") != null, pos) : null;
        return new Read(s, problems);
    }

    static Read every(Map<String, ?> named, Duration period, SourcePos pos, String source, Supplier<ZoneId> machineZone) {
        List<Problem> problems = new ArrayList<>();
        unknownOptions(named, EVERY_OPTIONS, "every", pos, problems);
        if (period.compareTo(SHORTEST_PERIOD) < 0) {
            problems.add(new Problem(pos, "every needs a period of at least " + Units.format(SHORTEST_PERIOD) + ", got " + Units.format(period)));
        }
        ZoneId zone = zone(named, pos, source, machineZone, problems);
        return new Read(problems.isEmpty() ? Schedule.every(period, zone, named.get("zone") != null, pos) : null, problems);
    }

    static Read once(Map<String, ?> named, SourcePos pos, String source, Supplier<ZoneId> machineZone) {
        List<Problem> problems = new ArrayList<>();
        unknownOptions(named, ONCE_OPTIONS, "once", pos, problems);
        Object at = named.get("at");
        LocalDateTime when = null;
        if (at == null) {
            problems.add(new Problem(pos, "once needs a date and time: once at: \"2027-01-15T03:00\""));
        } else {
            String text = at.toString();
            try {
                when = LocalDateTime.parse(text.trim());
            } catch (DateTimeParseException e) {
                int lead = text.length() - text.stripLeading().length();
                problems.add(new Problem(inString(pos, source, text, lead + Math.max(0, e.getErrorIndex())),
                    "once at: wants a local date and time such as 2027-01-15T03:00 (read in the schedule's zone), got \"" + text + "\""));
            }
        }
        ZoneId zone = zone(named, pos, source, machineZone, problems);
        return new Read(problems.isEmpty() ? Schedule.once(when, zone, named.get("zone") != null, pos) : null, problems);
    }

    private static void unknownOptions(Map<String, ?> named, Set<String> known, String word, SourcePos pos, List<Problem> problems) {
        for (String k : named.keySet()) {
            if (!known.contains(k)) {
                problems.add(new Problem(pos, word + " takes " + String.join(":, ", known.stream().sorted().toList()) + ":, not "
                    + k + ":" + Vocabulary.didYouMean(k, known)));
            }
        }
    }

    private static ZoneId zone(Map<String, ?> named, SourcePos pos, String source, Supplier<ZoneId> machineZone, List<Problem> problems) {
        Object z = named.get("zone");
        if (z == null) return machineZone.get();
        String text = z.toString();
        try {
            return ZoneId.of(text.trim());
        } catch (DateTimeException e) {
            problems.add(new Problem(inString(pos, source, text, 0), "unknown zone \"" + text + "\" (a region such as Europe/Paris, or UTC)"
                + Vocabulary.didYouMean(text, ZoneId.getAvailableZoneIds())));
            return machineZone.get();
        }
    }

    /**
     * The position of character {@code offset} of the string literal holding {@code text}, the first on the call's
     * line at or after its column; the call's own position when the text is not written there as a literal (a
     * variable, a string built at run time, a literal on another line).
     */
    static SourcePos inString(SourcePos call, String source, String text, int offset) {
        if (source == null || call.line() < 1) return call;
        String[] lines = source.split("\r?\n", -1);
        if (call.line() > lines.length) return call;
        String line = lines[call.line() - 1];
        for (String quote : List.of("\"", "'")) {
            int i = line.indexOf(quote + text + quote, Math.max(0, call.column() - 1));
            if (i >= 0 && !text.contains("\\") && !text.contains("$")) {
                return new SourcePos(call.file(), call.line(), i + 2 + Math.min(offset, text.length()));
            }
        }
        return call;
    }
}
