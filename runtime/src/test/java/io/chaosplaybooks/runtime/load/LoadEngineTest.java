package io.chaosplaybooks.runtime.load;

import io.chaosplaybooks.dsl.plan.LoadProfile;
import io.chaosplaybooks.runtime.metrics.LoadMetricNames;
import io.chaosplaybooks.runtime.targets.ProvisionedTargets;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.*;

/** The engine against real memcached processes and against the stand-in: the same expectations. */
@Timeout(120)
class LoadEngineTest {
    @org.junit.jupiter.api.AfterEach
    void noMemcachedLeft() {
        TestServers.assertNoMemcachedLeft();
    }

    private static final long OPERATIONS = 20_000;

    private static LoadProfile.Builder bounded() {
        // Generous timeout: this is about correctness on a shared 2-core machine, not speed.
        return LoadProfile.builder().clients(8).keys(2_000).timeout(Duration.ofSeconds(3))
            .maxOperations(OPERATIONS).duration(Duration.ofSeconds(60));
    }

    @ParameterizedTest
    @EnumSource(TestServers.class)
    void mixIsHonouredAndEveryGetHitsAfterPrefill(TestServers kind) throws Exception {
        try (ProvisionedTargets targets = kind.start(3)) {
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            LoadProfile profile = bounded().mix(Map.of("get", 0.8, "set", 0.2)).build();
            List<LoadWindow> windows = new CopyOnWriteArrayList<>();
            Map<String, Map<String, Long>> statsBefore = new java.util.HashMap<>();
            for (ServerEndpoint s : targets.servers()) {
                statsBefore.put(s.name(), MemcachedText.stats(s));
            }
            LoadWindow summary;
            Map<String, Double> hitCounters = new java.util.HashMap<>();
            try (LoadEngine engine = new LoadEngine(targets.servers(), profile, registry)) {
                engine.addWindowListener(windows::add);
                engine.start();
                assertTrue(engine.awaitCompletion(Duration.ofSeconds(90)), "bounded run did not end");
                summary = engine.snapshot();
                assertEquals(0, engine.prefillFailures());
                for (ServerEndpoint s : targets.servers()) {
                    hitCounters.put(s.name(), registry.get(LoadMetricNames.OPERATIONS)
                        .tags(LoadMetricNames.TAG_SERVER, s.name(), LoadMetricNames.TAG_OP, "get", LoadMetricNames.TAG_RESULT, "hit")
                        .counter().count());
                }
            }
            ServerWindow total = summary.total();
            assertEquals(OPERATIONS, total.operations(), "exactly the operation count");
            assertEquals(0, total.errors(), "no errors against healthy servers: " + total);
            assertEquals(total.hits(), total.hits() + total.misses(), "every get hits after pre-fill: " + total);
            double getShare = (double) total.hits() / OPERATIONS;
            assertEquals(0.8, getShare, 0.02, "get share"); // 20 000 draws: 0.02 is about 7 standard deviations

            long sumOfServers = 0;
            for (ServerEndpoint s : targets.servers()) {
                ServerWindow w = summary.server(s.name()).orElseThrow();
                assertTrue(w.operations() > OPERATIONS / 10, "every server gets a share: " + w);
                sumOfServers += w.operations();
                // The engine's per-server meters agree with its windows...
                assertEquals(w.hits(), hitCounters.get(s.name()).longValue());
                // ...and the server itself saw those gets, all hits. Not exactly as many: xmemcached's
                // optimizeGet answers concurrent gets of the same key with one request, so the
                // server may count a few fewer (2 of about 5000 here).
                Map<String, Long> after = MemcachedText.stats(s);
                long serverGets = after.get("cmd_get") - statsBefore.get(s.name()).get("cmd_get");
                long serverHits = after.get("get_hits") - statsBefore.get(s.name()).get("get_hits");
                assertTrue(serverGets <= w.hits() && serverGets >= w.hits() * 0.98,
                    "gets seen by " + s.name() + ": " + serverGets + ", sent by the engine: " + w.hits());
                assertEquals(serverGets, serverHits, "every get the server saw hit, on " + s.name());
            }
            assertEquals(OPERATIONS, sumOfServers);
            long windowOps = windows.stream().mapToLong(w -> w.total().operations()).sum();
            assertTrue(windowOps <= OPERATIONS && windowOps >= OPERATIONS * 0.5,
                "windows carry the operations (a final window under 100 ms is not delivered): " + windowOps);
            assertTrue(total.latency().p50Ms() > 0 && total.latency().p999Ms() >= total.latency().p50Ms());
        }
    }

    @ParameterizedTest
    @EnumSource(TestServers.class)
    void deletesMakeMissesAndEverySetIsCounted(TestServers kind) throws Exception {
        try (ProvisionedTargets targets = kind.start(2)) {
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            LoadProfile profile = bounded().keys(200).mix(Map.of("get", 5.0, "set", 3.0, "delete", 2.0)).valueSize(10, 2000).build();
            try (LoadEngine engine = new LoadEngine(targets.servers(), profile, registry)) {
                engine.start();
                assertTrue(engine.awaitCompletion(Duration.ofSeconds(90)));
                ServerWindow total = engine.snapshot().total();
                assertEquals(0, total.errors(), total.toString());
                assertTrue(total.misses() > 0, "deletes leave keys missing: " + total);
                assertTrue(total.hits() > 0);
                double sets = sum(registry, "set", "ok");
                double deletes = sum(registry, "delete", "ok");
                assertEquals(0.5, (total.hits() + total.misses()) / (double) OPERATIONS, 0.02);
                assertEquals(0.3, sets / OPERATIONS, 0.02);
                assertEquals(0.2, deletes / OPERATIONS, 0.02);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(TestServers.class)
    void withoutPrefillGetsMissUntilWritten(TestServers kind) throws Exception {
        try (ProvisionedTargets targets = kind.start(1)) {
            LoadProfile profile = bounded().prefill(false).keys(50_000).mix(Map.of("get", 1.0)).maxOperations(2_000).build();
            try (LoadEngine engine = new LoadEngine(targets.servers(), profile, new SimpleMeterRegistry())) {
                engine.start();
                assertTrue(engine.awaitCompletion(Duration.ofSeconds(60)));
                ServerWindow total = engine.snapshot().total();
                assertEquals(2_000, total.misses(), "nothing was written, so nothing hits: " + total);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(TestServers.class)
    void stopReturnsPromptlyAndTheSnapshotIsFinal(TestServers kind) throws Exception {
        try (ProvisionedTargets targets = kind.start(1)) {
            LoadProfile profile = LoadProfile.builder().clients(4).keys(100).timeout(Duration.ofMillis(500)).build(); // unbounded
            try (LoadEngine engine = new LoadEngine(targets.servers(), profile, new SimpleMeterRegistry())) {
                engine.start();
                Thread.sleep(1_500);
                long t0 = System.nanoTime();
                engine.stop();
                long stopMillis = (System.nanoTime() - t0) / 1_000_000;
                assertTrue(stopMillis < 2_000, "stop took " + stopMillis + " ms (bound: timeout + 1 s + slack)");
                assertFalse(engine.isRunning());
                long ops = engine.snapshot().total().operations();
                assertTrue(ops > 0);
                Thread.sleep(300);
                assertEquals(ops, engine.snapshot().total().operations(), "nothing runs after stop");
            }
        }
    }

    @org.junit.jupiter.api.Test
    void aWindowListenerMayStopTheEngine() throws Exception {
        try (ProvisionedTargets targets = TestServers.STAND_IN.start(1)) {
            LoadProfile profile = LoadProfile.builder().clients(2).keys(100).duration(Duration.ofSeconds(30)).build();
            try (LoadEngine engine = new LoadEngine(targets.servers(), profile, new SimpleMeterRegistry())) {
                engine.addWindowListener(w -> engine.stop());
                engine.start();
                long t0 = System.nanoTime();
                assertTrue(engine.awaitCompletion(Duration.ofSeconds(10)), "stopped from its own window thread");
                assertTrue((System.nanoTime() - t0) / 1_000_000 < 4_000, "without waiting on itself");
            }
        }
    }

    @org.junit.jupiter.api.Test
    void stopDuringPrefillReturnsPromptly() throws Exception {
        try (ProvisionedTargets targets = TestServers.STAND_IN.start(1)) {
            LoadProfile profile = LoadProfile.builder().clients(2).keys(5_000_000).timeout(Duration.ofSeconds(1)).build();
            try (LoadEngine engine = new LoadEngine(targets.servers(), profile, new SimpleMeterRegistry())) {
                Thread starter = Thread.ofPlatform().start(() -> {
                    try {
                        engine.start();
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                });
                Thread.sleep(500);
                long t0 = System.nanoTime();
                engine.stop();
                starter.join(5_000);
                assertFalse(starter.isAlive(), "start() still pre-filling after stop()");
                assertTrue((System.nanoTime() - t0) / 1_000_000 < 3_000);
                assertFalse(engine.isRunning());
                assertTrue(engine.prefillTime().toMillis() < 5_000);
            }
        }
    }

    @org.junit.jupiter.api.Test
    void closeRemovesTheEnginesMetersSoANewEngineCanRegister() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (ProvisionedTargets targets = TestServers.STAND_IN.start(1)) {
            LoadProfile profile = LoadProfile.builder().clients(1).keys(10).maxOperations(100).duration(Duration.ofSeconds(10)).build();
            for (int round = 0; round < 2; round++) {
                try (LoadEngine engine = new LoadEngine(targets.servers(), profile, registry)) {
                    engine.start();
                    assertTrue(engine.awaitCompletion(Duration.ofSeconds(10)));
                    double ops = registry.find(LoadMetricNames.OPERATIONS).counters().stream().mapToDouble(Counter::count).sum();
                    assertEquals(100, ops, "each engine counts its own operations");
                    assertEquals(0, registry.get(LoadMetricNames.BREAKER_STATE).gauge().value());
                }
                assertTrue(registry.find(LoadMetricNames.OPERATIONS).counters().isEmpty());
                assertNull(registry.find(LoadMetricNames.BREAKER_STATE).gauge());
            }
        }
    }

    private static double sum(SimpleMeterRegistry registry, String op, String result) {
        List<Counter> counters = new ArrayList<>(registry.find(LoadMetricNames.OPERATIONS)
            .tags(LoadMetricNames.TAG_OP, op, LoadMetricNames.TAG_RESULT, result).counters());
        return counters.stream().mapToDouble(Counter::count).sum();
    }
}
