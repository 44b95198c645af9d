package io.chaosplaybooks.cli;

import io.chaosplaybooks.runtime.report.html.HtmlReport;
import io.chaosplaybooks.runtime.journal.JournalException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "report", mixinStandardHelpOptions = true,
    description = {
        "Turns a run's journal (chaos run --journal FILE) into one self-contained",
        "HTML file: the run, the verdicts, and per scenario charts over time with",
        "the phases shaded and the fault changes marked: ops/s, error rate,",
        "p50/p99, breaker state per server. Viewing it needs no network.",
    },
    footer = {
        "",
        "Examples:",
        "  chaos run playbooks/smoke.groovy --journal run.jsonl",
        "  chaos report run.jsonl -o report.html",
        "  chaos run playbooks/smoke.groovy --report report.html   # in one step",
        "",
        "Exit codes: 0 written; 2 the journal is missing or not a journal (the",
        "message names the line); 3 the report cannot be written.",
    })
final class ReportCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "JOURNAL", description = "A journal written by chaos run --journal.")
    Path journal;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "The HTML file (default: the journal's name, .html).")
    Path output;

    @Override
    public Integer call() {
        Path out = output != null ? output : defaultOutput(journal);
        write(journal, out);
        PrintWriter w = spec.commandLine().getOut();
        w.println("Report written to " + out);
        w.flush();
        return ExitCodes.OK;
    }

    static Path defaultOutput(Path journal) {
        String name = journal.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return journal.resolveSibling((dot > 0 ? name.substring(0, dot) : name) + ".html");
    }

    /** Shared with chaos run --report: a bad journal is the user's input (2), a file that cannot be written is I/O (3). */
    static void write(Path journal, Path html) {
        try {
            HtmlReport.write(journal, html);
        } catch (JournalException e) {
            throw new UserFacingException.Invalid(e.getMessage());
        } catch (IOException e) {
            throw new UserFacingException.Failed("cannot write the report " + html + ": " + e.getMessage());
        }
    }
}
