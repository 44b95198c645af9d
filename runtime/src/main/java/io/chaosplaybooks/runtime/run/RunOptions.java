package io.chaosplaybooks.runtime.run;

import io.chaosplaybooks.dsl.plan.ScenarioSelection;

import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;

/**
 * How to run a playbook.
 *
 * @param toxiproxy   a Toxiproxy API to use instead of the embedded engine (null: embedded)
 * @param servers     {@code host:port} of servers to use instead of the playbook's (empty: the playbook's)
 * @param iterations  how many times to run the selection; 0 means until interrupted ({@code --loop})
 * @param metricsPort 0 for a free port, -1 for no metrics endpoint
 */
public record RunOptions(URI toxiproxy, List<String> servers, long seed, double timeScale, ScenarioSelection selection,
                         int iterations, String metricsHost, int metricsPort, Path journal, boolean quiet,
                         boolean terminal, PrintStream console) {
    public RunOptions {
        servers = servers == null ? List.of() : List.copyOf(servers);
        if (selection == null) selection = ScenarioSelection.all();
    }

    public static RunOptions defaults(PrintStream console) {
        return new RunOptions(null, List.of(), System.nanoTime(), 1.0, ScenarioSelection.all(), 1, "127.0.0.1", 9092,
            null, false, false, console);
    }
}
