package io.chaosplaybooks.runtime.faults;

import io.chaosplaybooks.dsl.plan.Direction;
import io.chaosplaybooks.dsl.plan.Fault;
import io.chaosplaybooks.dsl.plan.FaultType;
import io.chaosplaybooks.runtime.exec.FaultBackend;
import io.chaosplaybooks.runtime.proxy.FaultEngine;
import io.chaosplaybooks.runtime.proxy.FaultEngineException;
import io.chaosplaybooks.runtime.proxy.ProxyInfo;
import io.chaosplaybooks.runtime.proxy.ProxySpec;
import io.chaosplaybooks.runtime.proxy.ToxicSpec;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Faults on the in-process engine, called directly (no HTTP on the data path's way): a fault is in
 * effect on live connections when {@link #apply} returns. {@code packetLoss} uses the engine's
 * {@code loss} toxic, which emulates TCP retransmission delays.
 */
public final class EmbeddedBackend implements FaultBackend {
    private final FaultEngine engine;
    private final boolean ownsEngine;
    private final String runId;
    private final Consumer<String> console;
    private final Map<String, String> proxies = Collections.synchronizedMap(new LinkedHashMap<>());
    private final List<Applied> applied = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger counter = new AtomicInteger();

    record Applied(String server, Fault fault, String proxy, List<String> toxics, boolean disabled) implements Handle {}

    /** A backend on its own engine, closed with it. */
    public EmbeddedBackend(String runId, Consumer<String> console) {
        this(new FaultEngine(), true, runId, console);
    }

    /** A backend on a shared engine (the REPL's, or one whose HTTP API is served too). */
    public EmbeddedBackend(FaultEngine engine, String runId, Consumer<String> console) {
        this(engine, false, runId, console);
    }

    private EmbeddedBackend(FaultEngine engine, boolean owns, String runId, Consumer<String> console) {
        this.engine = engine;
        this.ownsEngine = owns;
        this.runId = runId;
        this.console = console;
    }

    public FaultEngine engine() {
        return engine;
    }

    @Override
    public String name() {
        return "embedded";
    }

    @Override
    public String addProxy(String server, String upstream) throws FaultException {
        String name = runId + "-" + server;
        try {
            ProxyInfo p = engine.createProxy(ProxySpec.of(name, "127.0.0.1:0", upstream));
            proxies.put(server, name);
            return p.listen();
        } catch (FaultEngineException e) {
            throw new FaultException("cannot create proxy " + name + " for " + upstream + ": " + e.getMessage(), e);
        }
    }

    private String proxy(String server) throws FaultException {
        String p = proxies.get(server);
        if (p == null) throw new FaultException("no proxy for server '" + server + "'");
        return p;
    }

    /** Calls run in the interpreter until the JIT has seen a few thousand; the first faults would be late. */
    @Override
    public int warmUpRounds() {
        return 1_000;
    }

    @Override
    public Handle apply(String server, Fault fault) throws FaultException {
        String proxy = proxy(server);
        try {
            if (fault.type() == FaultType.DOWN) {
                engine.updateProxy(proxy, new ProxySpec(null, null, null, false));
                Applied a = new Applied(server, fault, proxy, List.of(), true);
                applied.add(a);
                return a;
            }
            List<String> names = new ArrayList<>();
            List<String> streams = fault.direction() == Direction.BOTH ? List.of("upstream", "downstream")
                : List.of(fault.direction().toxiproxyStream());
            try {
                for (String stream : streams) {
                    String name = runId + "-" + fault.type().toxicType() + "-" + counter.incrementAndGet() + "-" + stream;
                    engine.addToxic(proxy, new ToxicSpec(name, fault.type().toxicType(), stream, fault.toxicity(),
                        new LinkedHashMap<>(fault.attributes())));
                    names.add(name);
                }
            } catch (FaultEngineException e) {
                for (String n : names) engine.removeToxic(proxy, n);
                throw e;
            }
            Applied a = new Applied(server, fault, proxy, names, false);
            applied.add(a);
            return a;
        } catch (FaultEngineException e) {
            throw new FaultException("cannot apply " + fault.describe() + " on " + proxy + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void remove(Handle handle) throws FaultException {
        Applied a = (Applied) handle;
        try {
            if (a.disabled()) {
                engine.updateProxy(a.proxy(), new ProxySpec(null, null, null, true));
            } else {
                for (String t : a.toxics()) {
                    try {
                        engine.removeToxic(a.proxy(), t);
                    } catch (FaultEngineException e) {
                        if (e.status() != 404) throw e;
                    }
                }
            }
            applied.remove(a);
        } catch (FaultEngineException e) {
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

    @Override
    public void close() {
        removeAll();
        for (String p : List.copyOf(proxies.values())) {
            try {
                engine.deleteProxy(p);
            } catch (FaultEngineException e) {
                if (e.status() != 404) console.accept("cleanup: cannot delete proxy " + p + ": " + e.getMessage());
            }
        }
        proxies.clear();
        if (ownsEngine) engine.close();
    }
}
