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
import io.chaosplaybooks.runtime.faults.ToxiproxyBackend;
import io.chaosplaybooks.runtime.load.LoadEngine;
import io.chaosplaybooks.dsl.plan.LoadProfile;
import io.chaosplaybooks.runtime.load.ServerEndpoint;
import io.chaosplaybooks.runtime.targets.ProvisionedTargets;
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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * What a run needs, built from a playbook and settings, and the one place that takes it down:
 * <pre>
 *  open:  servers (given, local memcached, stand-ins; named as the playbook names them) ─► a proxy per server ─► (load, when asked)
 *  close: every fault removed ─► load stopped ─► every proxy deleted ─► every server it started stopped
 * </pre>
 * Each step of {@link #close()} is tried even when an earlier one failed; failures are said on the
 * console and kept ({@link #cleanupFailures()}), never thrown. Times of the events it emits count from {@link #originNanos()}.
 */
public final class RunEnvironment implements AutoCloseable {
    /**
     * Where the servers are and how faults are made.
     *
     * @param serverAddresses {@code host:port} per playbook server, in order (empty: the playbook's, or started here)
     * @param backends        makes the fault backend from the run's id
     */
    public record Settings(List<String> serverAddresses, long seed, Function<String, FaultBackend> backends, Consumer<String> console) {
        public Settings {
            serverAddresses = List.copyOf(serverAddresses);
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
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final RecordedObservations observations = new RecordedObservations(originNanos);
    private final List<String> cleanupFailures = new ArrayList<>();
    private ProvisionedTargets servers;
    private FaultBackend backend;
    private List<ServerEndpoint> proxies = List.of();
    private volatile LoadEngine load;
    private boolean closed;

    private RunEnvironment(String id, List<String> names, Settings settings) {
        this.id = id;
        this.names = names;
        this.console = settings.console();
        this.resolver = new TargetResolver(names, settings.seed());
    }

    /** Servers and a proxy in front of each; whatever was made is taken down again when a step fails. */
    public static RunEnvironment open(String id, Playbook playbook, Settings settings) throws RunException {
        RunEnvironment env = new RunEnvironment(id, playbook.servers().stream().map(ServerSpec::name).toList(), settings);
        boolean ok = false;
        try {
            env.servers = provision(playbook, env.names, settings);
            env.backend = settings.backends().apply(id);
            if (env.backend instanceof ToxiproxyBackend t) {
                env.console.accept("Toxiproxy " + t.version() + " at " + t.name().replaceFirst("^toxiproxy ", "")
                    + "; this run's proxies and toxics are named " + id + "-*");
            }
            List<ServerEndpoint> through = new ArrayList<>();
            for (ServerEndpoint s : env.servers.servers()) through.add(ServerEndpoint.parse(s.name(), env.backend.addProxy(s.name(), s.address())));
            env.proxies = List.copyOf(through);
            ok = true;
            return env;
        } catch (FaultBackend.FaultException e) {
            throw new RunException(e.getMessage(), e);
        } finally {
            if (!ok) env.close();
        }
    }

    private static ProvisionedTargets provision(Playbook playbook, List<String> names, Settings settings) throws RunException {
        List<ServerEndpoint> explicit = new ArrayList<>();
        List<String> given = settings.serverAddresses();
        if (!given.isEmpty()) {
            if (given.size() != names.size()) {
                throw new RunException("--servers gives " + given.size() + " addresses but the playbook has "
                    + names.size() + " servers (" + String.join(", ", names) + ")");
            }
            for (int i = 0; i < names.size(); i++) explicit.add(parse(names.get(i), given.get(i)));
        } else {
            for (ServerSpec s : playbook.servers()) if (s.address() != null) explicit.add(parse(s.name(), s.address()));
            if (!explicit.isEmpty() && explicit.size() != names.size()) {
                throw new RunException("either every named server has an address or none does; "
                    + "without addresses the run starts them itself");
            }
        }
        try {
            return Targets.provision(names, explicit, settings.console());
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

    /** Applies and removes a fault that does nothing (zero latency) on every server, so that the first real one is not late. */
    public void warmUp() {
        Fault nothing = new Fault(FaultType.LATENCY, Map.of("latency", 0L, "jitter", 0L), Direction.DOWNSTREAM, 1.0, SourcePos.UNKNOWN);
        for (int round = 0; round < backend.warmUpRounds(); round++) {
            for (String server : names) {
                try {
                    backend.remove(backend.apply(server, nothing));
                } catch (FaultBackend.FaultException e) {
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
    public synchronized void startLoad(LoadProfile profile, RunListener listener) throws RunException {
        stopLoad();
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
        try {
            e.start();
        } catch (IOException ex) {
            e.close();
            throw new RunException("the load engine cannot reach the servers through the proxies: " + ex.getMessage(), ex);
        }
        load = e;
        try {
            first.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }

    public synchronized void stopLoad() {
        if (load != null) load.close();
        load = null;
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
    public synchronized List<String> cleanupFailures() {
        return List.copyOf(cleanupFailures);
    }

    /** Faults removed, load stopped, proxies deleted, servers stopped: each step tried. Idempotent; never throws. */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        // Cleanup must finish even if the thread was interrupted: clear the flag while closing.
        boolean interrupted = Thread.interrupted();
        if (backend != null) step("remove the faults", backend::removeAll);
        step("stop the load", this::stopLoad);
        if (backend != null) step("delete the proxies", backend::close);
        if (servers != null) step("stop the servers", servers::close);
        if (interrupted) Thread.currentThread().interrupt();
    }

    private void step(String what, Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            cleanupFailures.add("cleanup: cannot " + what + ": " + e.getMessage());
            console.accept(cleanupFailures.get(cleanupFailures.size() - 1));
        }
    }
}
