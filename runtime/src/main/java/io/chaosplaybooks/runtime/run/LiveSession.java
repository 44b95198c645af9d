package io.chaosplaybooks.runtime.run;

import io.chaosplaybooks.dsl.plan.Expectation;
import io.chaosplaybooks.dsl.plan.Fault;
import io.chaosplaybooks.dsl.plan.LoadProfile;
import io.chaosplaybooks.dsl.plan.Playbook;
import io.chaosplaybooks.dsl.plan.Scenario;
import io.chaosplaybooks.dsl.plan.ServerSpec;
import io.chaosplaybooks.dsl.plan.Step;
import io.chaosplaybooks.dsl.plan.Target;
import io.chaosplaybooks.runtime.events.RunEvent;
import io.chaosplaybooks.runtime.exec.ActionPlan;
import io.chaosplaybooks.runtime.exec.Clock;
import io.chaosplaybooks.runtime.exec.FaultBackend;
import io.chaosplaybooks.runtime.exec.RunListener;
import io.chaosplaybooks.runtime.exec.ScenarioExecutor;
import io.chaosplaybooks.runtime.exec.TargetResolver;
import io.chaosplaybooks.runtime.load.BreakerState;
import io.chaosplaybooks.runtime.load.LoadEngine;
import io.chaosplaybooks.runtime.load.LoadWindow;
import io.chaosplaybooks.runtime.load.ServerEndpoint;
import io.chaosplaybooks.runtime.verdict.ExpectationJudge;
import io.chaosplaybooks.runtime.verdict.ScenarioVerdict;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
            return new Config(servers, seed, true, RunEnvironment.Settings.of(toxiproxy, servers, seed, console).backends(), console);
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
    private final Object lock = new Object();
    private final Map<Integer, Live> active = new LinkedHashMap<>();
    private final List<Recorded> recorded = new ArrayList<>();
    private int nextId = 1;
    private LoadProfile load;
    /**
     * Whether the session has the built-in load (it runs when the session has started and its config starts load):
     * not for {@code load none} (the user's own system), until a load block asks for it.
     */
    private boolean loadOn;
    private RunEnvironment env;
    private ScheduledExecutorService timer;
    private boolean closed;

    private record Live(ActiveFault fault, List<FaultBackend.Handle> handles, ScheduledFuture<?> expiry) {}

    /** The scenario name a session's journal records its faults under: the whole session is one scenario. */
    public static final String RECORDED_SCENARIO = "repl-session";

    /** Hears the session's events when it is recorded ({@code chaos repl --journal}); null when not. */
    private RunListener recording;

    public LiveSession(Playbook playbook, Config config) {
        this.playbook = playbook;
        this.config = config;
        this.names = playbook.servers().stream().map(ServerSpec::name).toList();
        this.load = playbook.load();
        this.loadOn = playbook.builtInLoad();
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
            return env != null;
        }
    }

    /** The fault backend, once started (tests look at the engine behind it). */
    public FaultBackend backend() {
        synchronized (lock) {
            return env == null ? null : env.backend();
        }
    }

    /** Starts servers, proxies and load unless they run already. */
    public void start() throws RunException {
        synchronized (lock) {
            if (closed) throw new RunException("the session is closed");
            if (env != null) return;
            RunEnvironment e = RunEnvironment.open(id, playbook,
                new RunEnvironment.Settings(config.serverAddresses(), config.seed(), config.backends(), config.console()));
            try {
                if (recording != null) recordStart(e);
                if (loadOn && config.startLoad()) startLoad(e, load, recording);
            } catch (RunException | RuntimeException failed) {
                e.close();
                throw failed;
            }
            timer = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().daemon().name("chaos-repl-timer").unstarted(r));
            env = e;
        }
    }

    /** Starts the load, pre-filled; a change later does not pre-fill again ({@link RunEnvironment#changeLoad}). */
    private static void startLoad(RunEnvironment e, LoadProfile p, RunListener recording) throws RunException {
        e.startLoad(p.toBuilder().prefill(true).build(), recording == null ? event -> { } : recording);
    }

    /**
     * Records the session as a run's journal: a run-start when the servers start, then the faults applied and
     * removed by hand, load changes and the load's seconds, all in one scenario ({@value #RECORDED_SCENARIO}),
     * ended at {@link #close()}. {@code chaos replay} plays such a journal back. Call before the session starts.
     */
    public void record(RunListener journal) {
        synchronized (lock) {
            if (env != null) throw new IllegalStateException("the session has started: record it before");
            recording = journal;
        }
    }

    private double now() {
        return RunEvent.ms(System.nanoTime(), env != null ? env.originNanos() : System.nanoTime());
    }

    private void recordStart(RunEnvironment e) {
        recording.on(new RunEvent.RunStart(RunEvent.SCHEMA, id, Instant.now().toString(), playbook.name(), playbook.file(), null,
            e.backend().name(), config.seed(), 1.0, e.serverNames(), e.servers().servers().stream().map(ServerEndpoint::address).toList(),
            e.proxies().stream().map(ServerEndpoint::address).toList(), e.servers().kind().toString(), List.of(RECORDED_SCENARIO))
            .withLoad(load.written()));
        double at = RunEvent.ms(System.nanoTime(), e.originNanos());
        recording.on(new RunEvent.ScenarioStart(RECORDED_SCENARIO, at, at));
    }

    private void recordRemoved(FaultBackend.Handle h, String why) {
        if (recording == null || env == null) return;
        double at = now();
        recording.on(RunEvent.FaultRemoved.of(RECORDED_SCENARIO, h.server(), h.fault(), why, at, at));
    }

    /**
     * Changes the load: the running engine stops and one with the new profile starts. A session without
     * load ({@code load none}) starts it now, pre-filled: a load block typed asks for load.
     */
    public void setLoad(LoadProfile p) throws RunException {
        synchronized (lock) {
            load = p;
            boolean wasOn = loadOn;
            loadOn = true;
            if (env == null) return; // used at start
            if (recording != null) recording.on(new RunEvent.LoadChanged(p.written(), now()));
            if (!config.startLoad()) env.stopLoad();
            else if (wasOn) env.changeLoad(p, recording == null ? event -> { } : recording);
            else startLoad(env, p, recording);
        }
    }

    /** {@code load none}: the built-in load stops (or does not start); faults only. */
    public void stopLoad() {
        synchronized (lock) {
            loadOn = false;
            if (env != null) env.stopLoad();
        }
    }

    /** Whether the session has the built-in load (false after {@code load none}). */
    public boolean loadOn() {
        synchronized (lock) {
            return loadOn;
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
            List<String> servers = env.resolver().resolve(target);
            List<FaultBackend.Handle> handles = new ArrayList<>();
            try {
                for (String server : servers) {
                    for (Fault f : faults) handles.add(env.backend().apply(server, f));
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
            if (recording != null) {
                double at = now();
                for (FaultBackend.Handle h : handles) recording.on(RunEvent.FaultApplied.of(RECORDED_SCENARIO, h.server(), h.fault(), at, at));
            }
            return a;
        }
    }

    private void expire(int faultId) {
        synchronized (lock) {
            Live l = active.remove(faultId);
            if (l == null) return;
            for (FaultBackend.Handle h : l.handles()) if (removeQuietly(h)) recordRemoved(h, "inject ended");
            config.console().accept("ended: " + l.fault().statement());
        }
    }

    /** Removes the faults on a target's servers, or (target null) all of them. Returns how many faults were removed. */
    public int heal(Target target, String statement) {
        synchronized (lock) {
            if (statement != null && env != null) recorded.add(new Recorded(Instant.now(), statement, null));
            Set<String> servers = target == null ? null : new HashSet<>(resolver().resolve(target));
            int removed = 0;
            for (var it = active.values().iterator(); it.hasNext(); ) {
                Live l = it.next();
                List<FaultBackend.Handle> keep = new ArrayList<>();
                for (FaultBackend.Handle h : l.handles()) {
                    if (servers == null || servers.contains(h.server())) {
                        if (removeQuietly(h)) recordRemoved(h, statement == null ? (closed ? "session end" : "reset") : statement);
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

    private boolean removeQuietly(FaultBackend.Handle h) {
        try {
            env.backend().remove(h);
            return true;
        } catch (FaultBackend.FaultException | RuntimeException e) {
            config.console().accept("cannot remove " + h.fault().describe() + " from " + h.server() + ": " + e.getMessage());
            return false;
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
        RunEnvironment e;
        synchronized (lock) {
            e = env;
        }
        if (healFirst) heal(null, null);
        // The listener's times count from the scenario's start.
        long now = System.nanoTime();
        ScenarioExecutor executor = new ScenarioExecutor(Clock.SYSTEM, e.backend(), e.resolver(), listener, now);
        ScenarioExecutor.Outcome outcome = executor.run(scenario, now, 1.0);
        if (!outcome.interrupted()) PlaybookRunner.sleepQuietly(1100); // the last second's window arrives before judging
        return new ExpectationJudge(e.observations(), e.resolver()).judge(scenario, outcome);
    }

    /** Judges one expectation now, over the last {@code window} of load. */
    public ScenarioVerdict.Result expect(Expectation e, Duration window) throws RunException {
        start();
        Scenario s = new Scenario("expect", null, List.of(), List.of(new Step.Wait(window, e.pos())), List.of(e), e.pos());
        ActionPlan plan = ActionPlan.of(s, 1.0);
        long from = System.nanoTime() - plan.lengthNanos();
        var outcome = new ScenarioExecutor.Outcome(plan, from, List.of(), false);
        return new ExpectationJudge(env.observations(), env.resolver()).judge(s, outcome).results().get(0);
    }

    /** Resolves targets by the playbook's names and the session's seed, started or not. */
    private TargetResolver resolver() {
        return env != null ? env.resolver() : new TargetResolver(names, config.seed());
    }

    public Status status() {
        synchronized (lock) {
            List<ServerLine> servers = new ArrayList<>();
            for (int i = 0; i < names.size(); i++) {
                servers.add(new ServerLine(names.get(i), env == null ? null : env.servers().servers().get(i).address(),
                    env == null ? null : env.proxies().get(i).address()));
            }
            LoadEngine engine = env == null ? null : env.load();
            List<LoadWindow> recent = engine == null ? List.of() : engine.recentWindows();
            return new Status(env != null, env == null ? null : env.backend().name(), env == null ? null : env.servers().kind().toString(),
                servers, activeFaults(), recent.isEmpty() ? null : recent.get(recent.size() - 1),
                engine == null ? Map.of() : engine.breakerStates(), load.clients(), load.ratePerSecond());
        }
    }

    /** The load engine's last windows, oldest first (empty before the start). */
    public List<LoadWindow> recentWindows() {
        synchronized (lock) {
            LoadEngine engine = env == null ? null : env.load();
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
        synchronized (lock) {
            closed = true;
            if (timer != null) timer.shutdownNow();
            timer = null;
            // The faults the session knows of first, with their expiry timers; the environment removes the rest.
            if (env != null) heal(null, null);
            active.clear();
            if (env != null && recording != null) {
                env.stopLoad(); // its last seconds are in the journal before the end
                double at = now();
                recording.on(new RunEvent.ScenarioEnd(RECORDED_SCENARIO, at, at));
                recording.on(new RunEvent.RunEnd(false, at));
            }
            if (env != null) env.close();
            env = null;
        }
    }
}
