package io.chaosplaybooks.runtime.faults;

import io.chaosplaybooks.runtime.exec.FaultBackend;
import io.chaosplaybooks.runtime.proxy.FaultEngine;

class EmbeddedBackendTest extends FaultBackendContract {
    @Override
    protected FaultBackend createBackend(FaultEngine engine, String runId) {
        return new EmbeddedBackend(engine, runId, m -> {});
    }
}
