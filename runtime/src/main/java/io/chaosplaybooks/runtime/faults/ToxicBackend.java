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
 */
abstract class ToxicBackend implements FaultBackend {
    private final String runId;
    protected final Consumer<String> console;
    private final Map<String, String> proxies = Collections.synchronizedMap(new LinkedHashMap<>());
    private final List<Applied> applied = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger counter = new AtomicInteger();

    /** A fault on one proxy: these toxics, or (for {@code down()}) the proxy disabled. */
    record Applied(String server, Fault fault, String proxy, List<String> toxics) implements Handle {}

    ToxicBackend(String runId, Consumer<String> console) {
        this.runId = runId;
        this.console = console;
    }

    /** Creates the proxy on a free loopback port and returns where it listens. */
    protected abstract String createProxy(String name, String upstream) throws FaultException;

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
        String name = runId + "-" + server;
        try {
            String listen = createProxy(name, upstream);
            proxies.put(server, name);
            return listen;
        } catch (FaultException e) {
            throw new FaultException("cannot create proxy " + name + " for " + upstream + ": " + e.getMessage(), e);
        }
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
            if (a.fault().type() == FaultType.DOWN) setEnabled(a.proxy(), true);
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
     * creation was cut short before the answer came back. Deleting a proxy deletes its toxics.
     */
    @Override
    public void close() {
        removeAll();
        List<String> names = new ArrayList<>(proxies.values());
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
}
