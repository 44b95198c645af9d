package io.chaosplaybooks.runtime.run;

import io.chaosplaybooks.dsl.plan.Expectation;
import io.chaosplaybooks.dsl.plan.Fault;
import io.chaosplaybooks.dsl.plan.LoadProfile;
import io.chaosplaybooks.dsl.plan.Playbook;
import io.chaosplaybooks.dsl.plan.Scenario;
import io.chaosplaybooks.dsl.plan.ServerSpec;
import io.chaosplaybooks.dsl.plan.Step;
import io.chaosplaybooks.dsl.plan.Target;
import io.chaosplaybooks.runtime.exec.ActionPlan;
import io.chaosplaybooks.runtime.exec.Clock;
import io.chaosplaybooks.runtime.exec.FaultBackend;
import io.chaosplaybooks.runtime.exec.RunListener;
import io.chaosplaybooks.runtime.exec.ScenarioExecutor;
import io.chaosplaybooks.runtime.exec.TargetResolver;
import io.chaosplaybooks.runtime.faults.EmbeddedBackend;
import io.chaosplaybooks.runtime.faults.ToxiproxyBackend;
import io.chaosplaybooks.runtime.load.BreakerState;
import io.chaosplaybooks.runtime.load.LoadEngine;
import io.chaosplaybooks.runtime.load.LoadWindow;
import io.chaosplaybooks.runtime.load.ServerEndpoint;
import io.chaosplaybooks.runtime.targets.ProvisionedTargets;
import io.chaosplaybooks.runtime.targets.TargetKind;
import io.chaosplaybooks.runtime.targets.Targets;
import io.chaosplaybooks.runtime.verdict.ExpectationJudge;
import io.chaosplaybooks.runtime.verdict.RecordedObservations;
import io.chaosplaybooks.runtime.verdict.ScenarioVerdict;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The live side of {@code chaos repl}: servers, a proxy per server, load through the proxies, and
 * faults put on and taken off by hand.
 * <pre>
 *  first statement that needs them ─► servers (given, local memcached, stand-ins) ─► proxies ─► load
 *  inject ─► backend.apply per server ─► active faults (a timed one is removed by the session's timer)
 *  heal / :reset / close ─► backend.remove ─► nothing left
 * </pre>
 * Every fault applied is remembered until it is removed; {@link #close()} removes what is left,
 * stops the load, deletes the proxies and stops the servers it started. Thread-safe: the timer and
 * the REPL's thread both change the active faults.
 */
public final class LiveSession implements AutoCloseable {
    /** How the session is set up; {@code backends} makes the fault backend from the session's id. */
    public record Config(List<String> serverAddresses, long seed, boolean startLoad,
                         Function<String, FaultBackend> backends, Consumer<String> console) {
        public Config {
            serverAddresses = List.copyOf(serverAddresses);
        }

        /** The embedded engine, or a real Toxiproxy at {@code toxiproxy} when not null. */
        public static Config of(URI toxiproxy, List<String> servers, long seed, Consumer<String> console) {
            Function<String, FaultBackend> backends = toxiproxy == null
                ? id -> new EmbeddedBackend(id, console)
                : id -> new ToxiproxyBackend(toxiproxy, id, console);
            return new Config(servers, seed, true, backends, console);
        }
    }

    /** A fault the session has on: where, since when, until when (null: until heal). */
    public record ActiveFault(int id, String statement, List<Fault> faults, List<String> servers,
                              Instant since, Instant until) {
        /** Time left of a timed fault (zero when due), or null when it lasts until heal. */
        public Duration left(Instant now) {
            if (until == null) return null;
            Duration d = Duration.between(now, until);
            return d.isNegative() ? Duration.ZERO : d;
        }
    }

    /** One server as the session runs it: its name, where it is, and the proxy the load goes through. */
    public record ServerLine(String name, String address, String proxy) {}

    /** A statement that changed the faults, with when it was made and how long it lasts (null: until heal), for {@code :save}. */
    public record Recorded(Instant at, String statement, Duration lasts) {}

    /** What {@code status} shows. */
    public record Status(boolean started, String backend, String targets, List<ServerLine> servers, List<ActiveFault> faults,
                         LoadWindow lastSecond, Map<String, BreakerState> breakers, int clients, Double rate) {}

    private final Playbook playbook;
    private final Config config;
    private final String id = PlaybookRunner.newRunId();
    private final List<String> names;
    private final TargetResolver resolver;
    private final Object lock = new Object();
    private final Map<Integer, Live> active = new LinkedHashMap<>();
    private final List<Recorded> recorded = new ArrayList<>();
    private final RecordedObservations seen = new RecordedObservations();
    private final long startNanos = System.nanoTime();
    private final Instant wallStart = Instant.now();
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private int nextId = 1;
    private LoadProfile load;
    private ProvisionedTargets targets;
    private FaultBackend backend;
    private List<ServerEndpoint> proxied = List.of();
    private LoadEngine engine;
    private ScheduledExecutorService timer;
    private boolean closed;

    private record Live(ActiveFault fault, List<FaultBackend.Handle> handles, ScheduledFuture<?> expiry) {}

    public LiveSession(Playbook playbook, Config config) {
        this.playbook = playbook;
        this.config = config;
        this.names = playbook.servers().stream().map(ServerSpec::name).toList();
        this.resolver = new TargetResolver(names, config.seed());
        this.load = playbook.load();
    }

    public String id() {
        return id;
    }

    public Playbook playbook() {
        return playbook;
    }

    public List<String> serverNames() {
        return names;
    }

    public boolean started() {
        synchronized (lock) {
            return backend != null;
        }
    }

    /** The fault backend, once started (tests look at the engine behind it). */
    public FaultBackend backend() {
        synchronized (lock) {
            return backend;
        }
    }

    /** Starts servers, proxies and load unless they run already. */
    public void start() throws RunException {
        synchronized (lock) {
            if (closed) throw new RunException("the session is closed");
            if (backend != null) return;
            boolean ok = false;
            try {
                targets = provision();
                backend = config.backends().apply(id);
                List<ServerEndpoint> through = new ArrayList<>();
                for (ServerEndpoint s : targets.servers()) {
                    try {
                        through.add(ServerEndpoint.parse(s.name(), backend.addProxy(s.name(), s.address())));
                    } catch (FaultBackend.FaultException e) {
                        throw new RunException(e.getMessage(), e);
                    }
                }
                proxied = List.copyOf(through);
                timer = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().daemon().name("chaos-repl-timer").unstarted(r));
                if (config.startLoad()) startLoad(load, true);
                ok = true;
            } finally {
                if (!ok) stopEverything();
            }
        }
    }

    private ProvisionedTargets provision() throws RunException {
        List<ServerEndpoint> explicit = new ArrayList<>();
        List<String> given = config.serverAddresses();
        if (!given.isEmpty()) {
            if (given.size() != names.size()) {
                throw new RunException("--servers gives " + given.size() + " addresses but the session has "
                    + names.size() + " servers (" + String.join(", ", names) + ")");
            }
            for (int i = 0; i < names.size(); i++) explicit.add(ServerEndpoint.parse(names.get(i), given.get(i)));
        } else {
            for (ServerSpec s : playbook.servers()) if (s.address() != null) explicit.add(ServerEndpoint.parse(s.name(), s.address()));
            if (!explicit.isEmpty() && explicit.size() != names.size()) {
                throw new RunException("either every named server has an address or none does");
            }
        }
        try {
            ProvisionedTargets t = Targets.provision(names.size(), explicit, config.console());
            List<ServerEndpoint> renamed = new ArrayList<>();
            for (int i = 0; i < t.servers().size(); i++) {
                ServerEndpoint s = t.servers().get(i);
                renamed.add(new ServerEndpoint(names.get(i), s.host(), s.port()));
            }
            return new ProvisionedTargets() {
                public List<ServerEndpoint> servers() { return renamed; }
                public TargetKind kind() { return t.kind(); }
                public void close() { t.close(); }
            };
        } catch (IOException | RuntimeException e) {
            throw new RunException("cannot provide the servers: " + e.getMessage(), e);
        }
    }

    /** Starts the load; a restart does not pre-fill again (the keys are there, and faults may be on). */
    private void startLoad(LoadProfile p, boolean prefill) throws RunException {
        LoadEngine e = new LoadEngine(proxied, p.toBuilder().prefill(prefill).build(), registry);
        e.addWindowListener(w -> seen.add(PlaybookRunner.toSecond(w, startNanos, wallStart)));
        e.addBreakerListener(t -> seen.add(PlaybookRunner.toEvent(t, startNanos, wallStart)));
        CountDownLatch first = new CountDownLatch(1);
        e.addWindowListener(w -> first.countDown());
        try {
            e.start();
        } catch (IOException ex) {
            e.close();
            throw new RunException("the load engine cannot reach the servers through the proxies: " + ex.getMessage(), ex);
        }
        engine = e;
        // Statements after the start find the load steady and at least one second measured.
        try {
            first.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }

    /** Changes the load: the running engine stops and one with the new profile starts. */
    public void setLoad(LoadProfile p) throws RunException {
        synchronized (lock) {
            load = p;
            if (backend == null) return; // used at start
            if (engine != null) {
                engine.close();
                engine = null;
            }
            if (config.startLoad()) startLoad(p, false);
        }
    }

    public LoadProfile load() {
        synchronized (lock) {
            return load;
        }
    }

    /**
     * Puts faults on a target: until {@link #heal} when {@code duration} is null, else removed by
     * the session's timer after it. Returns at once. If one server refuses, what was applied is removed.
     */
    public ActiveFault inject(List<Fault> faults, Target target, Duration duration, String statement) throws RunException {
        start();
        synchronized (lock) {
            List<String> servers = resolver.resolve(target);
            List<FaultBackend.Handle> handles = new ArrayList<>();
            try {
                for (String server : servers) {
                    for (Fault f : faults) handles.add(backend.apply(server, f));
                }
            } catch (FaultBackend.FaultException | RuntimeException e) {
                for (FaultBackend.Handle h : handles) removeQuietly(h);
                throw new RunException(e.getMessage(), e);
            }
            Instant now = Instant.now();
            int faultId = nextId++;
            ActiveFault a = new ActiveFault(faultId, statement, faults, servers, now, duration == null ? null : now.plus(duration));
            ScheduledFuture<?> expiry = duration == null ? null
                : timer.schedule(() -> expire(faultId), duration.toNanos(), TimeUnit.NANOSECONDS);
            active.put(faultId, new Live(a, handles, expiry));
            recorded.add(new Recorded(now, statement, duration));
            return a;
        }
    }

    private void expire(int faultId) {
        synchronized (lock) {
            Live l = active.remove(faultId);
            if (l == null) return;
            for (FaultBackend.Handle h : l.handles()) removeQuietly(h);
            config.console().accept("ended: " + l.fault().statement());
        }
    }

    /** Removes the faults on a target's servers, or (target null) all of them. Returns how many faults were removed. */
    public int heal(Target target, String statement) {
        synchronized (lock) {
            if (statement != null && backend != null) recorded.add(new Recorded(Instant.now(), statement, null));
            Set<String> servers = target == null ? null : new HashSet<>(resolver.resolve(target));
            int removed = 0;
            for (var it = active.values().iterator(); it.hasNext(); ) {
                Live l = it.next();
                List<FaultBackend.Handle> keep = new ArrayList<>();
                for (FaultBackend.Handle h : l.handles()) {
                    if (servers == null || servers.contains(h.server())) {
                        removeQuietly(h);
                        removed++;
                    } else {
                        keep.add(h);
                    }
                }
                if (keep.isEmpty()) {
                    if (l.expiry() != null) l.expiry().cancel(false);
                    it.remove();
                } else if (keep.size() != l.handles().size()) {
                    l.handles().retainAll(keep);
                }
            }
            return removed;
        }
    }

    private void removeQuietly(FaultBackend.Handle h) {
        try {
            backend.remove(h);
        } catch (FaultBackend.FaultException | RuntimeException e) {
            config.console().accept("cannot remove " + h.fault().describe() + " from " + h.server() + ": " + e.getMessage());
        }
    }

    public List<ActiveFault> activeFaults() {
        synchronized (lock) {
            return active.values().stream().map(Live::fault).toList();
        }
    }

    /** The fault statements made so far, in order, with their times. */
    public List<Recorded> recorded() {
        synchronized (lock) {
            return List.copyOf(recorded);
        }
    }

    /**
     * Runs a scenario on the live servers and load (with the session's faults healed first when asked); the
     * executor removes its own faults however it ends (an interrupt of this thread stops it).
     */
    public ScenarioVerdict run(Scenario scenario, RunListener listener, boolean healFirst) throws RunException {
        start();
        FaultBackend b;
        synchronized (lock) {
            b = backend;
        }
        if (healFirst) heal(null, null);
        ScenarioExecutor executor = new ScenarioExecutor(Clock.SYSTEM, b, resolver, listener);
        ScenarioExecutor.Outcome outcome = executor.run(scenario, System.nanoTime(), 1.0);
        if (!outcome.interrupted()) {
            try {
                Thread.sleep(1100); // the last second's window arrives before judging
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return new ExpectationJudge(seen, resolver).judge(scenario, outcome);
    }

    /** Judges one expectation now, over the last {@code window} of load. */
    public ScenarioVerdict.Result expect(Expectation e, Duration window) throws RunException {
        start();
        Scenario s = new Scenario("expect", null, List.of(), List.of(new Step.Wait(window, e.pos())), List.of(e), e.pos());
        ActionPlan plan = ActionPlan.of(s, 1.0);
        long from = System.nanoTime() - plan.lengthNanos();
        var outcome = new ScenarioExecutor.Outcome(plan, from, List.of(), false);
        return new ExpectationJudge(seen, resolver).judge(s, outcome).results().get(0);
    }

    public Status status() {
        synchronized (lock) {
            List<ServerLine> servers = new ArrayList<>();
            if (targets != null) {
                for (int i = 0; i < targets.servers().size(); i++) {
                    servers.add(new ServerLine(names.get(i), targets.servers().get(i).address(), proxied.get(i).address()));
                }
            } else {
                for (String n : names) servers.add(new ServerLine(n, null, null));
            }
            LoadWindow last = null;
            Map<String, BreakerState> breakers = Map.of();
            if (engine != null) {
                List<LoadWindow> recent = engine.recentWindows();
                last = recent.isEmpty() ? null : recent.get(recent.size() - 1);
                breakers = engine.breakerStates();
            }
            return new Status(backend != null, backend == null ? null : backend.name(),
                targets == null ? null : targets.kind().toString(), servers, activeFaults(), last, breakers,
                load.clients(), load.ratePerSecond());
        }
    }

    /** The load engine's last windows, oldest first (empty before the start). */
    public List<LoadWindow> recentWindows() {
        synchronized (lock) {
            return engine == null ? List.of() : engine.recentWindows();
        }
    }

    /** Removes every fault and forgets the recorded statements; servers, proxies and load keep running. */
    public void reset() {
        synchronized (lock) {
            heal(null, null);
            recorded.clear();
        }
    }

    /** Removes every fault, stops the load, deletes the proxies, stops the servers. Idempotent. */
    @Override
    public void close() {
        // Cleanup must finish even if the thread was interrupted.
        boolean interrupted = Thread.interrupted();
        synchronized (lock) {
            closed = true;
            stopEverything();
        }
        if (interrupted) Thread.currentThread().interrupt();
    }

    private void stopEverything() {
        if (timer != null) timer.shutdownNow();
        timer = null;
        if (backend != null) heal(null, null);
        active.clear();
        if (engine != null) {
            try {
                engine.close();
            } catch (RuntimeException e) {
                config.console().accept("cleanup: " + e);
            }
        }
        engine = null;
        if (backend != null) {
            try {
                backend.removeAll();
                backend.close();
            } catch (RuntimeException e) {
                config.console().accept("cleanup: " + e);
            }
        }
        backend = null;
        if (targets != null) {
            try {
                targets.close();
            } catch (Exception e) {
                config.console().accept("cleanup: " + e);
            }
        }
        targets = null;
        proxied = List.of();
    }
}
