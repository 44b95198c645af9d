package io.chaosplaybooks.cli;

import io.chaosplaybooks.dsl.ScheduleTimes;
import io.chaosplaybooks.dsl.plan.Schedule;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "schedule", mixinStandardHelpOptions = true,
    description = {
        "Cron expressions as playbooks write them in 'schedule'.",
        "",
        "Unix cron has 5 fields: minute hour day-of-month month day-of-week.",
        "Quartz has 6 or 7, seconds first: second minute hour day-of-month month",
        "day-of-week [year], with '?' in one of the two day fields.",
    },
    subcommands = {ScheduleCommand.Next.class},
    footer = {
        "",
        "Examples:",
        "  chaos schedule next \"0 3 * * MON-FRI\"",
        "  chaos schedule next \"0 */10 * * * ?\" --syntax quartz -n 3",
        "  chaos schedule next \"30 2 1 * *\" --zone Europe/Paris",
    })
final class ScheduleCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return ExitCodes.OK;
    }

    @Command(name = "next", mixinStandardHelpOptions = true,
        description = {
            "Prints the next fire times of a cron expression and what it means in plain English.",
            "A wrong expression is shown with a caret under the part that is wrong (exit 2).",
        },
        footer = {
            "",
            "Examples:",
            "  chaos schedule next \"0 3 * * MON-FRI\"            # 03:00 on weekdays",
            "  chaos schedule next \"*/15 9-17 * * *\" -n 8       # every 15 min, 09:00-17:45",
            "  chaos schedule next \"0 0 1 */3 *\"                # the 1st of every 3rd month",
            "  chaos schedule next \"0 */10 * * * ?\" --syntax quartz",
            "  chaos schedule next \"0 0 12 ? * MON#1\" --syntax quartz --zone Europe/Paris",
            "                                  # noon, first Monday of the month, Paris time",
            "",
            "In a playbook, at playbook or scenario level:",
            "  schedule \"0 3 * * MON-FRI\", zone: \"Europe/Paris\"",
            "  schedule \"0 */10 * * * ?\", syntax: \"quartz\"",
            "  every 6.h",
            "  once at: \"2027-01-15T03:00\"",
        })
    static final class Next implements Callable<Integer> {
        @Spec CommandSpec spec;

        @Parameters(index = "0", paramLabel = "EXPR", description = "The cron expression, in quotes.")
        String expression;

        @Option(names = "-n", paramLabel = "N", description = "How many fire times (default: ${DEFAULT-VALUE}).", defaultValue = "5")
        int count;

        @Option(names = "--syntax", paramLabel = "unix|quartz", description = "unix (5 fields, the default) or quartz (seconds first).",
            defaultValue = "unix")
        Schedule.Syntax syntax;

        @Option(names = "--zone", paramLabel = "ZONE", description = "The zone the times are read in, e.g. Europe/Paris or UTC (default: the machine's).")
        String zone;

        @Option(names = "--after", paramLabel = "TIME", description = "Fire times after this instant (e.g. 2027-01-15T03:00:00Z) instead of now.")
        String after;

        @Override
        public Integer call() {
            if (count < 1 || count > 1000) throw new UserFacingException.Invalid("-n must be between 1 and 1000, got " + count);
            ZoneId z;
            try {
                z = zone == null ? ZoneId.systemDefault() : ZoneId.of(zone);
            } catch (DateTimeException e) {
                throw new UserFacingException.Invalid("unknown zone \"" + zone + "\" (a region such as Europe/Paris, or UTC)"
                    + io.chaosplaybooks.dsl.Vocabulary.didYouMean(zone, ZoneId.getAvailableZoneIds()));
            }
            Instant from;
            try {
                from = after == null ? Instant.now() : OffsetDateTime.parse(after).toInstant();
            } catch (DateTimeParseException e) {
                throw new UserFacingException.Invalid("--after wants an instant such as 2027-01-15T03:00:00Z, got \"" + after + "\"");
            }
            ScheduleTimes.CronProblem p = ScheduleTimes.check(expression, syntax, z, from);
            if (p != null) {
                throw new UserFacingException.Invalid("bad schedule: " + p.message() + "\n  " + expression + "\n  " + " ".repeat(p.offset()) + "^");
            }
            Schedule s = Schedule.cron(expression, syntax, z, zone != null, io.chaosplaybooks.dsl.plan.SourcePos.UNKNOWN);
            PrintWriter out = spec.commandLine().getOut();
            out.println(expression + "  (" + syntax.name().toLowerCase(java.util.Locale.ROOT) + ", " + s.zoneText() + ")");
            out.println(ScheduleTimes.describe(s));
            List<ZonedDateTime> next = ScheduleTimes.next(s, from, count);
            for (ZonedDateTime t : next) out.println("  " + ScheduleTimes.show(t));
            if (next.size() < count) out.println("  (no more)");
            out.flush();
            return ExitCodes.OK;
        }
    }
}
