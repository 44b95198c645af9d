package io.chaosplaybooks.cli;

import io.chaosplaybooks.runtime.control.LocalRuns;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Callable;

@Command(name = "resume", mixinStandardHelpOptions = true,
    description = "Resumes a run paused by chaos pause: its remaining phases and faults follow, later by the time paused.",
    footer = {"", "Exit codes: 0 resumed, 2 no such run or not paused, 3 the run did not answer."})
final class ResumeCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "RUN-ID", description = "The paused run.")
    String runId;

    @Override
    public Integer call() throws Exception {
        LocalRuns.Located at = RunLookup.locate(LocalRuns.here(), runId);
        try {
            at.client().resume(runId, RunLookup.by("resume"), Duration.ofSeconds(10));
        } catch (IOException e) {
            throw RunLookup.failure("cannot resume " + runId, e);
        }
        spec.commandLine().getOut().printf("Resumed %s (pid %d)%n", runId, at.process().pid());
        spec.commandLine().getOut().flush();
        return ExitCodes.OK;
    }
}
