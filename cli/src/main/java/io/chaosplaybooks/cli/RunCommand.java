package io.chaosplaybooks.cli;

import io.chaosplaybooks.dsl.LoadResult;
import io.chaosplaybooks.dsl.plan.Expectation;
import io.chaosplaybooks.dsl.plan.PlanTimeline;
import io.chaosplaybooks.dsl.plan.Playbook;
import io.chaosplaybooks.dsl.plan.Scenario;
import io.chaosplaybooks.dsl.plan.ScenarioSelection;
import io.chaosplaybooks.dsl.plan.Units;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import io.chaosplaybooks.runtime.control.ControlEndpoint;
import io.chaosplaybooks.runtime.control.LiveView;
import io.chaosplaybooks.runtime.control.LocalRun;
import io.chaosplaybooks.runtime.exec.PauseRequest;
import io.chaosplaybooks.runtime.probe.ScenarioProbes;
import io.chaosplaybooks.runtime.report.JUnitReport;
import io.chaosplaybooks.runtime.report.JsonReport;
import io.chaosplaybooks.runtime.report.RunSummary;
import io.chaosplaybooks.runtime.run.PlaybookRunner;
import io.chaosplaybooks.runtime.run.RunOptions;
import io.chaosplaybooks.runtime.run.StopRequest;
import io.chaosplaybooks.runtime.verdict.ScenarioVerdict;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.URI;
import java.util.Locale;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "run", mixinStandardHelpOptions = true,
    description = {
        "Runs a playbook and decides a verdict per scenario.",
        "",
        "Puts a fault proxy in front of each server, drives load through them, injects the faults phase",
        "by phase and judges the expectations. With --dry-run, prints the planned timeline instead.",
    },
    footer = {
        "",
        "Examples:",
        "  chaos run --dry-run playbooks/all.groovy",
        "  chaos run playbooks/smoke.groovy",
        "  chaos run --time-scale 0.05 --junit results.xml playbooks/all.groovy",
        "  chaos run --toxiproxy http://127.0.0.1:8474 --servers 127.0.0.1:11211,127.0.0.1:11212,127.0.0.1:11213 playbooks/smoke.groovy",
        "  chaos run --dry-run --scenario 'packet-loss-*' --tags multi-server playbooks/all.groovy",
        "",
        "Exit codes: 0 every scenario passed, 1 a scenario failed its expectations or was aborted, 2 invalid playbook or options,",
        "3 runtime error (server unreachable, port in use, a fault that could not be applied), 130 interrupted.",
    })
final class RunCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin PlaybookFiles files;

    @Parameters(index = "0", paramLabel = "PLAYBOOK", description = "The playbook to run.")
    Path playbook;

    @Option(names = "--dry-run", description = "Print the planned timeline (offsets, phases, faults, expectations) and the total duration; run nothing.")
    boolean dryRun;

    @Option(names = "--scenario", paramLabel = "NAME|GLOB", description = "Run only matching scenarios (repeatable; * and ? as in a shell).")
    List<String> scenarios = new ArrayList<>();

    @Option(names = "--tags", split = ",", paramLabel = "TAG[,TAG...]", description = "Run only scenarios with any of these tags.")
    List<String> tags = new ArrayList<>();

    @Option(names = "--toxiproxy", paramLabel = "URL", description = "Use a real Toxiproxy server (e.g. http://127.0.0.1:8474) instead of the embedded engine.")
    URI toxiproxy;

    @Option(names = "--servers", split = ",", paramLabel = "HOST:PORT[,...]", description = "Use these servers instead of the playbook's (one per playbook server, in order).")
    List<String> servers = new ArrayList<>();

    @Option(names = "--seed", description = "Seed for random targets: the same seed repeats a run (default: random, printed).")
    Long seed;

    @Option(names = "--time-scale", paramLabel = "F", description = "Multiply every phase duration by F, e.g. 0.05 for a quick pass (default: ${DEFAULT-VALUE}).")
    double timeScale = 1.0;

    @Option(names = "--loop", description = "Run the selection again and again until Ctrl-C (or --iterations times).")
    boolean loop;

    @Option(names = "--iterations", paramLabel = "N", description = "Run the selection N times (default: 1; with --loop: until Ctrl-C).")
    Integer iterations;

    @Option(names = "--metrics-host", paramLabel = "HOST", description = "Address for the metrics endpoint (default: ${DEFAULT-VALUE}).")
    String metricsHost = "127.0.0.1";

    @Option(names = "--metrics-port", paramLabel = "PORT", description = "Port for /metrics (default: ${DEFAULT-VALUE}; 0: a free port; -1: none).")
    int metricsPort = 9092;

    @Option(names = "--journal", paramLabel = "FILE", description = "Write every event as JSON lines (phases with planned and actual times, faults, per-second load, verdicts).")
    Path journal;

    @Option(names = "--report", paramLabel = "FILE", description = "Write an HTML report at the end: verdicts, and charts over time with phases and faults (see chaos report).")
    Path report;

    @Option(names = "--junit", paramLabel = "FILE", description = "Write JUnit XML: one testcase per scenario.")
    Path junit;

    @Option(names = "--json", paramLabel = "FILE", description = "Write the run summary as JSON.")
    Path json;

    @Option(names = "--prometheus", paramLabel = "URL", description = "The Prometheus that prometheus(...) probes ask (e.g. http://127.0.0.1:9090); over the playbook's prometheus line.")
    URI prometheus;

    @Option(names = "--fail-fast", description = "Stop the run after the first scenario that does not pass (failed, error or aborted).")
    boolean failFast;

    @Option(names = {"-q", "--quiet"}, description = "Print only the verdicts and the summary.")
    boolean quiet;

    @Option(names = "--baseline", paramLabel = "BASE.jsonl", description = "At the end, compare the run with this journal as chaos diff does; a regression exits 1.")
    Path baseline;

    @Option(names = "--threshold", paramLabel = "METRIC=CHANGE[,...]", description = "With --baseline: when a change counts (as chaos diff --threshold).")
    String threshold;

    @Override
    public Integer call() throws Exception {
        LoadResult r = files.load(playbook);
        if (!r.ok()) {
            spec.commandLine().getErr().print(r.formatProblems());
            spec.commandLine().getErr().flush();
            throw new UserFacingException.Invalid(r.problems().size() + (r.problems().size() == 1 ? " problem" : " problems") + "; nothing was run");
        }
        Playbook pb = r.playbook();
        List<Scenario> selected = new ScenarioSelection(scenarios, tags).apply(pb.scenarios());
        if (selected.isEmpty()) {
            throw new UserFacingException.Invalid("no scenario of " + playbook + " matches"
                + (scenarios.isEmpty() ? "" : " --scenario " + String.join(", ", scenarios))
                + (tags.isEmpty() ? "" : " --tags " + String.join(",", tags))
                + "; its scenarios are: " + String.join(", ", pb.scenarios().stream().map(Scenario::name).toList()));
        }
        if (!(timeScale > 0) || timeScale > 100) {
            throw new UserFacingException.Invalid("--time-scale must be above 0 and at most 100, got " + timeScale);
        }
        if (iterations != null && iterations < 1) {
            throw new UserFacingException.Invalid("--iterations must be at least 1, got " + iterations);
        }
        if (metricsPort < -1 || metricsPort > 65535) {
            throw new UserFacingException.Invalid("--metrics-port must be a port (0 for a free one, -1 for none), got " + metricsPort);
        }
        if (prometheus != null && (!("http".equals(prometheus.getScheme()) || "https".equals(prometheus.getScheme())) || prometheus.getHost() == null)) {
            throw new UserFacingException.Invalid("--prometheus takes a URL such as http://127.0.0.1:9090, got " + prometheus);
        }
        if (dryRun) {
            printTimeline(pb, selected, spec.commandLine().getOut());
            printSchedules(playbook, pb, selected, spec.commandLine().getOut());
            return ExitCodes.OK;
        }
        List<String> unaskable = ScenarioProbes.withoutPrometheus(selected, ScenarioProbes.prometheus(prometheus, pb.prometheus()));
        if (!unaskable.isEmpty()) {
            spec.commandLine().getErr().println(String.join("\n", unaskable));
            spec.commandLine().getErr().flush();
            throw new UserFacingException.Invalid(unaskable.size() + (unaskable.size() == 1 ? " probe has" : " probes have")
                + " no Prometheus to ask; nothing was run");
        }
        long runSeed = seed != null ? seed : new java.util.Random().nextLong() & 0xffff_ffffL;
        int n = iterations != null ? iterations : loop ? 0 : 1;
        PrintStream console = System.out;
        if (!quiet) console.println("Seed " + runSeed + " (repeat with --seed " + runSeed + ")");
        Path journalFile = journal;
        if (baseline != null && !java.nio.file.Files.isRegularFile(baseline)) {
            throw new UserFacingException.Invalid("--baseline " + baseline + ": no such file");
        }
        if (baseline != null) DiffCommand.check(baseline, threshold);
        if ((report != null || baseline != null) && journal == null) {
            // The report is drawn from the journal: without --journal, one in a temp file, deleted afterwards.
            try {
                journalFile = java.nio.file.Files.createTempFile("chaos-journal-", ".jsonl");
                journalFile.toFile().deleteOnExit();
            } catch (IOException e) {
                throw new UserFacingException.Failed("cannot create a temporary journal for --report or --baseline: " + e.getMessage());
            }
        }
        var options = new RunOptions(toxiproxy, servers, runSeed, timeScale, new ScenarioSelection(scenarios, tags), n,
            metricsHost, metricsPort, journalFile, quiet, LoadCommand.isTerminal(), console, null, null).withProbes(prometheus, failFast);
        if (!quiet) console.println("Run " + options.runId());
        // A RunException (exit 3) or Interruptible.Stopped (exit 130) goes to ChaosCommand's mapper as it is.
        StopRequest stop = new StopRequest();
        PauseRequest pause = new PauseRequest();
        LiveView view = new LiveView(options.runId(), pb.name());
        LocalRun controlled = new LocalRun(view, pb.name(), stop, pause);
        // Registered from inside the job, so that a signal while the control API starts is already a stop (exit 130).
        var control = new java.util.concurrent.atomic.AtomicReference<ControlEndpoint>();
        try {
            PlaybookRunner.Result result;
            try {
                result = Interruptible.run("chaos-run", () -> {
                    control.set(register(controlled, stop));
                    return new PlaybookRunner(stop, pause).run(pb, options.withListeners(List.of(view)));
                }, console, stop);
            } finally {
                controlled.finished();
            }
            return finish(result, console, journalFile);
        } finally {
            if (control.get() != null) control.get().close();
        }
    }

    /**
     * Makes the run reachable from other shells ({@code chaos status}, {@code stop}, {@code pause}, {@code resume});
     * a run that cannot register goes on without (null), saying why.
     */
    private static ControlEndpoint register(LocalRun run, StopRequest stop) {
        try {
            ControlEndpoint control = ControlEndpoint.open("run");
            control.register(run);
            return control;
        } catch (java.io.IOException | RuntimeException e) {
            // Stopped while starting it: the run's own message says so.
            if (!stop.requested()) System.err.println("chaos: this run cannot be reached by chaos status/stop/pause: " + e.getMessage());
            return null;
        }
    }

    private int finish(PlaybookRunner.Result result, PrintStream console, Path journalFile) throws Exception {
        RunSummary summary = result.summary();
        printSummary(summary, console);
        try {
            if (junit != null) JUnitReport.write(summary, junit);
            if (json != null) JsonReport.write(summary, json);
        } catch (IOException e) {
            throw new UserFacingException.Failed("cannot write a report: " + e.getMessage());
        }
        int compared = ExitCodes.OK;
        try {
            if (report != null) {
                ReportCommand.write(journalFile, report);
                if (!quiet) console.println("Report written to " + report);
            }
            if (baseline != null && !result.interrupted()) {
                console.println();
                console.println("Compared with the baseline " + baseline + ":");
                compared = DiffCommand.compare(baseline, journalFile, threshold, false, OutputFormat.text, false, null, console);
            }
        } finally {
            if (journalFile != journal) journalFile.toFile().delete();
        }
        if (result.interrupted()) {
            console.println("Interrupted: every fault and proxy of the run is removed, every server it started is stopped.");
            return ExitCodes.INTERRUPTED;
        }
        if (summary.count(ScenarioVerdict.Status.ERROR) > 0) return ExitCodes.RUNTIME_ERROR;
        if (summary.count(ScenarioVerdict.Status.FAIL) > 0 || summary.aborted() > 0) return ExitCodes.SCENARIO_FAILED;
        return compared;
    }

    static void printSummary(RunSummary s, PrintStream out) {
        out.println();
        out.printf(Locale.ROOT, "%-40s %-10s %9s %8s %9s %9s%n", "scenario", "result", "ops/s", "errors", "p99", "breaker");
        for (RunSummary.ScenarioSummary x : s.scenarios()) {
            var f = x.figures();
            out.printf(Locale.ROOT, "%-40s %-10s %9s %7.2f%% %6.1f ms %6s x%n", x.verdict().scenario(), x.verdict().status().shout(),
                f.get("opsPerSecond"), ((Number) f.get("errorRate")).doubleValue() * 100, ((Number) f.get("p99Ms")).doubleValue(),
                f.get("breakerOpenings"));
        }
        out.printf(Locale.ROOT, "%n%d passed, %d failed, %d errors%s%s in %s (run %s)%n", s.count(ScenarioVerdict.Status.PASS),
            s.count(ScenarioVerdict.Status.FAIL), s.count(ScenarioVerdict.Status.ERROR),
            s.aborted() == 0 ? "" : ", " + s.aborted() + " aborted",
            s.count(ScenarioVerdict.Status.NOT_JUDGED) == 0 ? "" : ", " + s.count(ScenarioVerdict.Status.NOT_JUDGED) + " not judged",
            Units.format(java.time.Duration.ofMillis(Math.round(s.durationSeconds() * 1000))), s.runId());
        if (s.notJudged() > 0) {
            Double scale = s.scaleToJudge();
            out.printf(Locale.ROOT, "%d expectation%s not judged: phases too short at --time-scale %s for what they measure; %s%n",
                s.notJudged(), s.notJudged() == 1 ? "" : "s", Units.formatNumber(s.timeScale()),
                scale == null ? "some are not judged even at --time-scale 1" : "--time-scale " + Units.formatNumber(scale) + " judges them all");
        }
        out.flush();
    }

    /** After the timeline: when chaos serve would run the playbook and the scenarios selected. */
    static void printSchedules(Path file, Playbook pb, List<Scenario> selected, PrintWriter out) {
        var entries = ScheduleDisplay.entries(file, pb, selected.stream().map(Scenario::name).collect(java.util.stream.Collectors.toSet()));
        if (entries.isEmpty()) return;
        out.printf("%nSchedules (chaos serve runs these; a scenario's schedule runs that scenario alone):%n");
        java.time.Instant now = java.time.Instant.now();
        for (var e : entries) ScheduleDisplay.print(e, "  ", out, now);
        out.flush();
    }

    static void printTimeline(Playbook pb, List<Scenario> selected, PrintWriter out) {
        PlanTimeline t = PlanTimeline.of(selected);
        out.printf("Dry run of %s: %d of %d scenarios, %d servers, planned duration %s%n%n",
            pb.name(), selected.size(), pb.scenarios().size(), pb.serverCount(), Units.format(t.total()));
        out.printf("%-13s %-36s %-10s %s%n", "offset", "scenario", "phase", "what");
        String last = null;
        for (PlanTimeline.Entry e : t.entries()) {
            String name = e.scenario().equals(last) ? "" : e.scenario();
            last = e.scenario();
            out.printf("%-13s %-36s %-10s %s%s%n", Units.clock(e.offset()), name, "  ".repeat(e.depth()) + e.phase(),
                e.length().isZero() ? "" : Units.format(e.length()) + (e.detail().isEmpty() ? "" : "  "), e.detail());
            if (!name.isEmpty()) {
                Scenario s = selected.stream().filter(x -> x.name().equals(e.scenario())).findFirst().orElseThrow();
                for (Expectation x : s.expectations()) out.printf("%-13s %-36s %-10s %s%n", "", "", "expect", x.describe());
                for (Expectation x : s.gates()) out.printf("%-13s %-36s %-10s %s%n", "", "", "require", x.describe());
                for (Expectation x : s.aborts()) out.printf("%-13s %-36s %-10s %s%n", "", "", "abortWhen", x.describe());
            }
        }
        out.printf("%n%-13s end of run%n", Units.clock(t.total()));
        out.flush();
    }
}
