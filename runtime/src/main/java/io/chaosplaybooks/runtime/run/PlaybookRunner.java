package io.chaosplaybooks.runtime.run;

import io.chaosplaybooks.dsl.plan.Expectation;
import io.chaosplaybooks.dsl.plan.PlanTimeline;
import io.chaosplaybooks.dsl.plan.Playbook;
import io.chaosplaybooks.dsl.plan.Scenario;
import io.chaosplaybooks.dsl.plan.Units;
import io.chaosplaybooks.runtime.events.RunEvent;
import io.chaosplaybooks.runtime.exec.AsyncListener;
import io.chaosplaybooks.runtime.exec.Clock;
import io.chaosplaybooks.runtime.exec.FaultBackend;
import io.chaosplaybooks.runtime.exec.PauseRequest;
import io.chaosplaybooks.runtime.exec.RunListener;
import io.chaosplaybooks.runtime.exec.ScenarioExecutor;
import io.chaosplaybooks.runtime.exec.TimelineSource;
import io.chaosplaybooks.runtime.journal.Journal;
import io.chaosplaybooks.runtime.load.ServerEndpoint;
import io.chaosplaybooks.runtime.metrics.MetricsServer;
import io.chaosplaybooks.runtime.metrics.ScenarioMetrics;
import io.chaosplaybooks.runtime.probe.ProbeJudge;
import io.chaosplaybooks.runtime.probe.ProbeSamples;
import io.chaosplaybooks.runtime.probe.ScenarioGuard;
import io.chaosplaybooks.runtime.probe.ScenarioProbes;
import io.chaosplaybooks.runtime.report.RunSummary;
import io.chaosplaybooks.runtime.verdict.ExpectationJudge;
import io.chaosplaybooks.runtime.verdict.LoadSecond;
import io.chaosplaybooks.runtime.verdict.Observations;
import io.chaosplaybooks.runtime.verdict.ScenarioVerdict;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
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
 *  RunEnvironment (servers, a proxy per server) ─► outputs (metrics, journal, console: listeners of the run's events)
 *  ─► load through the proxies ─► scenarios on absolute deadlines ─► verdicts ─► summary
 * </pre>
 * Whatever happens (expectation failure, exception, unreachable server, interrupt), closing the
 * environment removes every toxic and proxy the run created and stops every server it started.
 */
public final class PlaybookRunner {
    static final long START_MARGIN_NANOS = 50_000_000L;
    static final long FIRST_START_MARGIN_NANOS = 250_000_000L;

    public static String newRunId() {
        byte[] b = new byte[3];
        ThreadLocalRandom.current().nextBytes(b);
        return "chaos-" + HexFormat.of().formatHex(b);
    }

    private final StopRequest stop;
    private final PauseRequest pause;
    private final TimelineSource timelines;

    public PlaybookRunner() {
        this(new StopRequest());
    }

    /** A runner that answers {@code stop} at every start-up stage (then {@link StopRequested}) and between scenarios. */
    public PlaybookRunner(StopRequest stop) {
        this(stop, null, TimelineSource.PLAN);
    }

    /** As {@link #PlaybookRunner(StopRequest)}, its scenarios' timelines held whenever {@code pause} asks (null: never). */
    public PlaybookRunner(StopRequest stop, PauseRequest pause) {
        this(stop, pause, TimelineSource.PLAN);
    }

    /** A runner whose scenarios run on the timelines {@code timelines} gives (a replay's: a recorded run's). */
    public PlaybookRunner(StopRequest stop, TimelineSource timelines) {
        this(stop, null, timelines);
    }

    public PlaybookRunner(StopRequest stop, PauseRequest pause, TimelineSource timelines) {
        this.stop = stop;
        this.pause = pause;
        this.timelines = timelines;
    }

    /** The result of a run: its summary, and whether it was interrupted before the end. */
    public record Result(RunSummary summary, boolean interrupted) {}

    /** @throws StopRequested when a stop came before the scenarios began; what the run had started is taken down by then */
    public Result run(Playbook playbook, RunOptions o) throws RunException {
        List<Scenario> scenarios = o.selection().apply(playbook.scenarios());
        if (scenarios.isEmpty()) throw new RunException("no scenario is selected");
        Console console = new Console(o);
        List<RunSummary.ScenarioSummary> results = new ArrayList<>();
        boolean interrupted;
        String runId = o.runId();
        String backendName = o.toxiproxy() == null ? "embedded" : "toxiproxy " + o.toxiproxy();
        long runStart;
        boolean flagged = false;
        try (RunEnvironment env = RunEnvironment.open(runId, playbook, RunEnvironment.Settings.of(o.toxiproxy(), o.servers(), o.seed(), console).withRegistry(o.registry()), stop);
             Outputs out = Outputs.open(env, scenarios, o, console)) {
            runStart = env.originNanos();
            backendName = env.backend().name();
            stop.stage("metrics");
            URI prometheus = ScenarioProbes.prometheus(o.prometheus(), playbook.prometheus());
            List<String> unaskable = ScenarioProbes.withoutPrometheus(scenarios, prometheus);
            if (!unaskable.isEmpty()) throw new RunException(String.join("\n", unaskable));
            List<String> inexpressible = FaultBackend.inexpressible(env.backend(), scenarios);
            if (!inexpressible.isEmpty()) {
                throw new RunException("faults the " + env.backend().name() + " backend cannot run as written (run them on the embedded "
                    + "engine, or leave their scenarios out with --scenario or --tags):\n  " + String.join("\n  ", inexpressible));
            }
            env.watchServers(out.events);
            env.warmUp();
            out.events.on(runStart(env, playbook, scenarios, o));
            announce(playbook, env, scenarios, o, console);
            try {
                try {
                    startLoad(env, playbook, scenarios, o, out.events, console);
                } catch (StopRequested s) {
                    double now = RunEvent.ms(System.nanoTime(), runStart);
                    out.events.on(new RunEvent.RunStopped(stop.requested() ? stop.by() : "interrupt", "stopped during start-up (" + s.stage() + ")", now));
                    out.events.on(new RunEvent.RunEnd(true, now));
                    throw s;
                }
                interrupted = scenarios(env, playbook.load(), out.events, scenarios, o, results, stop, pause, timelines, prometheus);
            } finally {
                // Cleanup must finish even if the thread was interrupted: the flag is clear while closing, set again after.
                flagged = Thread.interrupted();
                // The last, partial second reaches the outputs before they close.
                env.stopLoad();
            }
            double now = RunEvent.ms(System.nanoTime(), runStart);
            if (interrupted) out.events.on(stopped(stop, now));
            out.events.on(new RunEvent.RunEnd(interrupted, now));
        } finally {
            if (flagged) Thread.currentThread().interrupt();
        }
        return new Result(new RunSummary(playbook.name(), runId, backendName,
            o.seed(), o.timeScale(), results, (System.nanoTime() - runStart) / 1e9), interrupted);
    }

    /** Console lines, unless {@code --quiet}. */
    private record Console(RunOptions o) implements java.util.function.Consumer<String> {
        @Override
        public void accept(String line) {
            if (!o.quiet()) o.console().println(line);
        }
    }

    /** Who hears the run's events: Prometheus, the console status, the journal; on their own thread, as one listener. */
    private record Outputs(AsyncListener events, Journal journal, MetricsServer metrics) implements AutoCloseable {
        static Outputs open(RunEnvironment env, List<Scenario> scenarios, RunOptions o, Console console) throws RunException {
            MetricsServer metrics = null;
            if (o.metricsPort() >= 0) {
                try {
                    metrics = MetricsServer.start(o.metricsHost(), o.metricsPort(), env.registry());
                    console.accept("Metrics on " + metrics.url());
                } catch (MetricsServer.PortInUseException e) {
                    throw new RunException(e.getMessage(), e); // it says how to choose another
                } catch (IOException e) {
                    throw new RunException(e.getMessage() + " (choose another with --metrics-port, or 0 for a free one)", e);
                }
            }
            Journal journal = null;
            if (o.journal() != null) {
                try {
                    journal = new Journal(o.journal());
                } catch (IOException e) {
                    if (metrics != null) metrics.close();
                    throw new RunException("cannot write the journal " + o.journal() + ": " + e.getMessage(), e);
                }
            }
            ScenarioMetrics scenarioMetrics = new ScenarioMetrics(env.registry(), env.serverNames());
            scenarioMetrics.scenarios(scenarios.stream().map(Scenario::name).toList());
            int total = o.iterations() == 0 ? scenarios.size() : scenarios.size() * o.iterations();
            List<RunListener> all = new ArrayList<>(List.of(scenarioMetrics, new ConsoleStatus(o.console(), o.terminal(), o.quiet(), total)));
            if (journal != null) all.add(journal);
            all.addAll(o.listeners());
            return new Outputs(new AsyncListener(RunListener.all(all)), journal, metrics);
        }

        @Override
        public void close() {
            events.close();
            if (journal != null) journal.close();
            if (metrics != null) metrics.close();
        }
    }

    private static RunEvent.RunStart runStart(RunEnvironment env, Playbook playbook, List<Scenario> scenarios, RunOptions o) {
        return new RunEvent.RunStart(RunEvent.SCHEMA, env.id(), Instant.now().toString(), playbook.name(), playbook.file(),
            planIdentity(playbook, scenarios), env.backend().name(), o.seed(), o.timeScale(), env.serverNames(),
            env.servers().servers().stream().map(ServerEndpoint::address).toList(), env.proxies().stream().map(ServerEndpoint::address).toList(),
            env.servers().kind().toString(), scenarios.stream().map(Scenario::name).toList()).withLoad(playbook.load().written());
    }

    /** What ran: the playbook file's text (its name when it has no file) and the scenarios selected, hashed. */
    public static String planIdentity(Playbook playbook, List<Scenario> scenarios) {
        String text = playbook.name();
        try {
            if (playbook.file() != null && Files.isRegularFile(Path.of(playbook.file()))) text = Files.readString(Path.of(playbook.file()));
        } catch (IOException | RuntimeException unreadable) {
            // the name stands for it
        }
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(text.getBytes(StandardCharsets.UTF_8));
            for (Scenario s : scenarios) sha.update(("\n" + s.name()).getBytes(StandardCharsets.UTF_8));
            return "sha256:" + HexFormat.of().formatHex(sha.digest(), 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void announce(Playbook playbook, RunEnvironment env, List<Scenario> scenarios, RunOptions o, Console console) {
        Duration planned = PlanTimeline.of(scenarios).total();
        console.accept(String.format(Locale.ROOT, "Running %s: %d scenario%s, planned %s%s, %s faults, %s servers (%s)", playbook.name(),
            scenarios.size(), scenarios.size() == 1 ? "" : "s", Units.format(Duration.ofNanos(Math.round(planned.toNanos() * o.timeScale()))),
            o.timeScale() == 1.0 ? "" : " (time scale " + o.timeScale() + ")", env.backend().name(), env.proxies().size(),
            env.servers().kind().toString().toLowerCase(Locale.ROOT).replace('_', ' ')));
    }

    /** The built-in load through the proxies, unless the playbook runs none (load none): then faults only. */
    private static void startLoad(RunEnvironment env, Playbook playbook, List<Scenario> scenarios, RunOptions o, RunListener events,
                                  Console console) throws RunException {
        if (!playbook.builtInLoad()) {
            console.accept("No built-in load (" + (playbook.loadPos() == null ? "every server faces your application" : "load none")
                + "): faults only; your application connects to " + String.join(", ", env.proxies().stream()
                .map(p -> p.name() + "=" + p.address()).toList()));
            return;
        }
        env.startLoad(loadProfile(playbook, scenarios, o), events);
    }

    /** The playbook's load, bounded by the planned time plus a margin unless looping. */
    private static io.chaosplaybooks.dsl.plan.LoadProfile loadProfile(Playbook playbook, List<Scenario> scenarios, RunOptions o) {
        return loadProfile(playbook.load(), scenarios, o);
    }

    private static io.chaosplaybooks.dsl.plan.LoadProfile loadProfile(io.chaosplaybooks.dsl.plan.LoadProfile load, List<Scenario> scenarios,
                                                                      RunOptions o) {
        var profile = load.timeScaled(o.timeScale());
        if (o.iterations() == 0) return profile;
        long nanos = Math.round(PlanTimeline.of(scenarios).total().toNanos() * o.timeScale()) * o.iterations();
        return profile.toBuilder().duration(Duration.ofNanos(nanos).plusSeconds(120)).build();
    }

    /** Who stopped the run: a signal, another shell ({@code chaos stop}), an API; a bare interrupt when nobody said. */
    private static RunEvent.RunStopped stopped(StopRequest stop, double now) {
        String by = stop.requested() ? stop.by() : "interrupt";
        String reason = by.startsWith("SIG") || by.equals("interrupt") ? "Ctrl-C or SIGTERM: the scenario under way was cut short"
            : "stopped by " + by + ": the scenario under way was cut short";
        return new RunEvent.RunStopped(by, reason, now);
    }

    /** The scenarios, in order, each on its own deadlines, as many times as asked; true when interrupted. */
    private static boolean scenarios(RunEnvironment env, io.chaosplaybooks.dsl.plan.LoadProfile load, RunListener events, List<Scenario> scenarios,
                                     RunOptions o, List<RunSummary.ScenarioSummary> results, StopRequest stop, PauseRequest pause,
                                     TimelineSource timelines, URI prometheus) {
        ScenarioExecutor executor = new ScenarioExecutor(Clock.SYSTEM, env.backend(), env.resolver(), events, env.originNanos());
        if (pause != null) executor = executor.pausable(pause);
        executor = executor.loadChanges(changedLoad(env, scenarios, o, events));
        ProbeSamples samples = new ProbeSamples();
        ExpectationJudge judge = new ExpectationJudge(env.observations(), env.resolver(), load, o.timeScale(),
            env.serverNames().size()).withProbes(new ProbeJudge(samples, env.originNanos()));
        for (int iteration = 1; o.iterations() == 0 || iteration <= o.iterations(); iteration++) {
            for (Scenario s : scenarios) {
                // A little ahead, so the scenario's first deadline is not already behind when its plan is
                // built; more for the run's first, whose code has not run yet (loaded, interpreted).
                long start = System.nanoTime() + (results.isEmpty() ? FIRST_START_MARGIN_NANOS : START_MARGIN_NANOS);
                ScenarioExecutor.Outcome outcome;
                try (ScenarioProbes probes = ScenarioProbes.start(s, prometheus, samples, events, env.originNanos())) {
                    outcome = executor.run(s, timelines.timeline(s, o.timeScale()), start, ScenarioGuard.of(s, judge, env.observations(), samples));
                    // Let the last second's window (and the probes' last answers) arrive before judging.
                    if (!outcome.interrupted()) sleepQuietly(1100);
                }
                ScenarioVerdict v = withLostServers(judge.judge(s, outcome), env, outcome);
                Map<String, Object> figures = figures(env.observations(), outcome);
                for (ScenarioVerdict.Result r : v.results()) {
                    events.on(new RunEvent.ExpectationResult(s.name(), iteration, r.expectation(), r.ok(), r.expected(),
                        r.judged() ? r.measured() : null, r.position(), r.judged() ? null : r.measured()));
                }
                events.on(new RunEvent.Verdict(s.name(), iteration, v.status().label(), v.errors(), figures));
                results.add(new RunSummary.ScenarioSummary(v, (System.nanoTime() - start) / 1e9, figures));
                if (outcome.interrupted() || Thread.currentThread().isInterrupted() || stop.requested()) return true;
                if (failFast(o, s, v, events, env)) return false;
            }
        }
        return false;
    }

    /**
     * A load change on a timeline (a replayed REPL session's) restarts the run's load engine with the new profile, scaled and
     * bounded as the run's first; a run without built-in load ({@code load none}) has no engine to change.
     */
    private static ScenarioExecutor.LoadSwitch changedLoad(RunEnvironment env, List<Scenario> scenarios, RunOptions o, RunListener events) {
        return load -> {
            if (env.load() == null) return;
            try {
                env.changeLoad(loadProfile(load, scenarios, o), events);
            } catch (StopRequested s) {
                Thread.currentThread().interrupt(); // the executor stops the scenario as for any interrupt
            }
        };
    }

    /** With --fail-fast, a scenario that did not pass (failed, error, aborted) ends the run: said as a run-stopped event. */
    private static boolean failFast(RunOptions o, Scenario s, ScenarioVerdict v, RunListener events, RunEnvironment env) {
        if (!o.failFast() || v.status() == ScenarioVerdict.Status.PASS || v.status() == ScenarioVerdict.Status.NOT_JUDGED) return false;
        events.on(new RunEvent.RunStopped("--fail-fast", "scenario '" + s.name() + "' ended " + v.status().shout()
            + ": the rest of the run is skipped", RunEvent.ms(System.nanoTime(), env.originNanos())));
        return true;
    }

    /** A server lost while the scenario ran (or before it, and still gone) makes its verdict an error that names it. */
    private static ScenarioVerdict withLostServers(ScenarioVerdict v, RunEnvironment env, ScenarioExecutor.Outcome outcome) {
        double end = RunEvent.ms(outcome.endNanos(), env.originNanos());
        List<String> gone = env.lost().stream().filter(l -> l.actualMs() <= end)
            .map(l -> String.format(Locale.ROOT, "server %s at %s went away at %.1f s into the run (%s)", l.server(), l.address(), l.actualMs() / 1000, l.reason()))
            .toList();
        if (gone.isEmpty()) return v;
        List<String> errors = new ArrayList<>(gone);
        errors.addAll(v.errors());
        return new ScenarioVerdict(v.scenario(), ScenarioVerdict.Status.ERROR, v.results(), errors, v.scaleToJudge());
    }

    private static Map<String, Object> figures(Observations seen, ScenarioExecutor.Outcome o) {
        long from = o.startNanos(), to = o.endNanos();
        var seconds = seen.seconds(from, to);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("operations", seconds.stream().mapToLong(LoadSecond::operations).sum());
        m.put("errors", seconds.stream().mapToLong(LoadSecond::errors).sum());
        // The same arithmetic the verdict uses, so the summary and the expectations agree.
        m.put("errorRate", ExpectationJudge.value(Expectation.Metric.ERROR_RATE, seconds));
        m.put("opsPerSecond", Math.round(ExpectationJudge.value(Expectation.Metric.THROUGHPUT, seconds)));
        m.put("p99Ms", ExpectationJudge.value(Expectation.Metric.P99, seconds));
        m.put("breakerOpenings", seen.breakerEvents(from, to).stream().filter(e -> e.to().equals("OPEN")).count());
        return m;
    }

    static void sleepQuietly(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
