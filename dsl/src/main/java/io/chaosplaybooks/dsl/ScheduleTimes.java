package io.chaosplaybooks.dsl;

import com.cronutils.descriptor.CronDescriptor;
import com.cronutils.model.Cron;
import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import io.chaosplaybooks.dsl.plan.Schedule;
import io.chaosplaybooks.dsl.plan.Units;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A schedule's fire times and plain-English description, and the check of a cron expression, all by
 * cron-utils. The loader, the validator, the displays and the runtime's scheduler call this; a
 * playbook never reaches it (the sandbox lets playbooks call only the language's words).
 */
public final class ScheduleTimes {
    private ScheduleTimes() {}

    private static final CronParser UNIX = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));
    private static final CronParser QUARTZ = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.QUARTZ));
    /** A cron that finds no time within this horizon never fires ("30 February"); cron-utils searches years ahead itself. */
    private static final DateTimeFormatter SHOWN = DateTimeFormatter.ofPattern("EEE yyyy-MM-dd HH:mm:ss xxx", Locale.ENGLISH);

    /**
     * What is wrong with a cron expression.
     *
     * @param offset 0-based index in the expression of the character the message is about
     */
    public record CronProblem(String message, int offset) {}

    /** Null when {@code expression} parses and fires at least once after {@code now}; else what is wrong and where. */
    public static CronProblem check(String expression, Schedule.Syntax syntax, ZoneId zone, Instant now) {
        Cron cron;
        try {
            cron = parse(expression, syntax);
        } catch (IllegalArgumentException e) {
            return locate(expression, syntax, e.getMessage());
        }
        if (ExecutionTime.forCron(cron).nextExecution(now.atZone(zone)).isEmpty()) {
            return new CronProblem("'" + expression + "' never fires (" + describe(cron) + ")", firstNonBlank(expression));
        }
        return null;
    }

    private static Cron parse(String expression, Schedule.Syntax syntax) {
        Cron cron = (syntax == Schedule.Syntax.QUARTZ ? QUARTZ : UNIX).parse(expression);
        cron.validate();
        return cron;
    }

    /** The next {@code n} fire times strictly after {@code after}, in the schedule's zone, whole seconds. */
    public static List<ZonedDateTime> next(Schedule s, Instant after, int n) {
        List<ZonedDateTime> out = new ArrayList<>();
        ZonedDateTime t = after.atZone(s.zone());
        while (out.size() < n) {
            Optional<ZonedDateTime> next = nextAfter(s, t);
            if (next.isEmpty()) break;
            out.add(next.get());
            t = next.get();
        }
        return out;
    }

    /**
     * The first fire time strictly after {@code after}. A period counts from {@code after} (the scheduler keeps its
     * own anchor); a date fires once, so nothing is after it.
     */
    public static Optional<ZonedDateTime> nextAfter(Schedule s, ZonedDateTime after) {
        ZonedDateTime t = after.withZoneSameInstant(s.zone());
        return switch (s.kind()) {
            case CRON -> {
                ZonedDateTime from = t.truncatedTo(ChronoUnit.SECONDS);
                yield ExecutionTime.forCron(parse(s.expression(), s.syntax())).nextExecution(from)
                    .map(z -> z.truncatedTo(ChronoUnit.SECONDS));
            }
            case EVERY -> Optional.of(t.plus(s.every()));
            case ONCE -> {
                ZonedDateTime at = s.at().atZone(s.zone());
                yield at.isAfter(t) ? Optional.of(at) : Optional.empty();
            }
        };
    }

    /** In plain English: cron-utils' description for cron ("at 03:00 every day between Monday and Friday"), else ours. */
    public static String describe(Schedule s) {
        return switch (s.kind()) {
            case CRON -> describe(parse(s.expression(), s.syntax()));
            case EVERY -> "every " + Units.format(s.every());
            case ONCE -> "once, at " + s.at().toLocalDate() + " " + s.at().toLocalTime();
        };
    }

    /** The description cron-utils gives of an expression; the expression must parse. */
    public static String describe(String expression, Schedule.Syntax syntax) {
        return describe(parse(expression, syntax));
    }

    private static String describe(Cron cron) {
        return CronDescriptor.instance(Locale.UK).describe(cron);
    }

    /** A fire time as displays show it: {@code Thu 2026-12-03 03:00:00 +01:00}. */
    public static String show(ZonedDateTime t) {
        return SHOWN.format(t);
    }

    // ---- where cron-utils says an expression is wrong ------------------------------------------

    private static final Pattern VALUE = Pattern.compile("(?:Value|Period) (-?\\d+) not in range");
    private static final Pattern CHARS = Pattern.compile("Invalid chars: (\\S+)");
    private static final Pattern RANGE = Pattern.compile("Invalid range! \\[(\\S+?),(\\S+?)]");
    private static final Pattern EXPRESSION = Pattern.compile("Invalid expression: (\\S+)");
    private static final Pattern PARTS = Pattern.compile("contains (\\d+) parts but we expect one of \\[([\\d, ]+)]");

    private static final String[] UNIX_FIELDS = {"minute", "hour", "day of month", "month", "day of week"};
    private static final String[] QUARTZ_FIELDS = {"second", "minute", "hour", "day of month", "month", "day of week", "year"};

    private record Field(String text, int start) {}

    /**
     * cron-utils names the bad value but not its place. Each field is tried alone, the others made
     * neutral: the first that fails alone is the one in error; the value the message names is then
     * looked for inside that field.
     */
    private static CronProblem locate(String expression, Schedule.Syntax syntax, String message) {
        String reason = message == null ? "not a cron expression" : message.replaceFirst("^Failed to parse cron expression\\. ", "");
        List<Field> fields = fields(expression);
        if (fields.isEmpty()) return new CronProblem("empty cron expression", 0);
        Matcher parts = PARTS.matcher(reason);
        String example = syntax == Schedule.Syntax.QUARTZ ? "'0 0/10 * * * ?' (second minute hour day-of-month month day-of-week [year])"
            : "'0 3 * * MON-FRI' (minute hour day-of-month month day-of-week)";
        if (parts.find()) {
            int got = Integer.parseInt(parts.group(1));
            int expected = syntax == Schedule.Syntax.QUARTZ ? 6 : 5;
            String want = syntax == Schedule.Syntax.QUARTZ ? "6 or 7" : "5";
            int at = got > expected && fields.size() > (syntax == Schedule.Syntax.QUARTZ ? 7 : 5)
                ? fields.get(syntax == Schedule.Syntax.QUARTZ ? 7 : 5).start() : expression.length();
            return new CronProblem("a " + syntax.name().toLowerCase(Locale.ROOT) + " cron expression has " + want
                + " fields, this one has " + got + ", such as " + example, at);
        }
        String[] names = syntax == Schedule.Syntax.QUARTZ ? QUARTZ_FIELDS : UNIX_FIELDS;
        if (reason.contains("day-of-week AND a day-of-month") && fields.size() > 5) {
            return new CronProblem("quartz wants '?' in day of month or in day of week (one of them must not be given)", fields.get(5).start());
        }
        for (int i = 0; i < fields.size() && i < names.length; i++) {
            if (failsAlone(fields, i, syntax)) {
                Field f = fields.get(i);
                return new CronProblem(names[i] + " field '" + f.text() + "': " + tidy(reason), f.start() + offsetIn(f.text(), reason));
            }
        }
        return new CronProblem(tidy(reason), firstNonBlank(expression));
    }

    /** cron-utils' words, kept, minus its repetitions. */
    private static String tidy(String reason) {
        return reason.replaceFirst("Invalid chars in expression! Expression: \\S+ Invalid chars: (\\S+)", "invalid characters '$1'")
            .replaceFirst("^Invalid range! \\[(\\S+?),(\\S+?)]", "invalid range $1-$2 (the first must not be above the second)");
    }

    private static boolean failsAlone(List<Field> fields, int i, Schedule.Syntax syntax) {
        String[] probe = new String[fields.size()];
        java.util.Arrays.fill(probe, "*");
        if (syntax == Schedule.Syntax.QUARTZ) {
            // Quartz wants '?' in one of day-of-month (3) and day-of-week (5).
            if (i == 5) probe[3] = "?"; else probe[5] = "?";
            if (i == 3 && fields.get(3).text().equals("?")) probe[5] = "*";
        }
        probe[i] = fields.get(i).text();
        try {
            parse(String.join(" ", probe), syntax);
            return false;
        } catch (IllegalArgumentException e) {
            return true;
        }
    }

    /** Where in a field the value a message names is; 0 when it names none found there. */
    private static int offsetIn(String field, String reason) {
        String upper = field.toUpperCase(Locale.ROOT);
        Matcher m;
        if ((m = VALUE.matcher(reason)).find()) return token(upper, m.group(1), reason.startsWith("Period") ? "/" : null);
        if ((m = CHARS.matcher(reason)).find()) return Math.max(0, upper.indexOf(m.group(1).toUpperCase(Locale.ROOT)));
        if ((m = RANGE.matcher(reason)).find()) return Math.max(0, upper.indexOf(m.group(1) + "-"));
        if ((m = EXPRESSION.matcher(reason)).find()) return Math.max(0, upper.indexOf(m.group(1)));
        return 0;
    }

    /** The index of {@code number} as a whole number in {@code field} (after {@code prefix} when given). */
    private static int token(String field, String number, String prefix) {
        Matcher m = Pattern.compile((prefix == null ? "(?<![0-9])" : Pattern.quote(prefix)) + "(" + Pattern.quote(number) + ")(?![0-9])").matcher(field);
        return m.find() ? m.start(1) : 0;
    }

    private static List<Field> fields(String expression) {
        List<Field> out = new ArrayList<>();
        Matcher m = Pattern.compile("\\S+").matcher(expression);
        while (m.find()) out.add(new Field(m.group(), m.start()));
        return out;
    }

    private static int firstNonBlank(String s) {
        for (int i = 0; i < s.length(); i++) if (!Character.isWhitespace(s.charAt(i))) return i;
        return 0;
    }
}
