package io.chaosplaybooks.runtime.faults;

import io.chaosplaybooks.runtime.exec.FaultBackend;
import io.chaosplaybooks.runtime.proxy.FaultEngine;
import io.chaosplaybooks.runtime.proxy.ProxyInfo;
import io.chaosplaybooks.runtime.proxy.ProxySpec;

import java.util.Map;

class EmbeddedBackendTest extends FaultBackendContract {
    private final FaultEngine engine = new FaultEngine();

    @Override
    protected FaultBackend createBackend(String runId) {
        return new EmbeddedBackend(engine, runId, m -> {});
    }

    @Override
    protected Map<String, ProxyInfo> proxies() {
        return engine.proxies();
    }

    @Override
    protected void createOtherProxy(String name, String upstream) {
        engine.createProxy(ProxySpec.of(name, "127.0.0.1:0", upstream));
    }

    @Override
    protected void deleteOtherProxy(String name) {
        engine.deleteProxy(name);
    }

    @Override
    protected void stopServing() {
        engine.close();
    }
}
