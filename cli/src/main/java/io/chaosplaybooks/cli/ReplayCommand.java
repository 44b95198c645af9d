package io.chaosplaybooks.cli;

import io.chaosplaybooks.dsl.LoadResult;
import io.chaosplaybooks.dsl.PlaybookLoader;
import io.chaosplaybooks.dsl.plan.ScenarioSelection;
import io.chaosplaybooks.dsl.plan.Scenario;
import io.chaosplaybooks.dsl.plan.Units;
import io.chaosplaybooks.runtime.events.RunEvent;
import io.chaosplaybooks.runtime.exec.RunListener;
import io.chaosplaybooks.runtime.journal.Journal;
import io.chaosplaybooks.runtime.replay.PlaybookText;
import io.chaosplaybooks.runtime.replay.RecordedRun;
import io.chaosplaybooks.runtime.replay.Replay;
import io.chaosplaybooks.runtime.replay.ReplayException;
import io.chaosplaybooks.runtime.report.RunSummary;
import io.chaosplaybooks.runtime.run.PlaybookRunner;
import io.chaosplaybooks.runtime.run.RunOptions;
import io.chaosplaybooks.runtime.run.StopRequest;
import io.chaosplaybooks.runtime.verdict.ScenarioVerdict;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "replay", mixinStandardHelpOptions = true,
    description = {
        "Plays a recorded run (a journal of chaos run or chaos repl --journal) again.",
        "",
        "Each fault goes on and comes off at its recorded actual offset from its scenario's start, divided by",
        "the speed, against servers started as chaos run would (or --servers), under the recorded load (a REPL",
        "session's load changes at their offsets too); the recorded run's expectations are judged again. The",
        "replay is a run of its own: its journal's run-start names the journal it replays. With --to-playbook,",
        "writes the recording as a playbook instead.",
    },
    footer = {
        "",
        "Examples:",
        "  chaos replay run.jsonl",
        "  chaos replay run.jsonl --speed 4 --journal replay.jsonl",
        "  chaos replay run.jsonl --fast --scenario 'smoke-*'",
        "  chaos replay session.jsonl --to-playbook session.groovy",
        "",
        "Exit codes: 0 every scenario passed, 1 a scenario failed its expectations, 2 a journal that cannot be",
        "replayed (cut short, of a newer schema, naming servers the targets lack) or bad options, nothing applied,",
        "3 runtime error, 130 interrupted.",
    })
final class ReplayCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "JOURNAL", description = "The journal to replay.")
    Path recording;

    static final class Pace {
        @Option(names = "--speed", paramLabel = "F", description = "Play F times faster than recorded (default: 1).")
        Double speed;

        @Option(names = "--fast", description = "Keep the order and the phases' relative lengths, at the speed that makes the shortest phase one second (one second of load, what expectations read); never slower than recorded.")
        boolean fast;
    }

    @ArgGroup(exclusive = true)
    Pace pace = new Pace();

    @Option(names = "--to-playbook", paramLabel = "OUT.groovy", description = "Write the recording as a playbook (its phases, and its faults at their times) and run nothing.")
    Path toPlaybook;

    @Option(names = "--scenario", paramLabel = "NAME|GLOB", description = "Replay only matching scenarios (repeatable; * and ? as in a shell).")
    List<String> scenarios = new ArrayList<>();

    @Option(names = "--toxiproxy", paramLabel = "URL", description = "Use a real Toxiproxy server instead of the embedded engine.")
    URI toxiproxy;

    @Option(names = "--servers", split = ",", paramLabel = "HOST:PORT[,...]", description = "Use these servers (one per recorded server, in order) instead of starting them.")
    List<String> servers = new ArrayList<>();

    @Option(names = "--seed", description = "Seed of the replay (default: the recorded run's).")
    Long seed;

    @Option(names = "--loop", description = "Replay again and again until Ctrl-C (or --iterations times).")
    boolean loop;

    @Option(names = "--iterations", paramLabel = "N", description = "Replay N times (default: 1).")
    Integer iterations;

    @Option(names = "--metrics-host", paramLabel = "HOST", description = "Address for the metrics endpoint (default: ${DEFAULT-VALUE}).")
    String metricsHost = "127.0.0.1";

    @Option(names = "--metrics-port", paramLabel = "PORT", description = "Port for /metrics (default: ${DEFAULT-VALUE}; 0: a free port; -1: none).")
    int metricsPort = 9092;

    @Option(names = "--journal", paramLabel = "FILE", description = "Write the replay's events as JSON lines (its run-start names the journal replayed).")
    Path journal;

    @Option(names = {"-q", "--quiet"}, description = "Print only the verdicts and the summary.")
    boolean quiet;

    @Override
    public Integer call() throws Exception {
        if (pace.speed != null && (!(pace.speed > 0) || pace.speed > 1000)) {
            throw new UserFacingException.Invalid("--speed must be above 0 and at most 1000, got " + pace.speed);
        }
        if (iterations != null && iterations < 1) throw new UserFacingException.Invalid("--iterations must be at least 1, got " + iterations);
        if (metricsPort < -1 || metricsPort > 65535) {
            throw new UserFacingException.Invalid("--metrics-port must be a port (0 for a free one, -1 for none), got " + metricsPort);
        }
        Replay replay;
        try {
            replay = Replay.of(RecordedRun.read(recording), pace.fast ? 0 : pace.speed == null ? 1 : pace.speed, servers);
        } catch (ReplayException e) {
            throw new UserFacingException.Invalid(e.getMessage() + "; nothing was replayed");
        }
        PrintStream console = System.out;
        if (toPlaybook != null) return writePlaybook(replay, console);
        List<Scenario> selected = new ScenarioSelection(scenarios, List.of()).apply(replay.playbook().scenarios());
        if (selected.isEmpty()) {
            throw new UserFacingException.Invalid("no recorded scenario of " + recording + " matches --scenario " + String.join(", ", scenarios)
                + "; its scenarios are: " + String.join(", ", replay.playbook().scenarios().stream().map(Scenario::name).toList()));
        }
        RecordedRun recorded = replay.recorded();
        long runSeed = seed != null ? seed : recorded.start().seed();
        int n = iterations != null ? iterations : loop ? 0 : 1;
        if (!quiet) {
            console.printf(Locale.ROOT, "Replaying %s (run %s, %d of %d scenarios) at speed %s%s%n", recording, recorded.start().runId(),
                selected.size(), replay.playbook().scenarios().size(), Units.formatNumber(replay.speed()), pace.fast ? " (--fast)" : "");
            for (String note : replay.notes()) console.println("  note: " + note);
        }
        Journal out = null;
        List<RunListener> listeners = new ArrayList<>();
        if (journal != null) {
            try {
                out = new Journal(journal);
            } catch (IOException e) {
                throw new UserFacingException.Failed("cannot write the journal " + journal + ": " + e.getMessage());
            }
            Journal j = out;
            String replayed = recording.toString();
            // The replay's own journal: its run-start says which journal it plays back.
            listeners.add(e -> j.on(e instanceof RunEvent.RunStart s ? s.withReplayOf(replayed) : e));
        }
        var options = new RunOptions(toxiproxy, servers, runSeed, replay.timeScale(), new ScenarioSelection(scenarios, List.of()), n,
            metricsHost, metricsPort, null, quiet, LoadCommand.isTerminal(), console, null, listeners);
        if (!quiet) console.println("Run " + options.runId());
        StopRequest stop = new StopRequest();
        PlaybookRunner.Result result;
        try {
            result = Interruptible.run("chaos-replay", () -> new PlaybookRunner(stop, replay).run(replay.playbook(), options), console, stop);
        } finally {
            if (out != null) out.close();
        }
        RunSummary summary = result.summary();
        RunCommand.printSummary(summary, console);
        if (result.interrupted()) {
            console.println("Interrupted: every fault and proxy of the replay is removed, every server it started is stopped.");
            return ExitCodes.INTERRUPTED;
        }
        if (summary.count(ScenarioVerdict.Status.ERROR) > 0) return ExitCodes.RUNTIME_ERROR;
        if (summary.count(ScenarioVerdict.Status.FAIL) > 0) return ExitCodes.SCENARIO_FAILED;
        return ExitCodes.OK;
    }

    private int writePlaybook(Replay replay, PrintStream console) {
        String text = PlaybookText.of(replay);
        LoadResult check = new PlaybookLoader(List.of()).loadText(toPlaybook.getFileName().toString(), text);
        if (!check.ok()) {
            throw new UserFacingException.Failed("the playbook written from " + recording + " does not validate (a bug):\n" + check.formatProblems());
        }
        try {
            Path parent = toPlaybook.toAbsolutePath().getParent();
            if (parent != null) Files.createDirectories(parent);
            Files.writeString(toPlaybook, text);
        } catch (IOException e) {
            throw new UserFacingException.Failed("cannot write " + toPlaybook + ": " + e.getMessage());
        }
        if (!quiet) {
            console.printf(Locale.ROOT, "Wrote %s: %d scenario%s from %s%n", toPlaybook, replay.playbook().scenarios().size(),
                replay.playbook().scenarios().size() == 1 ? "" : "s", recording);
            for (String note : PlaybookText.unwritten(replay)) console.println("  note: " + note);
        }
        return ExitCodes.OK;
    }
}
