package io.chaosplaybooks.runtime.faults;

import io.chaosplaybooks.runtime.exec.FaultBackend;
import io.chaosplaybooks.runtime.proxy.FaultEngine;
import io.chaosplaybooks.runtime.proxy.ToxiproxyHttpApi;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Toxiproxy backend, through toxiproxy-java and HTTP, against our engine's Toxiproxy API: no Go binary needed. */
class ToxiproxyBackendTest extends FaultBackendContract {
    private ToxiproxyHttpApi api;
    private final List<String> console = new ArrayList<>();

    @Override
    protected FaultBackend createBackend(FaultEngine engine, String runId) throws Exception {
        api = ToxiproxyHttpApi.start(engine, "127.0.0.1", 0);
        return new ToxiproxyBackend(URI.create("http://127.0.0.1:" + api.port()), runId, console::add);
    }

    @Override
    protected void stopServing() {
        api.close();
    }

    @Test
    void saysWhichPacketLossItUses() throws Exception {
        backend.addProxy("server-1", "127.0.0.1:9");
        backend.apply("server-1", fault(io.chaosplaybooks.dsl.plan.FaultType.PACKET_LOSS, Map.of("rate", 0.1)));
        assertTrue(console.stream().anyMatch(l -> l.contains("has the loss toxic")), console.toString());
    }

    @Test
    void anUnreachableServerIsOneClearError() {
        var b = new ToxiproxyBackend(URI.create("http://127.0.0.1:1"), "r", m -> {});
        var e = assertThrows(FaultBackend.FaultException.class, b::version);
        assertTrue(e.getMessage().contains("does not answer"), e.getMessage());
    }
}
