package io.chaosplaybooks.cli;

import io.chaosplaybooks.runtime.control.ControlClient;
import io.chaosplaybooks.runtime.control.LocalRuns;

import java.io.IOException;

/** Finds a running run for {@code chaos stop}, {@code pause} and {@code resume}, and says who asks. */
final class RunLookup {
    private RunLookup() {}

    /** Who asks, as the run's journal will say it: {@code chaos stop (pid N)}. */
    static String by(String command) {
        return "chaos " + command + " (pid " + ProcessHandle.current().pid() + ")";
    }

    /** The run's process; an unknown id is the user's mistake (exit 2), naming the runs there are. */
    static LocalRuns.Located locate(LocalRuns runs, String id) throws InterruptedException {
        try {
            return runs.locate(id);
        } catch (LocalRuns.UnknownRun e) {
            throw new UserFacingException.Invalid(e.getMessage());
        }
    }

    /** A control API's error as a one-line failure: its refusal (409 and such) as the user's mistake. */
    static UserFacingException failure(String what, IOException e) {
        if (e instanceof ControlClient.Refused r && r.status() / 100 == 4) return new UserFacingException.Invalid(what + ": " + e.getMessage());
        return new UserFacingException.Failed(what + ": " + e.getMessage());
    }
}
