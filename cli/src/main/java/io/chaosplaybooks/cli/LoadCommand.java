package io.chaosplaybooks.cli;

import io.chaosplaybooks.dsl.plan.LoadProfile;
import io.chaosplaybooks.dsl.plan.Units;
import io.chaosplaybooks.runtime.load.LoadEngine;
import io.chaosplaybooks.runtime.load.LoadWindow;
import io.chaosplaybooks.runtime.load.ServerEndpoint;
import io.chaosplaybooks.runtime.metrics.MetricsServer;
import io.chaosplaybooks.runtime.targets.ProvisionedTargets;
import io.chaosplaybooks.runtime.targets.Targets;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

@Command(
    name = "load",
    sortOptions = false,
    defaultValueProvider = LoadCommand.Defaults.class,
    description = {
        "Drives memcached traffic with the built-in load engine alone.",
        "",
        "The servers, the client",
        "(one xmemcached client per server behind a ketama ring, a circuit breaker per server)",
        "and Prometheus metrics, without a playbook. Stop it with Ctrl-C or --duration.",
        "",
        "Servers: --servers if given; else --server-count local memcached processes on loopback",
        "(stopped at exit), or in-process stand-ins when memcached is not installed.",
        "",
        "The defaults are a playbook's load { } defaults; sizes count as in playbooks and Toxiproxy:",
        "1 KB = 1000 bytes, 1 MB = 1000 KB.",
        "",
    },
    footerHeading = "%nExamples:%n",
    footer = {
        "  chaos load                                   3 local memcached, 50 clients, until Ctrl-C",
        "  chaos load --duration 30s --json out.json    bounded, summary written for machines",
        "  chaos load --servers 127.0.0.1:11211,127.0.0.1:11212 --clients 100",
        "  chaos load --rate 5000 --duration 2m         open loop: 5000 ops/s, latency from due time",
        "  chaos load --mix get=0.8,set=0.15,delete=0.05 --keys 100000 --key-distribution zipfian",
        "  chaos load --value-size 64-4KB --ttl 60s --timeout 50ms",
        "  curl -s 127.0.0.1:9090/metrics | grep memcache_client_operations_total",
        "",
        "Metric names and every setting: docs/load-engine.md.",
    })
final class LoadCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--servers", split = ",", paramLabel = "HOST:PORT",
        description = "memcached servers to use, named server-1, server-2, ... in this order")
    List<String> servers = new ArrayList<>();

    @Option(names = "--server-count", paramLabel = "N", defaultValue = "3",
        description = "without --servers: how many local servers to start (default: ${DEFAULT-VALUE})")
    int serverCount;

    @Option(names = "--clients", paramLabel = "N",
        description = "concurrent workers; with --rate, the most operations in flight (default: ${DEFAULT-VALUE})")
    int clients;

    @Option(names = "--rate", paramLabel = "OPS",
        description = "open loop at this many operations per second (e.g. 5000); default: closed loop")
    String rate;

    @Option(names = "--mix", paramLabel = "OP=SHARE,...",
        description = "share of get, set, delete (default: ${DEFAULT-VALUE})")
    String mix;

    @Option(names = "--keys", paramLabel = "N", description = "key space size (default: ${DEFAULT-VALUE})")
    int keys;

    @Option(names = "--key-distribution", paramLabel = "uniform|zipfian",
        description = "how keys are drawn (default: ${DEFAULT-VALUE})")
    String distribution;

    @Option(names = "--value-size", paramLabel = "SIZE",
        description = "bytes per value: 100, 4KB (4000 bytes), or a range 64-1024 (default: ${DEFAULT-VALUE})")
    String valueSize;

    @Option(names = "--ttl", paramLabel = "DURATION", description = "expiry of written items, e.g. 60s (default: none)")
    String ttl;

    @Option(names = "--timeout", paramLabel = "DURATION",
        description = "per-operation timeout (default: ${DEFAULT-VALUE})")
    String timeout;

    @Option(names = "--no-prefill", description = "do not write every key before the load starts (gets then miss at first)")
    boolean noPrefill;

    @Option(names = "--pool-size", paramLabel = "N",
        description = "connections per server (default: ${DEFAULT-VALUE}; xmemcached merges gets on one connection)")
    int poolSize;

    @Option(names = "--breaker-failure-rate", paramLabel = "FRACTION",
        description = "failed share of calls that opens a server's breaker (default: ${DEFAULT-VALUE})")
    double breakerFailureRate;

    @Option(names = "--breaker-open-for", paramLabel = "DURATION",
        description = "how long an open breaker waits before probing (default: ${DEFAULT-VALUE})")
    String breakerOpenFor;

    @Option(names = "--duration", paramLabel = "DURATION", description = "how long to run, e.g. 30s, 2m (default: until Ctrl-C)")
    String duration;

    @Option(names = "--operations", paramLabel = "N", description = "stop after this many operations")
    Long operations;

    @Option(names = "--metrics-port", paramLabel = "PORT", defaultValue = "9090",
        description = "Prometheus metrics at http://HOST:PORT/metrics; 0 picks a free port (default: ${DEFAULT-VALUE})")
    int metricsPort;

    @Option(names = "--metrics-host", paramLabel = "HOST", defaultValue = MetricsServer.DEFAULT_HOST,
        description = "address the metrics endpoint binds (default: ${DEFAULT-VALUE})")
    String metricsHost;

    @Option(names = "--json", paramLabel = "FILE", description = "write the final summary as JSON to FILE")
    Path json;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help")
    boolean help;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        // Every check before anything starts: a mistake costs nothing.
        LoadProfile profile = profile();
        List<ServerEndpoint> explicit = explicitServers();
        if (metricsPort < 0 || metricsPort > 65535) {
            throw LoadArguments.invalid("--metrics-port", Integer.toString(metricsPort), "a port 0..65535");
        }
        if (json != null) {
            Path parent = json.toAbsolutePath().getParent();
            if (parent != null && !Files.isDirectory(parent)) {
                throw new UserFacingException.Invalid("--json: directory " + parent + " does not exist");
            }
            if (Files.isDirectory(json)) {
                throw new UserFacingException.Invalid("--json: " + json + " is a directory");
            }
        }

        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        MetricsServer metrics;
        try {
            metrics = MetricsServer.start(metricsHost, metricsPort, registry);
        } catch (IOException e) {
            throw new UserFacingException.Failed(e.getMessage());
        }
        try (metrics; ProvisionedTargets targets = provision(explicit, out)) {
            out.println("Metrics: " + metrics.url());
            return run(profile, targets, registry, out, err);
        }
    }

    private int run(LoadProfile profile, ProvisionedTargets targets, PrometheusMeterRegistry registry,
                    PrintWriter out, PrintWriter err) throws Exception {
        boolean terminal = isTerminal();
        CountDownLatch reported = new CountDownLatch(1);
        try (LoadEngine engine = new LoadEngine(targets.servers(), profile, registry)) {
            // Ctrl-C / SIGTERM: stop the load and let the summary and JSON be written before the JVM exits.
            Thread onSignal = new Thread(() -> {
                engine.stop();
                try {
                    reported.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException ignored) {
                    // exiting anyway
                }
            }, "chaos-load-interrupt");
            Runtime.getRuntime().addShutdownHook(onSignal);
            try {
                long[] seconds = {0};
                engine.addWindowListener(w -> {
                    seconds[0]++;
                    if (terminal) {
                        out.print("\r" + LoadReport.liveLine(seconds[0], w) + "\033[K");
                        out.flush();
                    } else if (seconds[0] % 5 == 0) {
                        out.println(LoadReport.liveLine(seconds[0], w));
                        out.flush();
                    }
                });
                out.println("Load: " + profile.describe() + (profile.duration() == null ? ", until Ctrl-C" : ", for "
                    + Units.format(profile.duration())) + " on " + targets.servers().size() + " server(s)"
                    + (profile.prefill() ? "; pre-filling " + profile.keys() + " keys" : ""));
                out.flush();
                try {
                    engine.start();
                } catch (IOException e) {
                    throw new UserFacingException.Failed("cannot start the load: " + e.getMessage());
                }
                if (engine.prefillFailures() > 0) {
                    err.println("chaos: warning: " + engine.prefillFailures() + " of " + profile.keys() + " pre-fill writes failed");
                }
                while (!engine.awaitCompletion(Duration.ofMillis(200))) {
                    // waiting for the duration, the operation count, or Ctrl-C
                }
                engine.stop();
                if (terminal) {
                    out.println();
                }
                LoadWindow run = engine.snapshot();
                out.print(LoadReport.summary(run, targets.servers(), engine.breakerTransitions()));
                out.flush();
                if (json != null) {
                    try {
                        LoadReport.writeJson(json, run, engine.recentWindows(), targets.servers(), engine.breakerTransitions(),
                            targets.kind().name().toLowerCase());
                        out.println("Summary written to " + json);
                    } catch (IOException e) {
                        throw new UserFacingException.Failed("cannot write " + json + ": " + e.getMessage());
                    }
                }
                if (run.total().operations() > 0 && run.total().errors() == run.total().operations()) {
                    throw new UserFacingException.Failed(
                        "every operation failed: are the servers reachable? " + LoadReport.breakers(run));
                }
                return ExitCodes.OK;
            } finally {
                reported.countDown();
                try {
                    Runtime.getRuntime().removeShutdownHook(onSignal);
                } catch (IllegalStateException shuttingDown) {
                    // the hook is running: it ends when reported is counted down
                }
            }
        }
    }

    /**
     * On JDK 22+ System.console() may be non-null with redirected streams; Console.isTerminal()
     * (JDK 22+, so called reflectively from a release-21 build) tells. On JDK 21 non-null means a terminal.
     */
    static boolean isTerminal() {
        java.io.Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            return (Boolean) java.io.Console.class.getMethod("isTerminal").invoke(console);
        } catch (ReflectiveOperationException e) {
            return true;
        }
    }

    private ProvisionedTargets provision(List<ServerEndpoint> explicit, PrintWriter out) {
        try {
            return Targets.provision(Targets.names(serverCount), explicit, line -> {
                out.println(line);
                out.flush();
            });
        } catch (IOException e) {
            throw new UserFacingException.Failed("cannot start servers: " + e.getMessage());
        }
    }

    /** The load options' defaults: those of a playbook's {@code load { }}, from the one definition. */
    static final class Defaults implements CommandLine.IDefaultValueProvider {
        @Override
        public String defaultValue(CommandLine.Model.ArgSpec arg) {
            LoadProfile d = LoadProfile.builder().build();
            String name = arg instanceof CommandLine.Model.OptionSpec o ? o.longestName() : "";
            return switch (name) {
                case "--clients" -> Integer.toString(d.clients());
                case "--mix" -> String.join(",", new java.util.TreeSet<>(d.mix().keySet()).stream().map(k -> k + "=" + d.mix().get(k)).toList());
                case "--keys" -> Integer.toString(d.keys());
                case "--key-distribution" -> d.keyDistribution();
                case "--value-size" -> Integer.toString(d.valueSizeMin());
                case "--timeout" -> d.timeout().toMillis() + "ms";
                case "--pool-size" -> Integer.toString(d.poolSize());
                case "--breaker-failure-rate" -> Double.toString(d.breaker().failureRate());
                case "--breaker-open-for" -> d.breaker().openFor().toMillis() + "ms";
                default -> null;
            };
        }
    }

    LoadProfile profile() {
        if (serverCount < 1 || serverCount > 64) {
            throw LoadArguments.invalid("--server-count", Integer.toString(serverCount), "1..64");
        }
        int[] size = LoadArguments.valueSize(valueSize);
        Duration t = LoadArguments.positiveDuration("--timeout", timeout);
        Duration openFor = LoadArguments.positiveDuration("--breaker-open-for", breakerOpenFor);
        LoadProfile.Builder b = LoadProfile.builder().prefill(!noPrefill);
        set("--clients", Integer.toString(clients), b, x -> x.clients(clients));
        if (rate != null) {
            double r = LoadArguments.rate(rate);
            set("--rate", rate, b, x -> x.ratePerSecond(r));
        }
        set("--mix", mix, b, x -> x.mix(LoadArguments.mix(mix)));
        set("--keys", Integer.toString(keys), b, x -> x.keys(keys));
        set("--key-distribution", distribution, b, x -> x.distribution(distribution.toLowerCase(java.util.Locale.ROOT)));
        set("--value-size", valueSize, b, x -> x.valueSize(size[0], size[1]));
        if (ttl != null) {
            Duration d = LoadArguments.duration("--ttl", ttl);
            set("--ttl", ttl, b, x -> x.ttl(d));
        }
        set("--timeout", timeout, b, x -> x.timeout(t));
        set("--pool-size", Integer.toString(poolSize), b, x -> x.poolSize(poolSize));
        LoadProfile.Breaker d = LoadProfile.Breaker.defaults();
        set("--breaker-failure-rate", Double.toString(breakerFailureRate), b, x -> x.breaker(new LoadProfile.Breaker(breakerFailureRate,
            openFor, d.window(), d.minimumCalls(), d.halfOpenCalls(), d.slowCall(), d.slowCallRate())));
        if (duration != null) {
            b.duration(LoadArguments.positiveDuration("--duration", duration));
        }
        if (operations != null) {
            if (operations < 1) {
                throw LoadArguments.invalid("--operations", Long.toString(operations), "a count above zero");
            }
            b.maxOperations(operations);
        }
        return b.build();
    }

    /** Applies a setting and checks it, turning the check's message into one that names the option. */
    private static void set(String option, String text, LoadProfile.Builder b, java.util.function.Consumer<LoadProfile.Builder> step) {
        try {
            step.accept(b);
            b.build();
        } catch (IllegalArgumentException e) {
            throw new UserFacingException.Invalid(option + " " + text + ": " + e.getMessage());
        }
    }

    private List<ServerEndpoint> explicitServers() {
        List<ServerEndpoint> result = new ArrayList<>();
        for (String s : servers) {
            if (s.isBlank()) {
                continue;
            }
            try {
                result.add(ServerEndpoint.parse("server-" + (result.size() + 1), s));
            } catch (IllegalArgumentException e) {
                throw new UserFacingException.Invalid("--servers: " + e.getMessage());
            }
        }
        if (!servers.isEmpty() && result.isEmpty()) {
            throw new UserFacingException.Invalid("--servers: no address given");
        }
        return result;
    }
}
