package io.chaosplaybooks.runtime.load;

import io.chaosplaybooks.dsl.plan.LoadProfile;
import io.chaosplaybooks.runtime.proxy.FaultEngine;
import io.chaosplaybooks.runtime.proxy.ProxySpec;
import io.chaosplaybooks.runtime.proxy.ToxicSpec;
import io.chaosplaybooks.runtime.targets.ProvisionedTargets;
import io.chaosplaybooks.runtime.targets.Targets;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Open loop: a server stalled for a known time shows in p99, because every operation's latency
 * counts from when it was due, not from when a worker got round to sending it.
 */
@Timeout(90)
class OpenLoopStallTest {
    @org.junit.jupiter.api.AfterEach
    void noMemcachedLeft() {
        TestServers.assertNoMemcachedLeft();
    }

    private static final Duration STALL = Duration.ofMillis(1000);

    @Test
    void aStallShowsInTheOpenLoopPercentiles() throws Exception {
        try (ProvisionedTargets backend = TestServers.memcachedInstalled()
                ? Targets.startLocalMemcached(1, l -> {}) : Targets.startStandIns(1, l -> {});
             FaultEngine faults = new FaultEngine()) {
            int port = faults.createProxy(ProxySpec.of("server-1", "127.0.0.1:0",
                "127.0.0.1:" + backend.servers().get(0).port())).listenPort();
            // The timeout and slow-call threshold are far above the stall: this is about latency
            // accounting, not the breaker.
            var d = LoadProfile.Breaker.defaults();
            var noTrip = new LoadProfile.Breaker(d.failureRate(), d.openFor(), d.window(), d.minimumCalls(), d.halfOpenCalls(), Duration.ofSeconds(30), 1.0);
            double rate = 400;
            Duration run = Duration.ofSeconds(5);
            LoadProfile profile = LoadProfile.builder().ratePerSecond(rate).clients(32).keys(1_000)
                .timeout(Duration.ofSeconds(10)).breaker(noTrip).duration(run).build();
            try (LoadEngine engine = new LoadEngine(List.of(new ServerEndpoint("server-1", "127.0.0.1", port)),
                    profile, new SimpleMeterRegistry())) {
                engine.start();
                Thread.sleep(2_000);
                // bandwidth 0 holds the requests until the toxic is removed
                faults.addToxic("server-1", ToxicSpec.of("bandwidth", "upstream", Map.of("rate", 0)));
                Thread.sleep(STALL.toMillis());
                faults.removeToxic("server-1", "bandwidth_upstream");
                assertTrue(engine.awaitCompletion(Duration.ofSeconds(30)));
                ServerWindow total = engine.snapshot().total();
                LatencySummary latency = total.latency();
                // About rate x run operations were due (the machine may lose a few to scheduling).
                assertTrue(total.operations() > rate * run.toSeconds() * 0.9 && total.operations() <= rate * run.toSeconds() + 1,
                    "operations " + total.operations());
                assertEquals(0, total.errors(), total.toString());
                // Operations due during the stall wait for its end: their latencies spread over
                // 0..1 s and make up a fifth of the run, so p99 sits near the stall's length.
                // Stated tolerance: p99 at least half the stall; max between 0.8x and stall + 1.5 s.
                assertTrue(latency.p99Ms() >= STALL.toMillis() * 0.5, "p99 " + latency.p99Ms() + " ms hides the stall");
                assertTrue(latency.maxMs() >= STALL.toMillis() * 0.8, "max " + latency.maxMs());
                assertTrue(latency.maxMs() <= STALL.toMillis() + 1_500, "max " + latency.maxMs());
                // A closed-loop measurement would have seen only the 32 operations in flight stall;
                // here the share of slow operations is far larger.
                assertTrue(latency.p90Ms() >= 50, "p90 " + latency.p90Ms() + " ms: the queued operations count");
            }
        }
    }
}
