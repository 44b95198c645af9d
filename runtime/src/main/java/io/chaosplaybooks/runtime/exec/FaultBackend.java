package io.chaosplaybooks.runtime.exec;

import io.chaosplaybooks.dsl.plan.Fault;
import io.chaosplaybooks.dsl.plan.Scenario;
import io.chaosplaybooks.dsl.plan.Step;

import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Where faults take effect: the embedded engine or a real Toxiproxy. A backend removes only
 * what it created; {@link #removeAll()} is the cleanup that must always run.
 */
public interface FaultBackend extends AutoCloseable {
    /** What was applied, so that exactly it can be removed. */
    interface Handle {
        String server();

        Fault fault();
    }

    /** A short name for the console and the journal: {@code embedded}, {@code toxiproxy http://...}. */
    String name();

    /**
     * How many times a run may apply and remove a no-op fault before it starts, to have the fault
     * path loaded and compiled: an in-process engine wants enough for the JIT (a few thousand calls
     * take milliseconds), a remote server a few (each is a network round trip).
     */
    default int warmUpRounds() {
        return 3;
    }

    /**
     * Puts a proxy in front of a server: the load engine connects to the returned {@code host:port}
     * instead of {@code upstream}. Removed by {@link #close()}.
     */
    String addProxy(String server, String upstream) throws FaultException;

    /**
     * As {@link #addProxy(String, String)}, the proxy listening at {@code listen} ({@code host:port} on the backend's
     * host; null for a free loopback port). Returns where the run reaches it: a wildcard host becomes the backend's host.
     */
    default String addProxy(String server, String upstream, String listen) throws FaultException {
        if (listen == null) return addProxy(server, upstream);
        throw new FaultException(name() + " cannot choose where a proxy listens (server '" + server + "', listen " + listen + ")");
    }

    /**
     * Uses a proxy that already exists on the backend for {@code server}, as it is: the run adds and removes only its
     * own toxics there and never deletes it. Returns where the run reaches it.
     *
     * @throws FaultException when there is no such proxy
     */
    default String useProxy(String server, String proxy) throws FaultException {
        throw new FaultException(name() + " holds no existing proxies (server '" + server + "' names proxy '" + proxy + "')");
    }

    /** The upstream of {@code server}'s proxy when it was found rather than created ({@link #useProxy}), else null. */
    default String upstreamOf(String server) {
        return null;
    }

    /** How many warm-up rounds {@code server}'s proxy gets: its backend's {@link #warmUpRounds()}. */
    default int warmUpRounds(String server) {
        return warmUpRounds();
    }

    /**
     * Why this backend cannot express a fault faithfully, if it cannot (a stock Toxiproxy has no
     * partial packet loss): a run asks for every fault of its plan before it starts. Known once a
     * proxy exists.
     */
    default Optional<String> cannotExpress(Fault fault) {
        return Optional.empty();
    }

    /** Every fault of these scenarios that the backend cannot express, as {@code file:line:col: why}. */
    static List<String> inexpressible(FaultBackend backend, List<Scenario> scenarios) {
        return scenarios.stream().flatMap(s -> faultsOf(s.steps()))
            .flatMap(f -> backend.cannotExpress(f).map(why -> f.pos() + ": " + why).stream()).toList();
    }

    private static Stream<Fault> faultsOf(List<Step> steps) {
        return steps.stream().flatMap(step -> switch (step) {
            case Step.Inject i -> i.faults().stream();
            case Step.Parallel p -> faultsOf(p.steps());
            case Step.Repeat r -> faultsOf(r.steps());
            case Step.Named n -> faultsOf(n.steps());
            default -> Stream.empty();
        });
    }

    /** Puts one fault on one server (by the playbook's server name). */
    Handle apply(String server, Fault fault) throws FaultException;

    void remove(Handle handle) throws FaultException;

    /** Removes every fault this backend applied, on every server. Never throws for one failure alone. */
    void removeAll();

    @Override
    void close();

    /** A fault could not be applied or removed: the server is unreachable, the API said no. */
    final class FaultException extends Exception {
        public FaultException(String message, Throwable cause) {
            super(message, cause);
        }

        public FaultException(String message) {
            super(message);
        }
    }
}
