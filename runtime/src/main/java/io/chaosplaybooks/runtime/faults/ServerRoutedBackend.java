package io.chaosplaybooks.runtime.faults;

import io.chaosplaybooks.dsl.plan.Fault;
import io.chaosplaybooks.runtime.exec.FaultBackend;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A fleet: each server's faults go to the backend that holds its proxy (its own Toxiproxy, the run's
 * {@code --toxiproxy}, or the embedded engine). Cleanup runs on every member, each failure said and the
 * others still tried.
 * <pre>
 *   apply(cache-a, f) ─► toxiproxy http://10.0.0.5:8474
 *   apply(cache-b, f) ─► toxiproxy http://10.0.0.6:8474
 *   removeAll / close ─► every member
 * </pre>
 */
public final class ServerRoutedBackend implements FaultBackend {
    private final Map<String, FaultBackend> byServer;
    private final List<FaultBackend> members;

    /** {@code byServer}: the backend of each server, by the playbook's server name (several servers may share one). */
    public ServerRoutedBackend(Map<String, FaultBackend> byServer) {
        this.byServer = new LinkedHashMap<>(byServer);
        List<FaultBackend> distinct = new ArrayList<>();
        for (FaultBackend b : byServer.values()) if (distinct.stream().noneMatch(x -> x == b)) distinct.add(b);
        this.members = List.copyOf(distinct);
    }

    /** Each backend once, in the order of the first server it holds. */
    public List<FaultBackend> members() {
        return members;
    }

    private FaultBackend of(String server) throws FaultException {
        FaultBackend b = byServer.get(server);
        if (b == null) throw new FaultException("no proxy for server '" + server + "'");
        return b;
    }

    @Override
    public String name() {
        return String.join(", ", members.stream().map(FaultBackend::name).distinct().toList());
    }

    /** The fewest of any member: a warm-up round costs the slowest member's round trip. */
    @Override
    public int warmUpRounds() {
        return members.stream().mapToInt(FaultBackend::warmUpRounds).min().orElse(0);
    }

    @Override
    public int warmUpRounds(String server) {
        FaultBackend b = byServer.get(server);
        return b == null ? 0 : b.warmUpRounds(server);
    }

    @Override
    public String addProxy(String server, String upstream) throws FaultException {
        return of(server).addProxy(server, upstream);
    }

    @Override
    public String addProxy(String server, String upstream, String listen) throws FaultException {
        return of(server).addProxy(server, upstream, listen);
    }

    @Override
    public String useProxy(String server, String proxy) throws FaultException {
        return of(server).useProxy(server, proxy);
    }

    @Override
    public String upstreamOf(String server) {
        FaultBackend b = byServer.get(server);
        return b == null ? null : b.upstreamOf(server);
    }

    /** Refused when any member refuses: a fault's servers are known only when the scenario runs. */
    @Override
    public Optional<String> cannotExpress(Fault fault) {
        for (FaultBackend b : members) {
            Optional<String> why = b.cannotExpress(fault);
            if (why.isPresent()) return why;
        }
        return Optional.empty();
    }

    @Override
    public Handle apply(String server, Fault fault) throws FaultException {
        return of(server).apply(server, fault);
    }

    @Override
    public void remove(Handle handle) throws FaultException {
        of(handle.server()).remove(handle);
    }

    @Override
    public void removeAll() {
        for (FaultBackend b : members) b.removeAll();
    }

    @Override
    public void close() {
        RuntimeException first = null;
        for (FaultBackend b : members) {
            try {
                b.close();
            } catch (RuntimeException e) {
                if (first == null) first = e;
                else first.addSuppressed(e);
            }
        }
        if (first != null) throw first;
    }
}
