package io.chaosplaybooks.runtime.faults;

import io.chaosplaybooks.dsl.plan.Direction;
import io.chaosplaybooks.dsl.plan.Fault;
import io.chaosplaybooks.dsl.plan.FaultType;
import io.chaosplaybooks.runtime.exec.FaultBackend;
import io.chaosplaybooks.runtime.proxy.ToxicSpec;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * What every backend shares, in Toxiproxy's model: a proxy per server named {@code <runId>-<server>},
 * a fault applied as one toxic per stream (all or none) or as its proxy disabled, and cleanup that
 * removes exactly what the run applied. Subclasses say how a proxy is reached and which toxic a fault
 * becomes there; their operations throw {@link FaultException} with the cause alone, and this class
 * says what was being done.
 *
 * <p>A proxy that already exists ({@link #useProxy}) is the user's: the run adds only toxics named with its id
 * there, removes them (also those a cut-short apply left), puts its enabled state back after {@code down()},
 * and never deletes it.
 */
abstract class ToxicBackend implements FaultBackend {
    private final String runId;
    protected final Consumer<String> console;
    private final Map<String, String> proxies = Collections.synchronizedMap(new LinkedHashMap<>());
    private final List<Applied> applied = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger counter = new AtomicInteger();
    /** Existing proxies in use, by name: whether each was enabled when found. */
    private final Map<String, Boolean> found = Collections.synchronizedMap(new LinkedHashMap<>());
    /** Whether the run asked this backend for a proxy at all: one it never asked has nothing of the run to clean. */
    private volatile boolean touched;
    /** The upstreams of existing proxies in use, by server. */
    private final Map<String, String> upstreams = new java.util.concurrent.ConcurrentHashMap<>();
    /** Existing proxies this run disabled at some point (down()), to put back at close whatever happened. */
    private final java.util.Set<String> disabled = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** A fault on one proxy: these toxics, or (for {@code down()}) the proxy disabled. */
    record Applied(String server, Fault fault, String proxy, List<String> toxics) implements Handle {}

    ToxicBackend(String runId, Consumer<String> console) {
        this.runId = runId;
        this.console = console;
    }

    /** A proxy as the backend reports it. */
    protected record FoundProxy(String listen, String upstream, boolean enabled) {}

    /** Creates the proxy listening at {@code listen} ({@code 127.0.0.1:0}: a free loopback port) and returns where it listens. */
    protected abstract String createProxy(String name, String listen, String upstream) throws FaultException;

    /** The proxy of that name as it is now, or null when there is none. */
    protected abstract FoundProxy findProxy(String name) throws FaultException;

    /** The names of the toxics on a proxy (empty when it is gone). */
    protected abstract List<String> toxicNames(String proxy) throws FaultException;

    /** Called once an existing proxy is in use for a server. */
    protected void proxyInUse(String proxy) throws FaultException {
    }

    /** This run's id: every proxy and toxic it creates is named with it. */
    protected String runId() {
        return runId;
    }

    /** The host a proxy listening on every address is reached at from here. */
    protected abstract String connectHost();

    protected abstract void setEnabled(String proxy, boolean enabled) throws FaultException;

    protected abstract void addToxic(String proxy, ToxicSpec toxic) throws FaultException;

    /** False when the toxic was already gone (its proxy deleted, the server reset). */
    protected abstract boolean removeToxic(String proxy, String toxic) throws FaultException;

    /** False when the proxy was already gone. */
    protected abstract boolean deleteProxy(String proxy) throws FaultException;

    /** Every proxy on the server, this run's or not. */
    protected abstract List<String> proxyNames() throws FaultException;

    /** The toxic a fault becomes on one stream; by default the toxic type the plan names, as it is. */
    protected ToxicSpec toxic(Fault fault, String stream, String name) {
        return new ToxicSpec(name, fault.type().toxicType(), stream, fault.toxicity(), new LinkedHashMap<>(fault.attributes()));
    }

    @Override
    public String addProxy(String server, String upstream) throws FaultException {
        return addProxy(server, upstream, null);
    }

    @Override
    public String addProxy(String server, String upstream, String listen) throws FaultException {
        String name = runId + "-" + server;
        touched = true;
        try {
            String at = createProxy(name, listen == null ? "127.0.0.1:0" : listen, upstream);
            proxies.put(server, name);
            return reachable(at);
        } catch (FaultException e) {
            throw new FaultException("cannot create proxy " + name + " for " + upstream + (listen == null ? "" : " listening on " + listen)
                + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String useProxy(String server, String proxy) throws FaultException {
        touched = true;
        FoundProxy p;
        try {
            p = findProxy(proxy);
        } catch (FaultException e) {
            throw new FaultException("cannot look up proxy '" + proxy + "' for server '" + server + "' on " + name() + ": " + e.getMessage(), e);
        }
        if (p == null) {
            List<String> there;
            try {
                there = proxyNames();
            } catch (FaultException e) {
                there = List.of();
            }
            throw new FaultException("server '" + server + "': there is no proxy '" + proxy + "' on " + name()
                + (there.isEmpty() ? " (it has none)" : " (it has: " + String.join(", ", there) + ")"));
        }
        found.put(proxy, p.enabled());
        upstreams.put(server, p.upstream());
        proxies.put(server, proxy);
        try {
            proxyInUse(proxy);
        } catch (FaultException e) {
            throw new FaultException("cannot use proxy '" + proxy + "' for server '" + server + "': " + e.getMessage(), e);
        }
        return reachable(p.listen());
    }

    /** {@code 0.0.0.0}, {@code [::]}, {@code [0:0:0:0:0:0:0:0]} (as Java writes it): a literal only, never a name lookup. */
    static boolean anyAddress(String host) {
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (h.isEmpty()) return true;
        if (!h.matches("[0-9a-fA-F:.]+") || !(h.contains(":") || h.matches("[0-9.]+"))) return false;
        try {
            return java.net.InetAddress.getByName(h).isAnyLocalAddress();
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    @Override
    public String upstreamOf(String server) {
        return upstreams.get(server);
    }

    /** {@code 0.0.0.0:21211} is reached at this backend's host; any other address as it is. */
    private String reachable(String listen) {
        int colon = listen.lastIndexOf(':');
        String host = listen.substring(0, colon);
        if (!anyAddress(host)) return listen;
        String h = connectHost();
        return (h.indexOf(':') >= 0 && !h.startsWith("[") ? "[" + h + "]" : h) + listen.substring(colon);
    }

    @Override
    public Handle apply(String server, Fault fault) throws FaultException {
        String proxy = proxies.get(server);
        if (proxy == null) throw new FaultException("no proxy for server '" + server + "'");
        var refused = cannotExpress(fault);
        if (refused.isPresent()) throw new FaultException(refused.get());
        List<String> names = new ArrayList<>();
        try {
            if (fault.type() == FaultType.DOWN) {
                if (found.containsKey(proxy)) disabled.add(proxy);
                setEnabled(proxy, false);
            } else {
                List<String> streams = fault.direction() == Direction.BOTH ? List.of("upstream", "downstream")
                    : List.of(fault.direction().toxiproxyStream());
                for (String stream : streams) {
                    String name = runId + "-" + fault.type().word() + "-" + counter.incrementAndGet() + "-" + stream;
                    addToxic(proxy, toxic(fault, stream, name));
                    names.add(name);
                }
            }
        } catch (FaultException e) {
            for (String n : names) {
                try {
                    removeToxic(proxy, n);
                } catch (FaultException again) {
                    console.accept("cleanup: cannot remove toxic " + n + " from " + proxy + ": " + again.getMessage());
                }
            }
            throw new FaultException("cannot apply " + fault.describe() + " on " + proxy + ": " + e.getMessage(), e);
        }
        Applied a = new Applied(server, fault, proxy, List.copyOf(names));
        applied.add(a);
        return a;
    }

    @Override
    public void remove(Handle handle) throws FaultException {
        Applied a = (Applied) handle;
        try {
            if (a.fault().type() == FaultType.DOWN) setEnabled(a.proxy(), found.getOrDefault(a.proxy(), true));
            for (String t : a.toxics()) removeToxic(a.proxy(), t);
            applied.remove(a);
        } catch (FaultException e) {
            throw new FaultException("cannot remove " + a.fault().describe() + " from " + a.proxy() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void removeAll() {
        for (Applied a : List.copyOf(applied)) {
            try {
                remove(a);
            } catch (FaultException e) {
                console.accept("cleanup: " + e.getMessage());
            }
        }
    }

    /**
     * Removes every fault, then deletes every proxy whose name carries this run's id: also one whose
     * creation was cut short before the answer came back. Deleting a proxy deletes its toxics. Existing
     * proxies are kept: this run's toxics are removed from them and their enabled state is put back.
     */
    @Override
    public void close() {
        if (!touched) return;
        removeAll();
        restoreExisting();
        List<String> names = new ArrayList<>(proxies.values());
        names.removeAll(found.keySet());
        try {
            for (String p : proxyNames()) if (p.startsWith(runId + "-") && !names.contains(p)) names.add(p);
        } catch (FaultException e) { // a server that cannot list will not delete either: say once what may be left
            console.accept("cleanup: " + e.getMessage() + " Proxies possibly left there: " + String.join(", ", names));
            names.clear();
        }
        for (String p : names) {
            try {
                deleteProxy(p);
            } catch (FaultException e) {
                console.accept("cleanup: cannot delete proxy " + p + ": " + e.getMessage());
            }
        }
        proxies.clear();
    }

    /** Every toxic named with this run's id leaves the existing proxies (a stop between a toxic's creation and its handle leaves one). */
    private void restoreExisting() {
        for (Map.Entry<String, Boolean> e : List.copyOf(found.entrySet())) {
            String proxy = e.getKey();
            try {
                if (disabled.contains(proxy)) setEnabled(proxy, e.getValue());
                for (String t : toxicNames(proxy)) if (t.startsWith(runId + "-")) removeToxic(proxy, t);
            } catch (FaultException x) {
                console.accept("cleanup: cannot restore proxy " + proxy + " (" + x.getMessage() + "): toxics named " + runId
                    + "-* may be left on it" + (disabled.contains(proxy) ? ", and it may be left disabled" : ""));
            }
        }
    }
}
