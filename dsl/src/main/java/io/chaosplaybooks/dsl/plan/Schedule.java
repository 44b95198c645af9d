package io.chaosplaybooks.dsl.plan;

import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.Objects;

/**
 * When a playbook or a scenario runs by itself: a cron expression (Unix, 5 fields, or Quartz, with
 * seconds), a period ({@code every 6.h}) or one date ({@code once at: "2027-01-15T03:00"}), read in a
 * zone. Data only: the checks, the next fire times and the descriptions are
 * {@link io.chaosplaybooks.dsl.ScheduleTimes}'s.
 *
 * @param expression the cron expression as written (CRON only)
 * @param zone       the zone the times are read in: the one written, else the machine's when the playbook was loaded
 * @param zoneGiven  whether the playbook named the zone (displays say "machine zone" otherwise)
 * @param every      the period (EVERY only)
 * @param at         the local date and time in {@code zone} (ONCE only)
 * @param pos        where {@code schedule} was written
 */
public record Schedule(Kind kind, String expression, Syntax syntax, ZoneId zone, boolean zoneGiven,
                       Duration every, LocalDateTime at, SourcePos pos) {
    public enum Kind { CRON, EVERY, ONCE }

    /** The cron dialect: {@code UNIX} is minute hour day-of-month month day-of-week; {@code QUARTZ} adds seconds first and an optional year. */
    public enum Syntax { UNIX, QUARTZ }

    public Schedule {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(zone, "zone");
        Objects.requireNonNull(pos, "pos");
        switch (kind) {
            case CRON -> {
                Objects.requireNonNull(expression, "expression");
                Objects.requireNonNull(syntax, "syntax");
            }
            case EVERY -> Objects.requireNonNull(every, "every");
            case ONCE -> Objects.requireNonNull(at, "at");
        }
    }

    public static Schedule cron(String expression, Syntax syntax, ZoneId zone, boolean zoneGiven, SourcePos pos) {
        return new Schedule(Kind.CRON, expression, syntax, zone, zoneGiven, null, null, pos);
    }

    public static Schedule every(Duration every, ZoneId zone, boolean zoneGiven, SourcePos pos) {
        return new Schedule(Kind.EVERY, null, null, zone, zoneGiven, every, null, pos);
    }

    public static Schedule once(LocalDateTime at, ZoneId zone, boolean zoneGiven, SourcePos pos) {
        return new Schedule(Kind.ONCE, null, null, zone, zoneGiven, null, at, pos);
    }

    /** The schedule as a playbook writes it, without the zone: {@code 0 3 * * MON-FRI}, {@code 0 0/10 * * * ? (quartz)}, {@code every 6h}, {@code once at 2027-01-15T03:00}. */
    public String text() {
        return switch (kind) {
            case CRON -> syntax == Syntax.QUARTZ ? expression + " (quartz)" : expression;
            case EVERY -> "every " + Units.format(every);
            case ONCE -> "once at " + at;
        };
    }

    /** The zone as displays show it: {@code Europe/Paris}, or {@code Europe/Paris (machine zone)} when the playbook named none. */
    public String zoneText() {
        return zoneGiven ? zone.getId() : zone.getId() + " (machine zone)";
    }

    /**
     * What decides the fire times, position aside: two schedules with the same key fire at the same
     * times. A reload keeps a schedule's state while its key is unchanged.
     */
    public String key() {
        return kind + "|" + text() + "|" + zone.getId();
    }
}
