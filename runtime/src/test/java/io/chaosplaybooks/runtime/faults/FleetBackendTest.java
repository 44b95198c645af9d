package io.chaosplaybooks.runtime.faults;

import io.chaosplaybooks.dsl.plan.FaultType;
import io.chaosplaybooks.runtime.exec.FaultBackend;
import io.chaosplaybooks.runtime.proxy.FaultEngine;
import io.chaosplaybooks.runtime.proxy.ProxyInfo;
import io.chaosplaybooks.runtime.proxy.ProxySpec;
import io.chaosplaybooks.runtime.proxy.ToxicSpec;
import io.chaosplaybooks.runtime.proxy.ToxiproxyHttpApi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.chaosplaybooks.runtime.faults.FaultBackendContract.fault;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Existing proxies used as found, proxies at a chosen listen address, and a backend per server, over two Toxiproxy APIs. */
class FleetBackendTest {
    private final FaultEngine hostA = new FaultEngine();
    private final FaultEngine hostB = new FaultEngine();
    private final List<ToxiproxyHttpApi> apis = new ArrayList<>();
    private final List<String> console = new ArrayList<>();

    private URI serve(FaultEngine engine) throws Exception {
        ToxiproxyHttpApi api = ToxiproxyHttpApi.start(engine, "127.0.0.1", 0);
        apis.add(api);
        return URI.create("http://127.0.0.1:" + api.port());
    }

    @AfterEach
    void stop() {
        apis.forEach(ToxiproxyHttpApi::close);
        hostA.close();
        hostB.close();
    }

    @Test
    void anExistingProxyIsLeftExactlyAsFound() throws Exception {
        ProxyInfo before = hostA.createProxy(ProxySpec.of("memcached_a", "127.0.0.1:0", "127.0.0.1:9"));
        var backend = new ToxiproxyBackend(serve(hostA), "chaos-t1", console::add);
        String at = backend.useProxy("cache-a", "memcached_a");
        assertEquals(before.listen(), at);
        assertEquals("127.0.0.1:9", backend.upstreamOf("cache-a"));
        var down = backend.apply("cache-a", fault(FaultType.DOWN, Map.of()));
        backend.apply("cache-a", fault(FaultType.LATENCY, Map.of("latency", 100, "jitter", 0)));
        assertFalse(hostA.proxy("memcached_a").enabled());
        assertEquals(1, hostA.proxy("memcached_a").toxics().size());
        backend.remove(down);
        assertTrue(hostA.proxy("memcached_a").enabled(), "down() re-enables the proxy");
        // A toxic of the run whose handle never came back (a stop between the request and its answer).
        hostA.addToxic("memcached_a", new ToxicSpec("chaos-t1-latency-99-downstream", "latency", "downstream", 1.0, Map.of("latency", 5)));
        backend.close();
        assertEquals(before, hostA.proxy("memcached_a"), "same listen, upstream, enabled, no toxics");
    }

    @Test
    void aDisabledExistingProxyStaysDisabledAndOthersToxicsStay() throws Exception {
        hostA.createProxy(new ProxySpec("p", "127.0.0.1:0", "127.0.0.1:9", false));
        hostA.addToxic("p", new ToxicSpec("theirs", "latency", "downstream", 1.0, Map.of("latency", 5)));
        ProxyInfo before = hostA.proxy("p");
        var backend = new ToxiproxyBackend(serve(hostA), "chaos-t2", console::add);
        backend.useProxy("s", "p");
        backend.apply("s", fault(FaultType.DOWN, Map.of()));
        backend.close(); // the down() is still in place: removed by the cleanup
        assertEquals(before, hostA.proxy("p"));
    }

    @Test
    void aMissingProxyIsAnErrorNamingWhatIsThere() throws Exception {
        hostA.createProxy(ProxySpec.of("memcached_b", "127.0.0.1:0", "127.0.0.1:9"));
        var backend = new ToxiproxyBackend(serve(hostA), "chaos-t3", console::add);
        var e = assertThrows(FaultBackend.FaultException.class, () -> backend.useProxy("cache-a", "memcached_a"));
        assertTrue(e.getMessage().contains("there is no proxy 'memcached_a' on toxiproxy http://127.0.0.1:")
            && e.getMessage().contains("(it has: memcached_b)"), e.getMessage());
        backend.close();
        assertEquals(List.of("memcached_b"), List.copyOf(hostA.proxies().keySet()));
    }

    @Test
    void aProxyListensWhereToldAndEveryAddressIsReachedAtTheApisHost() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        var backend = new ToxiproxyBackend(serve(hostA), "chaos-t4", console::add);
        assertEquals("127.0.0.1:" + port, backend.addProxy("cache-a", "127.0.0.1:9", "0.0.0.0:" + port));
        String listen = hostA.proxy("chaos-t4-cache-a").listen();
        assertTrue(listen.endsWith(":" + port) && ToxicBackend.anyAddress(listen.substring(0, listen.lastIndexOf(':'))), listen);
        backend.close();
        assertTrue(hostA.proxies().isEmpty());
    }

    @Test
    void eachServersFaultsGoToItsOwnToxiproxyAndCleanupReachesEvery() throws Exception {
        var a = new ToxiproxyBackend(serve(hostA), "chaos-t5", console::add);
        var b = new ToxiproxyBackend(serve(hostB), "chaos-t5", console::add);
        var fleet = new ServerRoutedBackend(new java.util.LinkedHashMap<>(Map.of("cache-a", a, "cache-b", b)));
        assertEquals(2, fleet.members().size());
        fleet.addProxy("cache-a", "127.0.0.1:9", null);
        fleet.addProxy("cache-b", "127.0.0.1:9", null);
        fleet.apply("cache-a", fault(FaultType.LATENCY, Map.of("latency", 100, "jitter", 0)));
        assertEquals(1, hostA.proxy("chaos-t5-cache-a").toxics().size());
        assertTrue(hostB.proxy("chaos-t5-cache-b").toxics().isEmpty());
        assertThrows(FaultBackend.FaultException.class, () -> fleet.apply("cache-c", fault(FaultType.DOWN, Map.of())));
        fleet.close();
        assertTrue(hostA.proxies().isEmpty() && hostB.proxies().isEmpty());
    }
}
