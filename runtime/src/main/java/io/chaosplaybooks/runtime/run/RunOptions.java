package io.chaosplaybooks.runtime.run;

import io.chaosplaybooks.dsl.plan.ScenarioSelection;
import io.chaosplaybooks.runtime.exec.RunListener;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

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
 * @param runId       the run's id, chosen by the caller so it can be named before the run starts (null: a new one)
 * @param listeners   who else hears the run's events (a control registry, a server's live view, a comparison), beside
 *                    the metrics, the console and the journal
 * @param prometheus  the Prometheus that {@code prometheus(...)} probes ask, over the playbook's own (null: the playbook's)
 * @param failFast    stop the run after the first scenario that does not pass (failed, error, aborted)
 * @param registry    where the load's and the run's meters go (null: a registry of the run's own; {@code chaos serve}
 *                    gives each run one tagged with its id, shown on the server's {@code /metrics})
 */
public record RunOptions(URI toxiproxy, List<String> servers, long seed, double timeScale, ScenarioSelection selection,
                         int iterations, String metricsHost, int metricsPort, Path journal, boolean quiet,
                         boolean terminal, PrintStream console, String runId, List<RunListener> listeners, URI prometheus,
                         boolean failFast, PrometheusMeterRegistry registry) {
    public RunOptions {
        servers = servers == null ? List.of() : List.copyOf(servers);
        if (selection == null) selection = ScenarioSelection.all();
        if (runId == null) runId = PlaybookRunner.newRunId();
        listeners = listeners == null ? List.of() : List.copyOf(listeners);
    }

    public RunOptions(URI toxiproxy, List<String> servers, long seed, double timeScale, ScenarioSelection selection,
                      int iterations, String metricsHost, int metricsPort, Path journal, boolean quiet,
                      boolean terminal, PrintStream console, String runId, List<RunListener> listeners) {
        this(toxiproxy, servers, seed, timeScale, selection, iterations, metricsHost, metricsPort, journal, quiet, terminal,
            console, runId, listeners, null, false, null);
    }

    public RunOptions(URI toxiproxy, List<String> servers, long seed, double timeScale, ScenarioSelection selection,
                      int iterations, String metricsHost, int metricsPort, Path journal, boolean quiet,
                      boolean terminal, PrintStream console) {
        this(toxiproxy, servers, seed, timeScale, selection, iterations, metricsHost, metricsPort, journal, quiet, terminal,
            console, null, List.of());
    }

    public static RunOptions defaults(PrintStream console) {
        return new RunOptions(null, List.of(), System.nanoTime(), 1.0, ScenarioSelection.all(), 1, "127.0.0.1", 9092,
            null, false, false, console);
    }

    public RunOptions withRunId(String id) {
        return new RunOptions(toxiproxy, servers, seed, timeScale, selection, iterations, metricsHost, metricsPort, journal,
            quiet, terminal, console, id, listeners, prometheus, failFast, registry);
    }

    /** These options with {@code more} listeners added to the ones they have. */
    public RunOptions withListeners(List<RunListener> more) {
        List<RunListener> all = new java.util.ArrayList<>(listeners);
        all.addAll(more);
        return new RunOptions(toxiproxy, servers, seed, timeScale, selection, iterations, metricsHost, metricsPort, journal,
            quiet, terminal, console, runId, all, prometheus, failFast, registry);
    }

    /** These options with a Prometheus for the probes (null: the playbook's) and, with {@code failFast}, a stop after the first scenario that does not pass. */
    public RunOptions withProbes(URI prometheus, boolean failFast) {
        return new RunOptions(toxiproxy, servers, seed, timeScale, selection, iterations, metricsHost, metricsPort, journal,
            quiet, terminal, console, runId, listeners, prometheus, failFast, registry);
    }

    /** These options with the run's meters going to {@code registry} (null: a registry of the run's own). */
    public RunOptions withRegistry(PrometheusMeterRegistry registry) {
        return new RunOptions(toxiproxy, servers, seed, timeScale, selection, iterations, metricsHost, metricsPort, journal,
            quiet, terminal, console, runId, listeners, prometheus, failFast, registry);
    }
}
