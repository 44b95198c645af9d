package io.chaosplaybooks.cli;

import io.chaosplaybooks.runtime.diff.RunComparison;
import io.chaosplaybooks.runtime.diff.RunFigures;
import io.chaosplaybooks.runtime.journal.JournalException;
import io.chaosplaybooks.runtime.report.html.DiffReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "diff", mixinStandardHelpOptions = true,
    description = {
        "Compares two runs from their journals: per scenario both have and per phase, ops/s, error rate, p50",
        "and p99, breaker openings and time open, recovery time and verdict. A change beyond its threshold is a",
        "regression (or an improvement). Runs of different playbooks, loads or time scales are not compared",
        "unless --force.",
    },
    footer = {
        "",
        "Examples:",
        "  chaos diff base.jsonl new.jsonl",
        "  chaos diff base.jsonl new.jsonl --threshold p99=+50%,recovery=+2s -o diff.html",
        "",
        "Exit codes: 0 no regression, 1 a regression, 2 bad input (a journal that does not read, runs not",
        "comparable without --force, a bad threshold).",
    })
final class DiffCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "BASE.jsonl", description = "The run to compare against.")
    Path base;

    @Parameters(index = "1", paramLabel = "NEW.jsonl", description = "The run compared.")
    Path next;

    @Option(names = "--threshold", paramLabel = "METRIC=CHANGE[,...]",
        description = "When a change counts: p99=+20%% (relative), errorRate=+1pt (points), throughput=-10%%, recovery=+5s; "
            + "also p50 and openTime. Given ones replace those defaults: " + RunComparison.Thresholds.DEFAULTS + ".")
    String threshold;

    @Option(names = "--format", paramLabel = "text|json", description = "Output for people (default) or machines.")
    OutputFormat format = OutputFormat.text;

    @Option(names = {"-o", "--output"}, paramLabel = "diff.html", description = "Also write an HTML page: both runs' series on the same axes per scenario, regressions highlighted.")
    Path html;

    @Option(names = "--force", description = "Compare runs of different playbooks, loads or time scales anyway (still said).")
    boolean force;

    @Option(names = "--all", description = "List every figure, not only the flagged ones (text format).")
    boolean all;

    @Override
    public Integer call() {
        return compare(base, next, threshold, force, format, all, html, System.out);
    }

    /** Before a run with --baseline: the baseline reads and the thresholds parse, else exit 2 before anything starts. */
    static void check(Path baseline, String threshold) {
        try {
            RunComparison.Thresholds.parse(threshold);
            RunFigures.read(baseline);
        } catch (IllegalArgumentException e) {
            throw new UserFacingException.Invalid("--threshold: " + e.getMessage());
        } catch (JournalException e) {
            throw new UserFacingException.Invalid("--baseline: " + e.getMessage());
        }
    }

    /** The comparison printed, and its exit code: 1 on a regression, 0 otherwise; bad input throws (exit 2). */
    static int compare(Path base, Path next, String threshold, boolean force, OutputFormat format, boolean all, Path html, PrintStream out) {
        RunComparison.Thresholds thresholds;
        try {
            thresholds = RunComparison.Thresholds.parse(threshold);
        } catch (IllegalArgumentException e) {
            throw new UserFacingException.Invalid("--threshold: " + e.getMessage());
        }
        RunFigures a, b;
        try {
            a = RunFigures.read(base);
            b = RunFigures.read(next);
        } catch (JournalException e) {
            throw new UserFacingException.Invalid(e.getMessage());
        }
        RunComparison c = RunComparison.of(a, b, thresholds);
        if (!c.unfair().isEmpty() && !force) {
            throw new UserFacingException.Invalid("the runs are not comparable: " + String.join("; ", c.unfair())
                + " (--force compares them anyway)");
        }
        out.print(format == OutputFormat.json ? Json.write(c.json()) + "\n" : c.text(all));
        out.flush();
        if (html != null) {
            try {
                DiffReport.write(c, html);
            } catch (IOException e) {
                throw new UserFacingException.Failed("cannot write " + html + ": " + e.getMessage());
            }
        }
        return c.regressed() ? ExitCodes.SCENARIO_FAILED : ExitCodes.OK;
    }
}
