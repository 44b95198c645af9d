package io.chaosplaybooks.runtime.targets;

import io.chaosplaybooks.runtime.load.ServerEndpoint;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Where a run's servers come from, in order of preference: the addresses given; else {@code n}
 * local memcached processes when the binary is on PATH; else {@code n} in-process stand-ins,
 * announced on the console. Servers that are started carry the names asked for, in order.
 */
public final class Targets {
    /** Memory per stand-in: memcached's default {@code -m 64}. */
    public static final long STAND_IN_MEMORY_BYTES = 64L * 1024 * 1024;

    private Targets() {}

    /**
     * @param names    the servers to start when {@code explicit} is empty (1..64), named as the playbook names them
     * @param explicit servers given by the user; when not empty, used as they are and {@code names} is ignored
     * @param console  where to say what was started (one line per decision)
     * @throws IOException when servers had to be started and could not be
     */
    public static ProvisionedTargets provision(List<String> names, List<ServerEndpoint> explicit, Consumer<String> console) throws IOException {
        return provision(names, explicit, console, LocalMemcachedProcesses.findBinary());
    }

    /** As {@link #provision(List, List, Consumer)}, with the memcached binary already looked up (tests). */
    static ProvisionedTargets provision(List<String> names, List<ServerEndpoint> explicit, Consumer<String> console,
                                        Optional<Path> binary) throws IOException {
        if (!explicit.isEmpty()) {
            return explicit(explicit);
        }
        int count = names.size();
        checkCount(count);
        if (binary.isPresent()) {
            LocalMemcachedProcesses started = LocalMemcachedProcesses.start(binary.get(), count, names);
            console.accept("Started " + count + " local memcached " + (count == 1 ? "process" : "processes") + " ("
                + binary.get() + "): " + describe(started.servers()));
            return started;
        }
        return startStandIns(names, console);
    }

    /** Servers the user gave: nothing to start or stop. */
    public static ProvisionedTargets explicit(List<ServerEndpoint> servers) {
        if (servers.isEmpty()) {
            throw new IllegalArgumentException("no servers given");
        }
        List<ServerEndpoint> copy = List.copyOf(servers);
        return new ProvisionedTargets() {
            @Override public List<ServerEndpoint> servers() { return copy; }
            @Override public TargetKind kind() { return TargetKind.EXPLICIT; }
            @Override public void close() {}
        };
    }

    /** Local memcached processes, failing when the binary is not on PATH. */
    public static ProvisionedTargets startLocalMemcached(int count, Consumer<String> console) throws IOException {
        checkCount(count);
        Path binary = LocalMemcachedProcesses.findBinary()
            .orElseThrow(() -> new IOException("memcached is not on PATH"));
        LocalMemcachedProcesses started = LocalMemcachedProcesses.start(binary, count, names(count));
        console.accept("Started " + count + " local memcached: " + describe(started.servers()));
        return started;
    }

    /** In-process stand-ins named {@code server-1 .. server-n}, whatever is installed. */
    public static ProvisionedTargets startStandIns(int count, Consumer<String> console) throws IOException {
        return startStandIns(names(count), console);
    }

    private static ProvisionedTargets startStandIns(List<String> names, Consumer<String> console) throws IOException {
        int count = names.size();
        checkCount(count);
        List<MemcachedStandIn> started = new ArrayList<>();
        List<ServerEndpoint> endpoints = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                MemcachedStandIn s = MemcachedStandIn.start(LocalMemcachedProcesses.LOOPBACK, 0, STAND_IN_MEMORY_BYTES);
                started.add(s);
                endpoints.add(new ServerEndpoint(names.get(i), LocalMemcachedProcesses.LOOPBACK, s.port()));
            }
        } catch (IOException | RuntimeException e) {
            started.forEach(MemcachedStandIn::close);
            throw e;
        }
        console.accept("memcached is not installed: using " + count + " in-process memcached stand-in"
            + (count == 1 ? "" : "s") + " (" + describe(endpoints) + "). Figures against a stand-in say little"
            + " about memcached; install it (apt-get install memcached) for real servers.");
        List<ServerEndpoint> servers = List.copyOf(endpoints);
        return new ProvisionedTargets() {
            @Override public List<ServerEndpoint> servers() { return servers; }
            @Override public TargetKind kind() { return TargetKind.STAND_IN; }
            @Override public void close() { started.forEach(MemcachedStandIn::close); }
        };
    }

    /**
     * The servers that do not answer memcached's {@code version} within {@code timeout}, each as
     * {@code name at host:port (why)}; empty when all answer. All are asked at once.
     */
    public static List<String> unreachable(List<ServerEndpoint> servers, java.time.Duration timeout) {
        List<java.util.concurrent.CompletableFuture<String>> asked = new ArrayList<>();
        for (ServerEndpoint s : servers) {
            java.util.concurrent.CompletableFuture<String> f = new java.util.concurrent.CompletableFuture<>();
            Thread.ofVirtual().name("chaos-check-" + s.name()).start(() -> f.complete(LocalMemcachedProcesses.whyNotAnswering(s.host(), s.port(), timeout)));
            asked.add(f);
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < servers.size(); i++) {
            String why = asked.get(i).join();
            if (why != null) out.add(servers.get(i).name() + " at " + servers.get(i).address() + " (" + why + ")");
        }
        return out;
    }

    /** The names servers that a run starts get: {@code server-1 .. server-n}, as playbooks' {@code server(1)} counts. */
    public static List<String> names(int count) {
        List<String> names = new ArrayList<>(count);
        for (int i = 1; i <= count; i++) {
            names.add("server-" + i);
        }
        return names;
    }

    private static void checkCount(int count) {
        if (count < 1 || count > 64) {
            throw new IllegalArgumentException("server count must be 1..64, got " + count);
        }
    }

    private static String describe(List<ServerEndpoint> servers) {
        return String.join(", ", servers.stream().map(s -> s.name() + "=" + s.address()).toList());
    }
}
