package io.chaosplaybooks.runtime.run;

import io.chaosplaybooks.dsl.plan.Direction;
import io.chaosplaybooks.dsl.plan.Fault;
import io.chaosplaybooks.dsl.plan.FaultType;
import io.chaosplaybooks.dsl.plan.Playbook;
import io.chaosplaybooks.dsl.plan.ServerSpec;
import io.chaosplaybooks.dsl.plan.SourcePos;
import io.chaosplaybooks.runtime.events.RunEvent;
import io.chaosplaybooks.runtime.exec.FaultBackend;
import io.chaosplaybooks.runtime.exec.RunListener;
import io.chaosplaybooks.runtime.exec.TargetResolver;
import io.chaosplaybooks.runtime.faults.EmbeddedBackend;
import io.chaosplaybooks.runtime.faults.ServerRoutedBackend;
import io.chaosplaybooks.runtime.faults.ToxiproxyBackend;
import io.chaosplaybooks.runtime.load.LoadEngine;
import io.chaosplaybooks.dsl.plan.LoadProfile;
import io.chaosplaybooks.runtime.load.ServerEndpoint;
import io.chaosplaybooks.runtime.targets.ProvisionedTargets;
import io.chaosplaybooks.runtime.targets.TargetKind;
import io.chaosplaybooks.runtime.targets.Targets;
import io.chaosplaybooks.runtime.verdict.RecordedObservations;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.io.IOException;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * What a run needs, built from a playbook and settings, and the one place that takes it down:
 * <pre>
 *  open:  servers (given, local memcached, stand-ins; named as the playbook names them) ─► a proxy per server ─► (load, when asked)
 *  close: every fault removed ─► load stopped ─► every proxy deleted ─► every server it started stopped
 * </pre>
 * Each step of {@link #close()} is tried even when an earlier one failed; failures are said on the
 * console and kept ({@link #cleanupFailures()}), never thrown; the steps have {@link #CLEANUP_DEADLINE}
 * together, after which close returns saying what is left. Times of the events it emits count from {@link #originNanos()}.
 *
 * <p>Start-up answers a {@link StopRequest} at every stage, whatever the libraries under it do with
 * interrupts: the load engine's connect, which swallows interrupts, runs on a thread of its own that
 * the run abandons when asked to stop (the engine is closed when the connect ends).
 */
public final class RunEnvironment implements AutoCloseable {
    /**
     * Where the servers are and how faults are made.
     *
     * @param serverAddresses {@code host:port} per playbook server, in order (empty: the playbook's, or started here)
     * @param backends        makes the fault backend from the run's id
     */
    public record Settings(List<String> serverAddresses, long seed, Function<String, FaultBackend> backends, Consumer<String> console,
                           PrometheusMeterRegistry registry) {
        public Settings {
            serverAddresses = List.copyOf(serverAddresses);
        }

        /** With a meter registry of the environment's own. */
        public Settings(List<String> serverAddresses, long seed, Function<String, FaultBackend> backends, Consumer<String> console) {
            this(serverAddresses, seed, backends, console, null);
        }

        /** These settings with the load's and the run's meters going to {@code registry} (null: a registry of its own). */
        public Settings withRegistry(PrometheusMeterRegistry registry) {
            return new Settings(serverAddresses, seed, backends, console, registry);
        }

        /** The embedded engine, or a real Toxiproxy at {@code toxiproxy} when not null. */
        public static Settings of(URI toxiproxy, List<String> servers, long seed, Consumer<String> console) {
            return new Settings(servers, seed, toxiproxy == null ? id -> new EmbeddedBackend(id, console)
                : id -> new ToxiproxyBackend(toxiproxy, id, console), console);
        }
    }

    private final String id;
    private final List<String> names;
    private final Consumer<String> console;
    private final TargetResolver resolver;
    private final long originNanos = System.nanoTime();
    private final Instant wallOrigin = Instant.now();
    private final PrometheusMeterRegistry registry;
    private final RecordedObservations observations = new RecordedObservations(originNanos);
    /** How long {@link #close()} may take before it gives up and says what is left. */
    public static final Duration CLEANUP_DEADLINE = Duration.ofSeconds(8);
    /** How long a server has to answer {@code version} before the run starts. */
    static final Duration SERVER_CHECK_TIMEOUT = Duration.ofSeconds(2);
    private static final long WATCH_PERIOD_MS = 500;

    private final List<String> cleanupFailures = new CopyOnWriteArrayList<>();
    private final StopRequest stop;
    private volatile ProvisionedTargets servers;
    /** The servers this host reaches directly: asked before the run and watched during it. */
    private volatile List<ServerEndpoint> watched = List.of();
    private volatile FaultBackend backend;
    private volatile List<ServerEndpoint> proxies = List.of();
    private volatile LoadEngine load;
    /** The engine being started on its own thread, or null. */
    private volatile CompletableFuture<LoadEngine> starting;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final List<RunEvent.ServerLost> lost = new CopyOnWriteArrayList<>();
    private volatile Thread watcher;
    /** What close has not done yet (for the message when it runs out of time, and for {@link StopRequest#held()}). */
    private final Set<String> left = ConcurrentHashMap.newKeySet();

    private RunEnvironment(String id, List<String> names, Settings settings, StopRequest stop) {
        this.id = id;
        this.names = names;
        this.console = settings.console();
        this.resolver = new TargetResolver(names, settings.seed());
        this.stop = stop;
        this.registry = settings.registry() != null ? settings.registry() : new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    }

    /** Servers and a proxy in front of each; whatever was made is taken down again when a step fails. */
    public static RunEnvironment open(String id, Playbook playbook, Settings settings) throws RunException {
        return open(id, playbook, settings, new StopRequest());
    }

    /**
     * As {@link #open(String, Playbook, Settings)}, answering {@code stop} between and during the steps:
     * then what was made is taken down and {@link StopRequested} is thrown.
     */
    public static RunEnvironment open(String id, Playbook playbook, Settings settings, StopRequest stop) throws RunException {
        RunEnvironment env = new RunEnvironment(id, playbook.servers().stream().map(ServerSpec::name).toList(), settings, stop);
        stop.holding(env::holds);
        boolean ok = false;
        try {
            stop.check("servers");
            List<ServerSpec> provided = playbook.servers().stream().filter(x -> x.proxy() == null).toList();
            ProvisionedTargets own = provided.isEmpty() ? null : provision(playbook, provided, settings, stop);
            env.servers = own;
            env.watched = own == null ? List.of() : direct(own.servers(), playbook);
            if (own != null && own.kind() == TargetKind.EXPLICIT) {
                // Started servers answered already; given ones are asked, so that a wrong address fails here, not as a minute of errors.
                List<String> unreachable = Targets.unreachable(env.watched, SERVER_CHECK_TIMEOUT);
                stop.check("servers");
                if (!unreachable.isEmpty()) {
                    throw new RunException("cannot reach " + (unreachable.size() == 1 ? "a server" : unreachable.size() + " servers")
                        + " (asked for memcached's version): " + String.join(", ", unreachable)
                        + "; check the addresses (--servers, or the playbook's) and that memcached runs there");
                }
            }
            stop.stage("servers");
            env.backend = backendFor(id, playbook, settings);
            checkToxiproxies(env.backend, env.console, id);
            env.proxies = proxiesFor(env.backend, playbook, own, stop);
            env.servers = withExistingProxies(playbook, own, env.backend, env.proxies);
            stop.stage("backend");
            ok = true;
            return env;
        } catch (FaultBackend.FaultException e) {
            stop.check("backend");
            throw new RunException(e.getMessage(), e);
        } finally {
            if (!ok) env.close();
        }
    }

    /**
     * The servers this host reaches as the playbook (or --servers) writes them, so the run asks them for their
     * version and watches them: those without a Toxiproxy of their own, whose address is meant from that host.
     */
    private static List<ServerEndpoint> direct(List<ServerEndpoint> servers, Playbook playbook) {
        List<String> remote = playbook.servers().stream().filter(x -> x.toxiproxy() != null).map(ServerSpec::name).toList();
        return servers.stream().filter(x -> !remote.contains(x.name())).toList();
    }

    /**
     * The run's default backend (--toxiproxy, else the embedded engine) for servers naming no Toxiproxy, and one
     * Toxiproxy backend per URL that servers name; a single backend when there is only one.
     */
    private static FaultBackend backendFor(String id, Playbook playbook, Settings settings) throws RunException {
        boolean fleet = playbook.servers().stream().anyMatch(x -> x.toxiproxy() != null);
        FaultBackend fallback = playbook.servers().stream().allMatch(x -> x.toxiproxy() != null) ? null : settings.backends().apply(id);
        if (fallback instanceof EmbeddedBackend) {
            for (ServerSpec x : playbook.servers()) {
                if (x.proxy() != null && x.toxiproxy() == null) {
                    fallback.close();
                    throw new RunException(x.pos() + ": server '" + x.name() + "' uses the existing proxy '" + x.proxy()
                        + "' but names no Toxiproxy to find it on: add toxiproxy: \"http://host:8474\" to it, or run with --toxiproxy URL");
                }
            }
        }
        if (!fleet) return fallback;
        Map<String, FaultBackend> byUrl = new java.util.LinkedHashMap<>();
        if (fallback instanceof ToxiproxyBackend t) byUrl.put(t.api().toString().replaceFirst("/$", ""), t);
        Map<String, FaultBackend> byServer = new java.util.LinkedHashMap<>();
        for (ServerSpec x : playbook.servers()) {
            byServer.put(x.name(), x.toxiproxy() == null ? fallback
                : byUrl.computeIfAbsent(x.toxiproxy(), u -> new ToxiproxyBackend(URI.create(u), id, settings.console())));
        }
        return new ServerRoutedBackend(byServer);
    }

    /** Every Toxiproxy of the run answers {@code GET /version}, asked all at once; else an error naming each that does not. */
    private static void checkToxiproxies(FaultBackend backend, Consumer<String> console, String id) throws RunException {
        List<FaultBackend> members = backend instanceof ServerRoutedBackend r ? r.members() : List.of(backend);
        List<ToxiproxyBackend> apis = members.stream().filter(ToxiproxyBackend.class::isInstance).map(ToxiproxyBackend.class::cast).toList();
        List<CompletableFuture<String>> asked = new ArrayList<>();
        for (ToxiproxyBackend t : apis) {
            CompletableFuture<String> f = new CompletableFuture<>();
            Thread.ofVirtual().name("chaos-check-" + t.api()).start(() -> {
                try {
                    f.complete(t.version());
                } catch (FaultBackend.FaultException e) {
                    f.completeExceptionally(e);
                }
            });
            asked.add(f);
        }
        List<String> failed = new ArrayList<>();
        for (int i = 0; i < apis.size(); i++) {
            try {
                console.accept("Toxiproxy " + asked.get(i).join() + " at " + apis.get(i).api() + "; this run's proxies and toxics are named " + id + "-*");
            } catch (java.util.concurrent.CompletionException e) {
                failed.add(e.getCause().getMessage());
            }
        }
        if (!failed.isEmpty()) {
            throw new RunException((failed.size() == 1 ? "a Toxiproxy does not answer" : failed.size() + " Toxiproxy servers do not answer")
                + " (asked GET /version): " + String.join("; ", failed));
        }
    }

    /** A proxy per server, in the playbook's order: created (where listen: says, if it does) or, for proxy:, found. */
    private static List<ServerEndpoint> proxiesFor(FaultBackend backend, Playbook playbook, ProvisionedTargets own, StopRequest stop)
        throws FaultBackend.FaultException {
        Map<String, ServerEndpoint> upstream = new java.util.HashMap<>();
        if (own != null) for (ServerEndpoint s : own.servers()) upstream.put(s.name(), s);
        List<ServerEndpoint> through = new ArrayList<>();
        for (ServerSpec x : playbook.servers()) {
            stop.check("backend");
            String at = x.proxy() != null ? backend.useProxy(x.name(), x.proxy())
                : backend.addProxy(x.name(), upstream.get(x.name()).address(), x.listen());
            through.add(ServerEndpoint.parse(x.name(), at));
        }
        return List.copyOf(through);
    }

    /** All the servers in the playbook's order: those provided or given, and those behind an existing proxy (its upstream as found). */
    private static ProvisionedTargets withExistingProxies(Playbook playbook, ProvisionedTargets own, FaultBackend backend,
                                                          List<ServerEndpoint> proxies) {
        if (playbook.servers().stream().noneMatch(x -> x.proxy() != null)) return own;
        List<ServerEndpoint> all = new ArrayList<>();
        for (int i = 0; i < playbook.servers().size(); i++) {
            ServerSpec x = playbook.servers().get(i);
            if (x.proxy() == null) {
                all.add(own.servers().stream().filter(s -> s.name().equals(x.name())).findFirst().orElseThrow());
                continue;
            }
            String up = backend.upstreamOf(x.name());
            ServerEndpoint e;
            try {
                e = ServerEndpoint.parse(x.name(), up);
            } catch (RuntimeException unknown) {
                e = proxies.get(i); // no upstream we can read: the proxy stands for it
            }
            all.add(e);
        }
        List<ServerEndpoint> servers = List.copyOf(all);
        TargetKind kind = own == null ? TargetKind.EXPLICIT : own.kind();
        return new ProvisionedTargets() {
            @Override public List<ServerEndpoint> servers() { return servers; }
            @Override public TargetKind kind() { return kind; }
            @Override public void close() { if (own != null) own.close(); }
        };
    }

    /** What this environment holds that a cleanup must remove, for a message when the cleanup could not finish. */
    private String holds() {
        List<String> h = new ArrayList<>();
        FaultBackend b = backend;
        if (b != null && !closedStep("delete the proxies")) h.add("proxies and toxics named " + id + "-* (" + b.name() + ")");
        ProvisionedTargets t = servers;
        if (t != null && t.kind() != TargetKind.EXPLICIT && !closedStep("stop the servers")) {
            h.add("servers started by the run: " + String.join(", ", t.servers().stream().map(s -> s.name() + "=" + s.address()).toList()));
        }
        return String.join("; ", h);
    }

    private boolean closedStep(String step) {
        return closed.get() && !left.contains(step);
    }

    private static ProvisionedTargets provision(Playbook playbook, List<ServerSpec> specs, Settings settings, StopRequest stop) throws RunException {
        List<String> names = specs.stream().map(ServerSpec::name).toList();
        List<ServerEndpoint> explicit = new ArrayList<>();
        List<String> given = settings.serverAddresses();
        if (!given.isEmpty()) {
            if (specs.size() != playbook.servers().size()) {
                throw new RunException("--servers cannot replace servers behind an existing proxy (proxy:); give their addresses in the playbook");
            }
            if (given.size() != names.size()) {
                throw new RunException("--servers gives " + given.size() + " addresses but the playbook has "
                    + names.size() + " servers (" + String.join(", ", names) + ")");
            }
            for (int i = 0; i < names.size(); i++) explicit.add(parse(names.get(i), given.get(i)));
        } else {
            for (ServerSpec s : specs) if (s.address() != null) explicit.add(parse(s.name(), s.address()));
            if (!explicit.isEmpty() && explicit.size() != names.size()) {
                throw new RunException("either every named server has an address or none does; "
                    + "without addresses the run starts them itself");
            }
        }
        try {
            return Targets.provision(names, explicit, settings.console());
        } catch (IOException | RuntimeException e) {
            stop.check("servers"); // interrupted while waiting for memcached: a stop, not a failure
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

    /** Applies and removes a fault that does nothing (zero latency) on every server, so that the first real one is not late. */
    public void warmUp() {
        Fault nothing = new Fault(FaultType.LATENCY, Map.of("latency", 0L, "jitter", 0L), Direction.DOWNSTREAM, 1.0, SourcePos.UNKNOWN);
        int rounds = names.stream().mapToInt(backend::warmUpRounds).max().orElse(0);
        for (int round = 0; round < rounds; round++) {
            for (String server : names) {
                if (round >= backend.warmUpRounds(server)) continue;
                stop.check("warm-up");
                try {
                    FaultBackend.Handle h = backend.apply(server, nothing);
                    // The test pause with a toxic in place: a stop here must leave none behind.
                    if (round == 0 && server.equals(names.get(0))) stop.stage("warm-up");
                    backend.remove(h);
                } catch (FaultBackend.FaultException e) {
                    stop.check("warm-up");
                    return; // the run will report what is wrong
                }
            }
        }
    }

    /**
     * Starts load through the proxies (stopping any that runs) and returns once its first second is
     * measured, so that what follows finds it steady. Its seconds and breaker changes go to the
     * observations and to {@code listener}.
     */
    public void startLoad(LoadProfile profile, RunListener listener) throws RunException {
        stopLoad();
        stop.check("load-start");
        if (closed.get()) throw new RunException("the run environment is closed");
        LoadEngine e = new LoadEngine(proxies, profile, registry);
        CountDownLatch first = new CountDownLatch(1);
        e.addWindowListener(w -> {
            RunEvent.LoadSecond s = RunEvent.LoadSecond.of(w, wallOrigin);
            observations.on(s);
            listener.on(s);
            first.countDown();
        });
        e.addBreakerListener(t -> {
            RunEvent.BreakerChange b = RunEvent.BreakerChange.of(t, wallOrigin);
            observations.on(b);
            listener.on(b);
        });
        // xmemcached's connect waits for its selectors and, interrupted, waits again in a loop: it runs on a
        // thread that nobody interrupts, and the run waits for it only as long as no stop is asked.
        CompletableFuture<LoadEngine> f = StopRequest.onItsOwnThread("chaos-load-start", () -> {
            e.start();
            stop.pause("load-start", false);
            return e;
        });
        starting = f;
        boolean taken = false;
        try {
            load = stop.await(f, "load-start");
            taken = true;
        } catch (ExecutionException ex) {
            Throwable cause = ex.getCause();
            throw new RunException("the load engine cannot reach the servers through the proxies: " + cause.getMessage(), cause);
        } finally {
            starting = null;
            // Given up on (a stop) or failed: the engine is closed once its start ends, wherever that is.
            if (!taken) f.whenComplete((engine, failure) -> e.close());
        }
        if (closed.get()) {
            stopLoad();
            throw new StopRequested("load-start");
        }
        stop.stage("first-window");
        try {
            stop.await(CompletableFuture.runAsync(() -> awaitQuietly(first)), "first-window");
        } catch (ExecutionException ignored) {
            // not reached: waiting does not fail
        }
    }

    /**
     * The load changed while it runs (by hand in the REPL, or a replay of that): the running engine stops and one with
     * {@code profile} starts, without pre-filling again (the keys are there, and faults may be on).
     */
    public void changeLoad(LoadProfile profile, RunListener listener) throws RunException {
        startLoad(profile.toBuilder().prefill(false).build(), listener);
    }

    private static void awaitQuietly(CountDownLatch first) {
        try {
            first.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException ignored) {
            // the run stops on its own
        }
    }

    public synchronized void stopLoad() {
        CompletableFuture<LoadEngine> f = starting;
        starting = null;
        if (f != null) f.whenComplete((engine, failure) -> { if (engine != null) engine.close(); });
        if (load != null) load.close();
        load = null;
    }

    /**
     * Watches every server (a connect to it twice a second, not through its proxy) and says, once
     * per server, when one stops accepting connections: a {@code server-lost} event to {@code listener};
     * {@link #lost()} keeps them for the verdicts.
     */
    public void watchServers(RunListener listener) {
        if (watcher != null || servers == null) return;
        List<ServerEndpoint> watched = this.watched;
        Thread t = Thread.ofPlatform().daemon().name("chaos-server-watch").unstarted(() -> {
            int[] timeouts = new int[watched.size()];
            boolean[] gone = new boolean[watched.size()];
            while (!closed.get()) {
                for (int i = 0; i < watched.size(); i++) {
                    if (gone[i]) continue;
                    String why = refusal(watched.get(i), timeouts, i);
                    if (why == null || closed.get()) continue;
                    gone[i] = true;
                    ServerEndpoint s = watched.get(i);
                    RunEvent.ServerLost e = new RunEvent.ServerLost(s.name(), s.address(), why, RunEvent.ms(System.nanoTime(), originNanos));
                    lost.add(e);
                    listener.on(e);
                }
                try {
                    Thread.sleep(WATCH_PERIOD_MS);
                } catch (InterruptedException stopped) {
                    return;
                }
            }
        });
        watcher = t;
        t.start();
    }

    /** Why {@code s} counts as gone now (refused, or two connect timeouts in a row), or null. */
    private static String refusal(ServerEndpoint s, int[] timeouts, int i) {
        try (java.net.Socket socket = new java.net.Socket()) {
            socket.connect(new java.net.InetSocketAddress(s.host(), s.port()), 1000);
            timeouts[i] = 0;
            return null;
        } catch (java.net.SocketTimeoutException e) {
            return ++timeouts[i] >= 2 ? "no connection within 1 s, twice" : null;
        } catch (IOException e) {
            return "connection refused";
        }
    }

    /** The servers that went away so far, in order. */
    public List<RunEvent.ServerLost> lost() {
        return List.copyOf(lost);
    }

    public String id() { return id; }

    public List<String> serverNames() { return names; }

    public ProvisionedTargets servers() { return servers; }

    public List<ServerEndpoint> proxies() { return proxies; }

    public FaultBackend backend() { return backend; }

    /** The running load engine, or null. */
    public LoadEngine load() { return load; }

    public PrometheusMeterRegistry registry() { return registry; }

    public RecordedObservations observations() { return observations; }

    public TargetResolver resolver() { return resolver; }

    /** The run's start on {@link System#nanoTime()}: events' milliseconds count from it. */
    public long originNanos() { return originNanos; }

    /** What went wrong while closing, one line each (empty when all went well). */
    public List<String> cleanupFailures() {
        return List.copyOf(cleanupFailures);
    }

    /**
     * Faults removed, load stopped, proxies deleted, servers stopped: each step tried, on a thread of
     * their own (an interrupted caller does not cut them short), within {@link #CLEANUP_DEADLINE}: past it,
     * close returns and says what it could not remove. Idempotent; never throws; does not wait for a
     * start-up step under way (a load engine still connecting is closed when its connect ends).
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) return;
        Thread w = watcher;
        if (w != null) w.interrupt();
        FaultBackend b = backend;
        ProvisionedTargets t = servers;
        List<String> steps = new ArrayList<>();
        List<Runnable> actions = new ArrayList<>();
        if (b != null) { steps.add("remove the faults"); actions.add(b::removeAll); }
        steps.add("stop the load"); actions.add(this::stopLoad);
        if (b != null) { steps.add("delete the proxies"); actions.add(b::close); }
        if (t != null) { steps.add("stop the servers"); actions.add(t::close); }
        left.addAll(steps);
        Thread cleaner = Thread.ofPlatform().daemon().name("chaos-cleanup-" + id).start(() -> {
            for (int i = 0; i < steps.size(); i++) {
                step(steps.get(i), actions.get(i));
                left.remove(steps.get(i));
            }
        });
        boolean interrupted = false;
        long end = System.nanoTime() + CLEANUP_DEADLINE.toNanos();
        while (cleaner.isAlive() && System.nanoTime() < end) {
            try {
                cleaner.join(Math.max(1, (end - System.nanoTime()) / 1_000_000));
            } catch (InterruptedException e) {
                interrupted = true; // the cleanup goes on; its deadline is what bounds it
            }
        }
        if (cleaner.isAlive()) {
            List<String> notDone = steps.stream().filter(left::contains).toList();
            String what = holds();
            cleanupFailures.add("cleanup: not finished within " + CLEANUP_DEADLINE.toSeconds() + " s (still to do: "
                + String.join(", ", notDone) + ")" + (what.isEmpty() ? "" : "; may be left: " + what));
            console.accept(cleanupFailures.get(cleanupFailures.size() - 1));
        }
        if (interrupted) Thread.currentThread().interrupt();
    }

    private void step(String what, Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            String line = "cleanup: cannot " + what + ": " + e.getMessage();
            cleanupFailures.add(line);
            console.accept(line);
        }
    }
}
