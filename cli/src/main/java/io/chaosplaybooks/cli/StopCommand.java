package io.chaosplaybooks.cli;

import io.chaosplaybooks.runtime.control.ControlEndpoint;
import io.chaosplaybooks.runtime.control.LocalRuns;
import io.chaosplaybooks.runtime.control.StopReport;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "stop", mixinStandardHelpOptions = true,
    description = {
        "Stops a run of this machine as Ctrl-C in its own terminal would: the scenario under way is cut short,",
        "every fault and proxy of the run is removed and every server it started is stopped; the run exits 130",
        "and its journal's run-stopped event says who stopped it. Prints what was removed.",
    },
    footer = {
        "",
        "Examples:",
        "  chaos stop chaos-3f9a1c",
        "  chaos stop --all",
        "",
        "Exit codes: 0 stopped, 2 no such run (the running ones are listed), 3 the run did not finish its cleanup in time.",
    })
final class StopCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @ArgGroup(multiplicity = "1")
    Which which;

    static final class Which {
        @Parameters(paramLabel = "RUN-ID", description = "The run to stop (chaos run prints it first; chaos status lists them).")
        String runId;

        @Option(names = "--all", description = "Stop every run of this machine.")
        boolean all;
    }

    @Override
    public Integer call() throws Exception {
        LocalRuns runs = LocalRuns.here();
        List<String> ids = which.all ? runs.runIds() : List.of(which.runId);
        PrintWriter out = spec.commandLine().getOut();
        if (ids.isEmpty()) {
            out.println("No run is going on on this machine.");
            out.flush();
            return ExitCodes.OK;
        }
        boolean allClean = true;
        String by = RunLookup.by("stop");
        for (String id : ids) {
            LocalRuns.Located at = RunLookup.locate(runs, id);
            StopReport r;
            try {
                // The answer comes once the run has cleaned up (or its cleanup's deadline passed).
                r = at.client().stop(id, by, ControlEndpoint.STOP_WAIT.plusSeconds(5));
            } catch (IOException e) {
                throw RunLookup.failure("cannot stop " + id + " (pid " + at.process().pid() + ")", e);
            }
            out.printf("Stopped %s (pid %d)%s%n", id, at.process().pid(), r.removed().isEmpty() ? "; it held nothing to remove" : "; removed:");
            for (String w : r.removed()) out.println("  " + w);
            if (!r.stopped() || !r.left().isEmpty()) {
                allClean = false;
                out.println("  not finished in time" + (r.left().isEmpty() ? "" : "; may be left:"));
                for (String w : r.left()) out.println("  " + w);
            }
            out.flush();
        }
        if (!allClean) throw new UserFacingException.Failed("a run did not finish its cleanup in time (see above)");
        return ExitCodes.OK;
    }
}
