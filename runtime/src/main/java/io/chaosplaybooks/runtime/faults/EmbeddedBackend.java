package io.chaosplaybooks.runtime.faults;

import io.chaosplaybooks.runtime.proxy.FaultEngine;
import io.chaosplaybooks.runtime.proxy.FaultEngineException;
import io.chaosplaybooks.runtime.proxy.ProxySpec;
import io.chaosplaybooks.runtime.proxy.ToxicSpec;

import java.util.List;
import java.util.function.Consumer;

/**
 * Faults on the in-process engine, called directly (no HTTP on the data path's way): a fault is in
 * effect on live connections when {@link #apply} returns. {@code packetLoss} uses the engine's
 * {@code loss} toxic, which emulates TCP retransmission delays.
 */
public final class EmbeddedBackend extends ToxicBackend {
    private final FaultEngine engine;
    private final boolean ownsEngine;

    /** A backend on its own engine, closed with it. */
    public EmbeddedBackend(String runId, Consumer<String> console) {
        this(new FaultEngine(), true, runId, console);
    }

    /** A backend on a shared engine (the REPL's, or one whose HTTP API is served too). */
    public EmbeddedBackend(FaultEngine engine, String runId, Consumer<String> console) {
        this(engine, false, runId, console);
    }

    private EmbeddedBackend(FaultEngine engine, boolean owns, String runId, Consumer<String> console) {
        super(runId, console);
        this.engine = engine;
        this.ownsEngine = owns;
    }

    @Override
    public String name() {
        return "embedded";
    }

    /** Calls run in the interpreter until the JIT has seen a few thousand; the first faults would be late. */
    @Override
    public int warmUpRounds() {
        return 1_000;
    }

    /** One engine call: {@code false} when its proxy or toxic is not there, any other refusal the cause of a failure. */
    private interface EngineCall {
        void run() throws FaultEngineException;
    }

    private static boolean found(EngineCall c) throws FaultException {
        try {
            c.run();
            return true;
        } catch (FaultEngineException e) {
            if (e.status() == 404) return false;
            throw new FaultException(e.getMessage(), e);
        }
    }

    private static void mustFind(String proxy, EngineCall c) throws FaultException {
        if (!found(c)) throw new FaultException("proxy not found: " + proxy);
    }

    @Override
    protected String createProxy(String name, String listen, String upstream) throws FaultException {
        try {
            return engine.createProxy(ProxySpec.of(name, listen, upstream)).listen();
        } catch (FaultEngineException e) {
            throw new FaultException(e.getMessage(), e);
        }
    }

    @Override
    protected void setEnabled(String proxy, boolean enabled) throws FaultException {
        mustFind(proxy, () -> engine.updateProxy(proxy, new ProxySpec(null, null, null, enabled)));
    }

    @Override
    protected void addToxic(String proxy, ToxicSpec toxic) throws FaultException {
        mustFind(proxy, () -> engine.addToxic(proxy, toxic));
    }

    @Override
    protected boolean removeToxic(String proxy, String toxic) throws FaultException {
        return found(() -> engine.removeToxic(proxy, toxic));
    }

    @Override
    protected boolean deleteProxy(String proxy) throws FaultException {
        return found(() -> engine.deleteProxy(proxy));
    }

    @Override
    protected FoundProxy findProxy(String name) {
        var p = engine.proxies().get(name);
        return p == null ? null : new FoundProxy(p.listen(), p.upstream(), p.enabled());
    }

    @Override
    protected List<String> toxicNames(String proxy) {
        var p = engine.proxies().get(proxy);
        return p == null ? List.of() : p.toxics().stream().map(io.chaosplaybooks.runtime.proxy.ToxicSpec::name).toList();
    }

    @Override
    protected String connectHost() {
        return "127.0.0.1";
    }

    @Override
    protected List<String> proxyNames() {
        return List.copyOf(engine.proxies().keySet());
    }

    @Override
    public void close() {
        super.close();
        if (ownsEngine) engine.close();
    }
}
