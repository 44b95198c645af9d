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

    public FaultEngine engine() {
        return engine;
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

    /** One engine call; a 404 answers {@code false}, any other refusal is the cause of the caller's failure. */
    private interface EngineCall {
        void run() throws FaultEngineException;
    }

    private static boolean call(EngineCall c) throws FaultException {
        try {
            c.run();
            return true;
        } catch (FaultEngineException e) {
            if (e.status() == 404) return false;
            throw new FaultException(e.getMessage(), e);
        }
    }

    @Override
    protected String createProxy(String name, String upstream) throws FaultException {
        try {
            return engine.createProxy(ProxySpec.of(name, "127.0.0.1:0", upstream)).listen();
        } catch (FaultEngineException e) {
            throw new FaultException(e.getMessage(), e);
        }
    }

    @Override
    protected void setEnabled(String proxy, boolean enabled) throws FaultException {
        if (!call(() -> engine.updateProxy(proxy, new ProxySpec(null, null, null, enabled)))) {
            throw new FaultException("proxy not found: " + proxy);
        }
    }

    @Override
    protected void addToxic(String proxy, ToxicSpec toxic) throws FaultException {
        if (!call(() -> engine.addToxic(proxy, toxic))) throw new FaultException("proxy not found: " + proxy);
    }

    @Override
    protected boolean removeToxic(String proxy, String toxic) throws FaultException {
        return call(() -> engine.removeToxic(proxy, toxic));
    }

    @Override
    protected boolean deleteProxy(String proxy) throws FaultException {
        return call(() -> engine.deleteProxy(proxy));
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
