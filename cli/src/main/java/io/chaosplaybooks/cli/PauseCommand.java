package io.chaosplaybooks.cli;

import io.chaosplaybooks.runtime.control.LiveStatus;
import io.chaosplaybooks.runtime.control.LocalRuns;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;

@Command(name = "pause", mixinStandardHelpOptions = true,
    description = {
        "Pauses a run of this machine: its scenario's timeline stands still (on resume, every remaining phase and",
        "fault moves later by the time paused); the faults on now stay on, or with --heal-on-pause come off and go",
        "on again at the resume. The load goes on; the paused seconds count for no phase's expectations.",
        "The journal records who paused and resumed.",
    },
    footer = {
        "",
        "Examples:",
        "  chaos pause chaos-3f9a1c",
        "  chaos pause --heal-on-pause chaos-3f9a1c",
        "  chaos resume chaos-3f9a1c",
        "",
        "Exit codes: 0 paused, 2 no such run or paused already, 3 the run did not answer.",
    })
final class PauseCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "RUN-ID", description = "The run to pause (chaos status lists them).")
    String runId;

    @Option(names = "--heal-on-pause", description = "Take the faults off while paused; they go on again at the resume.")
    boolean healOnPause;

    @Override
    public Integer call() throws Exception {
        LocalRuns.Located at = RunLookup.locate(LocalRuns.here(), runId);
        LiveStatus s;
        try {
            s = at.client().pause(runId, RunLookup.by("pause"), healOnPause, Duration.ofSeconds(10));
        } catch (IOException e) {
            throw RunLookup.failure("cannot pause " + runId, e);
        }
        PrintWriter out = spec.commandLine().getOut();
        out.printf("Paused %s (pid %d)%s; resume with: chaos resume %s%n", runId, at.process().pid(),
            s.phase() == null ? "" : " in " + s.scenario() + ", " + s.phase()
                + (s.phaseLeftMs() == null ? "" : " with " + StatusCommand.seconds(s.phaseLeftMs()) + " left"),
            runId);
        if (!s.state().equals("paused")) out.println("  (the run takes the pause at its next scenario's start)");
        out.flush();
        return ExitCodes.OK;
    }
}
