package io.chaosplaybooks.runtime.load;

import io.chaosplaybooks.dsl.plan.LoadProfile;
import io.chaosplaybooks.runtime.metrics.LoadMetricNames;
import io.chaosplaybooks.runtime.proxy.FaultEngine;
import io.chaosplaybooks.runtime.proxy.ProxySpec;
import io.chaosplaybooks.runtime.proxy.ToxicSpec;
import io.chaosplaybooks.runtime.targets.ProvisionedTargets;
import io.chaosplaybooks.runtime.targets.Targets;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A blackholed server: its breaker opens within the window, its keys fail over, traffic concentrates
 * on the healthy servers, and the breaker closes once the fault is gone. The fault comes from the
 * embedded fault engine's proxy in front of server-1.
 */
@Timeout(120)
class BreakerFailoverTest {
    @org.junit.jupiter.api.AfterEach
    void noMemcachedLeft() {
        TestServers.assertNoMemcachedLeft();
    }

    private static final Duration TIMEOUT = Duration.ofMillis(100);
    private static final Duration OPEN_WAIT = Duration.ofSeconds(1);

    @Test
    void blackholedServerOpensFailsOverAndRecovers() throws Exception {
        try (ProvisionedTargets backends = TestServers.memcachedInstalled()
                ? Targets.startLocalMemcached(3, l -> {}) : Targets.startStandIns(3, l -> {});
             FaultEngine faults = new FaultEngine()) {
            List<ServerEndpoint> servers = proxyFirst(backends, faults);
            // failure rate 0.5 over 20 calls once 10 were seen, 3 probes, slow calls beyond 10 s only
            var breaker = new LoadProfile.Breaker(0.5, OPEN_WAIT, 20, 10, 3, Duration.ofSeconds(10), 1.0);
            LoadProfile profile = LoadProfile.builder().clients(8).keys(3_000).timeout(TIMEOUT)
                .breaker(breaker).duration(Duration.ofSeconds(60)).build();
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            List<LoadWindow> windows = new CopyOnWriteArrayList<>();
            try (LoadEngine engine = new LoadEngine(servers, profile, registry)) {
                engine.addWindowListener(windows::add);
                engine.start();
                waitFor(() -> windows.size() >= 2, Duration.ofSeconds(10), "two healthy windows");
                LoadWindow healthy = windows.get(windows.size() - 1);
                double healthyShare = share(healthy, "server-1");
                assertTrue(healthyShare > 0.15, "server-1 takes its share when healthy: " + healthyShare);
                assertEquals(BreakerState.CLOSED, engine.breakerStates().get("server-1"));

                Instant faultAt = Instant.now();
                faults.addToxic("server-1", ToxicSpec.of("timeout", "upstream", Map.of("timeout", 0)));
                // 10 calls with 8 workers, each failing after the 100 ms timeout: well under a second;
                // 5 s is the stated tolerance for a shared, busy machine.
                waitFor(() -> opened(engine, "server-1"), Duration.ofSeconds(5), "server-1's breaker to open");
                BreakerTransition open = engine.breakerTransitions().stream()
                    .filter(t -> t.server().equals("server-1") && t.to() == BreakerState.OPEN).findFirst().orElseThrow();
                assertTrue(Duration.between(faultAt, open.at()).compareTo(Duration.ofSeconds(5)) < 0);

                // Two full windows with the fault in place and the breaker cycling open/half-open.
                int from = windows.size();
                waitFor(() -> windows.size() >= from + 3, Duration.ofSeconds(10), "windows under the fault");
                for (LoadWindow w : windows.subList(from + 1, from + 3)) {
                    ServerWindow faulty = w.server("server-1").orElseThrow();
                    assertTrue(faulty.failedOver() > 0, "server-1's keys fail over: " + faulty);
                    assertTrue(share(w, "server-1") < 0.05,
                        "traffic leaves server-1 (only half-open probes remain): " + share(w, "server-1"));
                    assertTrue(w.total().errorRate() < 0.05, "failover keeps errors low: " + w.total());
                    assertTrue(w.opsPerSecond("server-2") > 0 && w.opsPerSecond("server-3") > 0);
                }
                assertTrue(registry.get(LoadMetricNames.FAILOVERS).tag(LoadMetricNames.TAG_SERVER, "server-1").counter().count() > 0);

                Instant healedAt = Instant.now();
                faults.removeToxic("server-1", "timeout_upstream");
                // Closes at the next half-open probe after the fault: within the open wait plus a
                // probe round; 10 s is the stated tolerance.
                waitFor(() -> engine.breakerStates().get("server-1") == BreakerState.CLOSED
                        && engine.breakerTransitions().stream().anyMatch(t -> t.server().equals("server-1")
                            && t.to() == BreakerState.CLOSED && t.at().isAfter(healedAt)),
                    Duration.ofSeconds(10), "server-1's breaker to close after the fault");
                int after = windows.size();
                waitFor(() -> windows.size() >= after + 2, Duration.ofSeconds(10), "windows after recovery");
                LoadWindow recovered = windows.get(after + 1);
                assertTrue(share(recovered, "server-1") > 0.15, "server-1's keys come back: " + share(recovered, "server-1"));
                assertEquals(0, recovered.server("server-1").orElseThrow().failedOver());

                double transitions = registry.get(LoadMetricNames.BREAKER_TRANSITIONS)
                    .tags(LoadMetricNames.TAG_SERVER, "server-1", LoadMetricNames.TAG_FROM, "closed", LoadMetricNames.TAG_TO, "open")
                    .counter().count();
                assertEquals(1.0, transitions);
                assertTrue(engine.breakerTransitions().stream().noneMatch(t -> !t.server().equals("server-1")),
                    "healthy servers' breakers never moved: " + engine.breakerTransitions());
                // The engine watches its breakers by looking at them (no resilience4j events): the
                // rounds made under the fault are all there, as one chain, and as counted in the meters.
                List<String> chain = engine.breakerTransitions().stream().map(t -> t.from() + ">" + t.to()).toList();
                BreakerState state = BreakerState.CLOSED;
                for (BreakerTransition t : engine.breakerTransitions()) {
                    assertEquals(state, t.from(), "one chain: " + chain);
                    state = t.to();
                }
                long reopened = chain.stream().filter("HALF_OPEN>OPEN"::equals).count();
                assertTrue(reopened >= 1, "failed half-open probes reopened the breaker under the fault: " + chain);
                assertEquals((double) reopened, registry.get(LoadMetricNames.BREAKER_TRANSITIONS)
                    .tags(LoadMetricNames.TAG_SERVER, "server-1", LoadMetricNames.TAG_FROM, "half_open", LoadMetricNames.TAG_TO, "open")
                    .counter().count());
            }
        }
    }

    @Test
    void aServerThatGoesDownFailsOverAndIsUsedAgainWhenItIsBack() throws Exception {
        try (ProvisionedTargets backends = TestServers.memcachedInstalled()
                ? Targets.startLocalMemcached(2, l -> {}) : Targets.startStandIns(2, l -> {});
             FaultEngine faults = new FaultEngine()) {
            List<ServerEndpoint> servers = proxyFirst(backends, faults);
            var breaker = new LoadProfile.Breaker(0.5, OPEN_WAIT, 20, 10, 3, Duration.ofMillis(100), 1.0);
            LoadProfile profile = LoadProfile.builder().clients(4).keys(1_000).timeout(TIMEOUT)
                .breaker(breaker).duration(Duration.ofSeconds(60)).build();
            List<LoadWindow> windows = new CopyOnWriteArrayList<>();
            try (LoadEngine engine = new LoadEngine(servers, profile, new SimpleMeterRegistry())) {
                engine.addWindowListener(windows::add);
                engine.start();
                waitFor(() -> windows.size() >= 1, Duration.ofSeconds(10), "a healthy window");
                faults.updateProxy("server-1", new ProxySpec(null, null, null, false));
                waitFor(() -> opened(engine, "server-1"), Duration.ofSeconds(5), "server-1's breaker to open");
                int from = windows.size();
                waitFor(() -> windows.size() >= from + 2, Duration.ofSeconds(10), "a window while down");
                LoadWindow down = windows.get(from + 1);
                ServerWindow s1 = down.server("server-1").orElseThrow();
                assertTrue(s1.failedOver() > 0, "server-1's keys go to server-2: " + s1);
                assertTrue(down.total().errorRate() < 0.05, "failover keeps errors low: " + down.total());

                Instant backAt = Instant.now();
                faults.updateProxy("server-1", new ProxySpec(null, null, null, true));
                // xmemcached reconnects in the background (heal interval 250 ms here); the next
                // half-open probes then succeed. 10 s is the stated tolerance.
                waitFor(() -> engine.breakerTransitions().stream().anyMatch(t -> t.server().equals("server-1")
                        && t.to() == BreakerState.CLOSED && t.at().isAfter(backAt)),
                    Duration.ofSeconds(10), "server-1's breaker to close once it is back");
                int after = windows.size();
                waitFor(() -> windows.size() >= after + 2, Duration.ofSeconds(10), "windows after it is back");
                assertTrue(share(windows.get(after + 1), "server-1") > 0.2, "server-1 serves its keys again");
            }
        }
    }

    /** The servers with server-1 reached through a proxy of {@code faults}. */
    private static List<ServerEndpoint> proxyFirst(ProvisionedTargets backends, FaultEngine faults) {
        List<ServerEndpoint> servers = new ArrayList<>(backends.servers());
        int port = faults.createProxy(ProxySpec.of("server-1", "127.0.0.1:0", "127.0.0.1:" + servers.get(0).port())).listenPort();
        servers.set(0, new ServerEndpoint("server-1", "127.0.0.1", port));
        return servers;
    }

    private static boolean opened(LoadEngine engine, String server) {
        return engine.breakerTransitions().stream().anyMatch(t -> t.server().equals(server) && t.to() == BreakerState.OPEN);
    }

    private static double share(LoadWindow w, String server) {
        long total = w.total().operations();
        return total == 0 ? 0 : (double) w.server(server).orElseThrow().operations() / total;
    }

    static void waitFor(BooleanSupplier condition, Duration limit, String what) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out after " + limit.toSeconds() + " s waiting for " + what);
            }
            Thread.sleep(20);
        }
    }
}
