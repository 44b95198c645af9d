package io.chaosplaybooks.runtime.faults;

import io.chaosplaybooks.dsl.plan.FaultType;
import io.chaosplaybooks.runtime.exec.FaultBackend;
import io.chaosplaybooks.runtime.proxy.FaultEngine;
import io.chaosplaybooks.runtime.proxy.ToxiproxyHttpApi;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Toxiproxy backend over HTTP against our engine's Toxiproxy API: no Go binary needed. */
class ToxiproxyBackendTest extends ToxiproxyApiContract {
    private final FaultEngine engine = new FaultEngine();
    private ToxiproxyHttpApi api;
    private URI url;
    private final List<String> console = new ArrayList<>();

    @Override
    protected FaultBackend createBackend(String runId) throws Exception {
        api = ToxiproxyHttpApi.start(engine, "127.0.0.1", 0);
        url = URI.create("http://127.0.0.1:" + api.port()); // kept: a stopped server has no port
        return new ToxiproxyBackend(url, runId, console::add);
    }

    @Override
    protected URI url() {
        return url;
    }

    @Override
    protected void stopServing() {
        api.close();
        engine.close();
    }

    @Test
    void saysWhichPacketLossItUses() throws Exception {
        backend.addProxy("server-1", "127.0.0.1:9");
        backend.apply("server-1", fault(FaultType.PACKET_LOSS, Map.of("rate", 0.1)));
        assertTrue(console.stream().anyMatch(l -> l.contains("has the loss toxic")), console.toString());
        assertTrue(backend.cannotExpress(fault(FaultType.PACKET_LOSS, Map.of("rate", 0.1))).isEmpty());
    }

    @Test
    void anUnreachableServerIsOneClearError() {
        var b = new ToxiproxyBackend(URI.create("http://127.0.0.1:1"), "r", m -> {});
        var e = assertThrows(FaultBackend.FaultException.class, b::version);
        assertTrue(e.getMessage().contains("does not answer (connection refused)"), e.getMessage());
    }

    @Test
    void aServerGoneMidRunIsNamedWithItsAddressAndCause() throws Exception {
        backend.addProxy("server-2", "127.0.0.1:9");
        api.close();
        var e = assertThrows(FaultBackend.FaultException.class,
            () -> backend.apply("server-2", fault(FaultType.PACKET_LOSS, Map.of("rate", 0.05))));
        String expected = "cannot apply packetLoss(5%) on " + runId + "-server-2: Toxiproxy at " + url()
            + " does not answer (connection refused); is it running?";
        assertTrue(e.getMessage().equals(expected), e.getMessage());
        backend.close();
        assertEquals(List.of("cleanup: Toxiproxy at " + url() + " does not answer (connection refused); is it running? "
            + "Proxies possibly left there: " + runId + "-server-2"), console.stream().filter(l -> l.startsWith("cleanup")).toList());
    }
}
