package io.chaosplaybooks.runtime.run;

import io.chaosplaybooks.dsl.plan.Expectation;
import io.chaosplaybooks.dsl.plan.PlanTimeline;
import io.chaosplaybooks.dsl.plan.Playbook;
import io.chaosplaybooks.dsl.plan.Scenario;
import io.chaosplaybooks.dsl.plan.ServerSpec;
import io.chaosplaybooks.dsl.plan.Units;
import io.chaosplaybooks.runtime.exec.AsyncListener;
import io.chaosplaybooks.runtime.exec.Clock;
import io.chaosplaybooks.runtime.exec.FaultBackend;
import io.chaosplaybooks.runtime.exec.Listeners;
import io.chaosplaybooks.runtime.exec.RunListener;
import io.chaosplaybooks.runtime.exec.ScenarioExecutor;
import io.chaosplaybooks.runtime.exec.TargetResolver;
import io.chaosplaybooks.runtime.faults.EmbeddedBackend;
import io.chaosplaybooks.runtime.faults.ToxiproxyBackend;
import io.chaosplaybooks.runtime.journal.Journal;
import io.chaosplaybooks.runtime.load.BreakerTransition;
import io.chaosplaybooks.runtime.load.LoadEngine;
import io.chaosplaybooks.runtime.load.LoadWindow;
import io.chaosplaybooks.runtime.load.ServerEndpoint;
import io.chaosplaybooks.runtime.load.ServerWindow;
import io.chaosplaybooks.runtime.metrics.MetricsServer;
import io.chaosplaybooks.runtime.metrics.ScenarioMetrics;
import io.chaosplaybooks.runtime.report.RunSummary;
import io.chaosplaybooks.runtime.targets.ProvisionedTargets;
import io.chaosplaybooks.runtime.targets.Targets;
import io.chaosplaybooks.runtime.verdict.BreakerEvent;
import io.chaosplaybooks.runtime.verdict.ExpectationJudge;
import io.chaosplaybooks.runtime.verdict.LoadSecond;
import io.chaosplaybooks.runtime.verdict.RecordedObservations;
import io.chaosplaybooks.runtime.verdict.ScenarioVerdict;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Runs a playbook end to end:
 * <pre>
 *  servers (given, local memcached, or stand-ins) ─► a proxy per server (embedded engine or Toxiproxy)
 *  ─► load engine through the proxies ─► scenarios on absolute deadlines ─► verdicts ─► summary
 * </pre>
 * Whatever happens (expectation failure, exception, unreachable server, interrupt), every proxy
 * and toxic the run created is removed and every server it started is stopped before it returns.
 */
public final class PlaybookRunner {
    private final Clock clock;

    public PlaybookRunner() {
        this(Clock.SYSTEM);
    }

    PlaybookRunner(Clock clock) {
        this.clock = clock;
    }

    public static String newRunId() {
        byte[] b = new byte[3];
        ThreadLocalRandom.current().nextBytes(b);
        return "chaos-" + HexFormat.of().formatHex(b);
    }

    /** The result of a run: its summary, and whether it was interrupted before the end. */
    public record Result(RunSummary summary, boolean interrupted) {}

    public Result run(Playbook playbook, RunOptions o) throws RunException {
        List<Scenario> scenarios = o.selection().apply(playbook.scenarios());
        if (scenarios.isEmpty()) throw new RunException("no scenario is selected");
        String runId = newRunId();
        var console = o.console();
        List<String> names = playbook.servers().stream().map(ServerSpec::name).toList();
        long runStart = clock.nanos();
        Instant wallStart = Instant.now();
        List<RunSummary.ScenarioSummary> results = new ArrayList<>();
        boolean interrupted = false;
        Closer closer = new Closer(console);
        try {
            // 1. Servers.
            ProvisionedTargets targets = closer.add(provision(playbook, o, names));
            // 2. Fault backend and a proxy per server.
            FaultBackend backend = closer.add(backend(o, runId));
            List<ServerEndpoint> proxied = new ArrayList<>();
            for (ServerEndpoint server : targets.servers()) {
                try {
                    String listen = backend.addProxy(server.name(), server.address());
                    proxied.add(ServerEndpoint.parse(server.name(), listen));
                } catch (FaultBackend.FaultException e) {
                    throw new RunException(e.getMessage(), e);
                }
            }
            // Warm the fault path (classes loaded, code compiled) so the first real fault is not late.
            warmUp(backend, names);
            // 3. Metrics.
            PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            if (o.metricsPort() >= 0) {
                try {
                    MetricsServer server = closer.add(MetricsServer.start(o.metricsHost(), o.metricsPort(), registry));
                    if (!o.quiet()) console.println("Metrics on " + server.url());
                } catch (IOException e) {
                    throw new RunException(e.getMessage() + " (choose another with --metrics-port, or 0 for a free one)", e);
                }
            }
            ScenarioMetrics scenarioMetrics = new ScenarioMetrics(registry, names);
            scenarioMetrics.scenarios(scenarios.stream().map(Scenario::name).toList());
            // 4. Journal and console.
            Journal journal = null;
            if (o.journal() != null) {
                try {
                    journal = closer.add(new Journal(o.journal(), runStart));
                } catch (IOException e) {
                    throw new RunException("cannot write the journal " + o.journal() + ": " + e.getMessage(), e);
                }
                Map<String, Object> start = new LinkedHashMap<>();
                start.put("runId", runId);
                start.put("playbook", playbook.name());
                start.put("file", playbook.file());
                start.put("backend", backend.name());
                start.put("seed", o.seed());
                start.put("timeScale", o.timeScale());
                start.put("serverNames", names);
                start.put("servers", targets.servers().stream().map(ServerEndpoint::address).toList());
                start.put("proxies", proxied.stream().map(ServerEndpoint::address).toList());
                start.put("targets", targets.kind().toString());
                start.put("scenarios", scenarios.stream().map(Scenario::name).toList());
                journal.write("run-start", start);
            }
            int perIteration = scenarios.size();
            ConsoleStatus status = new ConsoleStatus(console, o.terminal(), o.quiet(), runStart,
                o.iterations() == 0 ? perIteration : perIteration * o.iterations());
            List<RunListener> listeners = new ArrayList<>(List.of(scenarioMetrics, status));
            if (journal != null) listeners.add(journal);
            AsyncListener listener = closer.add(new AsyncListener(new Listeners(listeners)));
            // 5. Load through the proxies, bounded: the planned time plus a margin, unless looping.
            RecordedObservations seen = new RecordedObservations();
            Duration planned = PlanTimeline.of(scenarios).total();
            var profile = playbook.load().timeScaled(o.timeScale());
            if (o.iterations() > 0) {
                long nanos = Math.round(planned.toNanos() * o.timeScale()) * o.iterations();
                profile = profile.toBuilder().duration(Duration.ofNanos(nanos).plusSeconds(120)).build();
            }
            LoadEngine load = new LoadEngine(proxied, profile, registry);
            closer.add(load);
            final Journal j = journal;
            load.addWindowListener(w -> {
                long now = clock.nanos();
                seen.add(toSecond(w, runStart, wallStart));
                status.window(w, now);
                if (j != null) j.write("load-second", loadSecond(w, runStart, wallStart));
            });
            load.addBreakerListener(t -> {
                BreakerEvent e = toEvent(t, runStart, wallStart);
                seen.add(e);
                if (j != null) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("actualMs", Math.round((e.nanos() - runStart) / 1e3) / 1e3);
                    m.put("server", e.server());
                    m.put("from", e.from());
                    m.put("to", e.to());
                    j.write("breaker", m);
                }
            });
            if (!o.quiet()) {
                console.printf("Running %s: %d scenario%s, planned %s%s, %s faults, %s servers (%s)%n", playbook.name(), perIteration,
                    perIteration == 1 ? "" : "s", Units.format(Duration.ofNanos(Math.round(planned.toNanos() * o.timeScale()))),
                    o.timeScale() == 1.0 ? "" : " (time scale " + o.timeScale() + ")", backend.name(), proxied.size(),
                    targets.kind().toString().toLowerCase(Locale.ROOT).replace('_', ' '));
            }
            java.util.concurrent.CountDownLatch firstWindow = new java.util.concurrent.CountDownLatch(1);
            load.addWindowListener(w -> firstWindow.countDown());
            try {
                load.start();
            } catch (IOException e) {
                throw new RunException("the load engine cannot reach the servers through the proxies: " + e.getMessage(), e);
            }
            // The first scenario's baseline starts with the load already steady, not warming up.
            try {
                firstWindow.await(5, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            // 6. Scenarios, in order, each on its own deadlines.
            TargetResolver resolver = new TargetResolver(names, o.seed());
            ScenarioExecutor executor = new ScenarioExecutor(clock, backend, resolver, listener);
            ExpectationJudge judge = new ExpectationJudge(seen, resolver);
            outer:
            for (int iteration = 1; o.iterations() == 0 || iteration <= o.iterations(); iteration++) {
                for (Scenario s : scenarios) {
                    // A little ahead, so the scenario's first deadline is not already behind when its plan is
                    // built; more for the run's first, whose code has not run yet (loaded, interpreted).
                    long start = clock.nanos() + (results.isEmpty() ? FIRST_START_MARGIN_NANOS : START_MARGIN_NANOS);
                    ScenarioExecutor.Outcome outcome = executor.run(s, start, o.timeScale());
                    // Let the last second's window arrive before judging, and the scenario's events reach the console first.
                    if (!outcome.interrupted()) sleepQuietly(1100);
                    listener.drain();
                    ScenarioVerdict v = judge.judge(s, outcome);
                    scenarioMetrics.verdict(v);
                    status.verdict(v);
                    Map<String, Object> figures = figures(seen, outcome);
                    results.add(new RunSummary.ScenarioSummary(v, (clock.nanos() - start) / 1e9, figures));
                    if (j != null) {
                        Map<String, Object> m = new LinkedHashMap<>();
                        m.put("scenario", s.name());
                        m.put("iteration", iteration);
                        m.put("status", v.status().label());
                        m.put("results", v.results());
                        m.put("errors", v.errors());
                        m.put("figures", figures);
                        j.write("verdict", m);
                    }
                    if (outcome.interrupted() || Thread.currentThread().isInterrupted()) {
                        interrupted = true;
                        break outer;
                    }
                }
            }
            if (j != null) j.write("run-end", Map.of("interrupted", interrupted, "durationMs", (clock.nanos() - runStart) / 1e6));
        } finally {
            // Cleanup must finish even if the thread was interrupted: clear the flag while closing.
            boolean wasInterrupted = Thread.interrupted();
            closer.closeAll();
            if (wasInterrupted) Thread.currentThread().interrupt();
        }
        return new Result(new RunSummary(playbook.name(), runId, o.toxiproxy() == null ? "embedded" : "toxiproxy " + o.toxiproxy(),
            o.seed(), o.timeScale(), results, (clock.nanos() - runStart) / 1e9), interrupted);
    }

    static final long START_MARGIN_NANOS = 50_000_000L;
    static final long FIRST_START_MARGIN_NANOS = 250_000_000L;

    /** Applies and removes a fault that does nothing (zero latency) on every server. */
    private static void warmUp(FaultBackend backend, List<String> servers) {
        var nothing = new io.chaosplaybooks.dsl.plan.Fault(io.chaosplaybooks.dsl.plan.FaultType.LATENCY,
            Map.of("latency", 0L, "jitter", 0L), io.chaosplaybooks.dsl.plan.Direction.DOWNSTREAM, 1.0,
            io.chaosplaybooks.dsl.plan.SourcePos.UNKNOWN);
        for (int round = 0; round < backend.warmUpRounds(); round++) {
            for (String server : servers) {
                try {
                    backend.remove(backend.apply(server, nothing));
                } catch (FaultBackend.FaultException e) {
                    return; // the real run will report what is wrong
                }
            }
        }
    }

    private ProvisionedTargets provision(Playbook playbook, RunOptions o, List<String> names) throws RunException {
        List<ServerEndpoint> explicit = new ArrayList<>();
        if (!o.servers().isEmpty()) {
            if (o.servers().size() != names.size()) {
                throw new RunException("--servers gives " + o.servers().size() + " addresses but the playbook has "
                    + names.size() + " servers (" + String.join(", ", names) + ")");
            }
            for (int i = 0; i < names.size(); i++) explicit.add(parse(names.get(i), o.servers().get(i)));
        } else {
            long withAddress = playbook.servers().stream().filter(s -> s.address() != null).count();
            if (withAddress > 0 && withAddress < names.size()) {
                throw new RunException("either every named server has an address or none does; "
                    + "without addresses the run starts them itself");
            }
            for (ServerSpec s : playbook.servers()) if (s.address() != null) explicit.add(parse(s.name(), s.address()));
        }
        try {
            ProvisionedTargets t = Targets.provision(names.size(), explicit, m -> { if (!o.quiet()) o.console().println(m); });
            return renamed(t, names);
        } catch (IOException | RuntimeException e) {
            throw new RunException("cannot provide the servers: " + e.getMessage(), e);
        }
    }

    private static ServerEndpoint parse(String name, String address) throws RunException {
        try {
            return ServerEndpoint.parse(name, address);
        } catch (RuntimeException e) {
            throw new RunException("bad server address '" + address + "': " + e.getMessage(), e);
        }
    }

    /** Provisioned servers carry the playbook's names, in order. */
    private static ProvisionedTargets renamed(ProvisionedTargets t, List<String> names) {
        List<ServerEndpoint> servers = new ArrayList<>();
        for (int i = 0; i < t.servers().size(); i++) {
            ServerEndpoint s = t.servers().get(i);
            servers.add(new ServerEndpoint(names.get(i), s.host(), s.port()));
        }
        return new ProvisionedTargets() {
            public List<ServerEndpoint> servers() { return servers; }
            public io.chaosplaybooks.runtime.targets.TargetKind kind() { return t.kind(); }
            public void close() { t.close(); }
        };
    }

    private FaultBackend backend(RunOptions o, String runId) throws RunException {
        if (o.toxiproxy() == null) return new EmbeddedBackend(runId, m -> { if (!o.quiet()) o.console().println(m); });
        ToxiproxyBackend b = new ToxiproxyBackend(o.toxiproxy(), runId, m -> o.console().println(m));
        try {
            String version = b.version();
            if (!o.quiet()) o.console().println("Toxiproxy " + version + " at " + o.toxiproxy() + "; this run's proxies and toxics are named " + runId + "-*");
        } catch (FaultBackend.FaultException e) {
            throw new RunException(e.getMessage(), e);
        }
        return b;
    }

    private static long nanosOf(Instant t, long runStart, Instant wallStart) {
        return runStart + Duration.between(wallStart, t).toNanos();
    }

    static LoadSecond toSecond(LoadWindow w, long runStart, Instant wallStart) {
        ServerWindow t = w.total();
        Map<String, String> breakers = new LinkedHashMap<>();
        for (ServerWindow s : w.servers()) breakers.put(s.server(), s.breaker() == null ? "CLOSED" : s.breaker().name());
        return new LoadSecond(nanosOf(w.start(), runStart, wallStart), nanosOf(w.end(), runStart, wallStart),
            t.operations(), t.errors(), histogram(w), breakers);
    }

    /** The window's histogram in microseconds, as the verdict merges them. */
    static Histogram histogram(LoadWindow w) {
        Histogram nanos = w.latencyNanos();
        if (nanos == null || nanos.getTotalCount() == 0) return null;
        Histogram micros = new Histogram(3);
        for (var v : nanos.recordedValues()) {
            micros.recordValueWithCount(Math.max(1, v.getValueIteratedTo() / 1000), v.getCountAtValueIteratedTo());
        }
        return micros;
    }

    static BreakerEvent toEvent(BreakerTransition t, long runStart, Instant wallStart) {
        return new BreakerEvent(nanosOf(t.at(), runStart, wallStart), t.server(), t.from().name(), t.to().name());
    }

    private static Map<String, Object> loadSecond(LoadWindow w, long runStart, Instant wallStart) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("startMs", Math.round((nanosOf(w.start(), runStart, wallStart) - runStart) / 1e3) / 1e3);
        m.put("opsPerSecond", Math.round(w.opsPerSecond()));
        m.put("errors", w.total().errors());
        m.put("errorRate", w.total().errorRate());
        if (w.total().latency() != null) {
            m.put("p50Ms", w.total().latency().p50Ms());
            m.put("p99Ms", w.total().latency().p99Ms());
        }
        Map<String, Object> servers = new LinkedHashMap<>();
        for (ServerWindow s : w.servers()) {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("ops", s.operations());
            x.put("errors", s.errors());
            x.put("breaker", s.breaker() == null ? null : s.breaker().tag());
            if (s.latency() != null) x.put("p99Ms", s.latency().p99Ms());
            servers.put(s.server(), x);
        }
        m.put("servers", servers);
        return m;
    }

    private static Map<String, Object> figures(RecordedObservations seen, ScenarioExecutor.Outcome o) {
        long from = o.startNanos(), to = o.startNanos() + o.plan().lengthNanos();
        var seconds = seen.seconds(from, to);
        long ops = seconds.stream().mapToLong(LoadSecond::operations).sum();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("operations", ops);
        m.put("errors", seconds.stream().mapToLong(LoadSecond::errors).sum());
        // The same arithmetic the verdict uses, so the summary and the expectations agree.
        m.put("errorRate", ExpectationJudge.value(Expectation.Metric.ERROR_RATE, seconds));
        m.put("opsPerSecond", Math.round(ExpectationJudge.value(Expectation.Metric.THROUGHPUT, seconds)));
        m.put("p99Ms", ExpectationJudge.value(Expectation.Metric.P99, seconds));
        m.put("breakerOpenings", seen.breakerEvents(from, to).stream().filter(e -> e.to().equals("OPEN")).count());
        return m;
    }

    private static void sleepQuietly(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Closes in reverse order of opening; one failure does not skip the rest. */
    private static final class Closer {
        private final List<AutoCloseable> open = new ArrayList<>();
        private final java.io.PrintStream console;

        Closer(java.io.PrintStream console) { this.console = console; }

        <T extends AutoCloseable> T add(T c) {
            open.add(c);
            return c;
        }

        void closeAll() {
            for (int i = open.size() - 1; i >= 0; i--) {
                try {
                    open.get(i).close();
                } catch (Exception e) {
                    console.println("chaos: cleanup: " + e);
                }
            }
            open.clear();
        }
    }
}
