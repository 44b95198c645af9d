package io.chaosplaybooks.runtime.control;

import io.chaosplaybooks.runtime.events.RunEvent;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LiveViewTest {
    static final long MS = 1_000_000L;

    /** The view's clock: the run started at 5 s on it; {@link #at} moves it to a time into the run. */
    final AtomicLong clock = new AtomicLong(5_000 * MS);
    final LiveView view = new LiveView("chaos-abc123", "smoke", clock::get);

    void at(double runMs) {
        clock.set(5_000 * MS + Math.round(runMs * MS));
    }

    static RunEvent.RunStart runStart() {
        return new RunEvent.RunStart(2, "chaos-abc123", "2026-12-02T15:00:00Z", "memcached-smoke", "smoke.groovy", "sha256:x",
            "embedded", 1, 1.0, List.of("server-1", "server-2"), List.of(), List.of(), "STAND_IN", List.of("loss", "latency"));
    }

    static RunEvent.LoadSecond second(double endMs, double ops, double errorRate, Double p99, String breaker1) {
        return new RunEvent.LoadSecond(endMs - 1000, endMs, Math.round(ops), Math.round(ops * errorRate), ops, errorRate, 1.0, p99,
            Map.of("server-1", new RunEvent.ServerSecond(10, 1, breaker1, 2.0)), null);
    }

    @Test
    void beforeTheFirstEventTheRunIsStartingWithNothingToShow() {
        LiveStatus s = view.status();
        assertEquals("chaos-abc123", s.runId());
        assertEquals("smoke", s.playbook());
        assertEquals("starting", s.state());
        assertNull(s.scenario());
        assertNull(s.phaseLeftMs());
        assertTrue(s.faults().isEmpty());
        assertTrue(s.live());
    }

    @Test
    void followsScenariosPhasesLoadBreakersAndFaults() {
        view.on(runStart());
        assertEquals("running", view.status().state());
        assertEquals("memcached-smoke", view.status().playbook());
        assertEquals(Map.of("server-1", "closed", "server-2", "closed"), view.status().breakers());

        // Heard 50 ms after it happened (the events reach listeners on their own thread): the view's
        // estimate of the run's start is off by that much until an event is heard sooner.
        at(301);
        view.on(new RunEvent.ScenarioStart("loss", 250, 251));
        at(10_250);
        assertEquals(10_200, view.status().elapsedMs(), 1.0);
        assertNull(view.status().phaseLeftMs(), "no phase yet");
        at(252);
        view.on(new RunEvent.PhaseStart("loss", "stabilize", null, 30_000, 250, 252));
        at(10_250);
        LiveStatus s = view.status();
        assertEquals("loss", s.scenario());
        assertEquals(1, s.scenarioIndex());
        assertEquals(2, s.scenarioCount());
        assertEquals(1, s.iteration());
        assertEquals("stabilize", s.phase());
        assertEquals(20_000, s.phaseLeftMs(), 1.0);
        assertNull(s.opsPerSecond());

        at(11_000);
        view.on(second(11_000, 5000, 0.01, 3.5, "closed"));
        at(30_260);
        view.on(new RunEvent.PhaseStart("loss", "inject", null, 60_000, 30_250, 30_255));
        view.on(new RunEvent.FaultApplied("loss", "server-1", "packetLoss(0.5)", "loss", Map.of("rate", 0.5), "both", null, 30_250, 30_258));
        at(31_000);
        view.on(new RunEvent.BreakerChange("server-1", "CLOSED", "OPEN", 31_000));
        at(40_250);
        s = view.status();
        assertEquals("inject", s.phase());
        assertEquals(50_000, s.phaseLeftMs(), 1.0);
        assertEquals(5000, s.opsPerSecond());
        assertEquals(0.01, s.errorRate());
        assertEquals(3.5, s.p99Ms());
        assertEquals("open", s.breakers().get("server-1"));
        assertEquals(List.of(new LiveStatus.ActiveFault("server-1", "packetLoss(0.5)", "loss", "loss", 30_258)), s.faults());
        assertEquals(40_250, s.elapsedMs(), 1.0);

        // The load second reports the breaker too, in lower case.
        at(41_000);
        view.on(second(41_000, 4000, 0.2, 9.0, "half_open"));
        assertEquals("half_open", view.status().breakers().get("server-1"));

        at(90_300);
        view.on(new RunEvent.FaultRemoved("loss", "server-1", "packetLoss(0.5)", "loss", Map.of("rate", 0.5), "both", null,
            "inject ended", 90_250, 90_260));
        view.on(new RunEvent.PhaseStart("loss", "recover", null, 60_000, 90_250, 90_262));
        assertTrue(view.status().faults().isEmpty());
        view.on(new RunEvent.ScenarioEnd("loss", 150_250, 150_251));
        assertNull(view.status().phase());
        assertNull(view.status().phaseLeftMs());

        view.on(new RunEvent.ScenarioStart("latency", 151_400, 151_401));
        assertEquals(2, view.status().scenarioIndex());
        view.on(new RunEvent.ScenarioEnd("latency", 160_000, 160_000));
        view.on(new RunEvent.ScenarioStart("loss", 161_000, 161_000));
        // A second pass over the selection.
        assertEquals(1, view.status().scenarioIndex());
        assertEquals(2, view.status().iteration());
    }

    @Test
    void aPauseHoldsTheTimeLeftAndTheResumeShiftsThePhasesEnd() {
        view.on(runStart());
        view.on(new RunEvent.ScenarioStart("loss", 0, 0));
        view.on(new RunEvent.PhaseStart("loss", "inject", null, 60_000, 0, 0));
        at(10_000);
        view.on(new RunEvent.Paused("chaos pause (pid 42)", 10_000));
        at(25_000);
        LiveStatus s = view.status();
        assertEquals("paused", s.state());
        assertEquals("chaos pause (pid 42)", s.by());
        assertEquals(50_000, s.phaseLeftMs(), 1.0);
        assertEquals(10_000, s.elapsedMs(), 1.0);
        view.on(new RunEvent.Resumed("chaos resume (pid 43)", 25_000));
        at(35_000);
        s = view.status();
        assertEquals("running", s.state());
        assertNull(s.by());
        assertEquals(40_000, s.phaseLeftMs(), 1.0);
    }

    @Test
    void aFaultWithoutForHasNoTimeLeftAndTheScenarioEndTakesItsFaultsOff() {
        view.on(runStart());
        view.on(new RunEvent.ScenarioStart("loss", 0, 0));
        view.on(new RunEvent.PhaseStart("loss", "inject", null, 0, 0, 0));
        view.on(new RunEvent.FaultApplied("loss", "server-2", "down()", "down", Map.of(), "both", null, 0, 1));
        assertNull(view.status().phaseLeftMs());
        assertEquals(1, view.status().faults().size());
        view.on(new RunEvent.ScenarioEnd("loss", 100, 100));
        assertTrue(view.status().faults().isEmpty());
    }

    @Test
    void theEndSaysHowTheRunEnded() {
        view.on(runStart());
        view.on(new RunEvent.Verdict("loss", 1, "pass", List.of(), Map.of()));
        view.on(new RunEvent.Verdict("latency", 1, "fail", List.of(), Map.of()));
        view.on(new RunEvent.RunEnd(false, 1000));
        assertEquals("failed", view.status().state());
        assertFalse(view.status().live());
        assertNull(view.status().elapsedMs());

        LiveView stopped = new LiveView("chaos-1", "p", clock::get);
        stopped.on(runStart());
        stopped.on(new RunEvent.RunStopped("chaos stop (pid 7)", "stopped from another shell", 500));
        assertEquals("stopping", stopped.status().state());
        assertEquals("chaos stop (pid 7)", stopped.status().by());
        stopped.on(new RunEvent.RunEnd(true, 600));
        assertEquals("stopped", stopped.status().state());
        assertEquals("chaos stop (pid 7)", stopped.status().by());
    }

    @Test
    void theStatusRoundTripsThroughJsonAndLeavesAbsentFieldsOut() {
        view.on(runStart());
        view.on(new RunEvent.ScenarioStart("loss", 0, 0));
        view.on(new RunEvent.PhaseStart("loss", "inject", null, 60_000, 0, 0));
        view.on(new RunEvent.FaultApplied("loss", "server-1", "latency(200.ms)", "latency", Map.of("latency", 200), "downstream", null, 0, 1));
        LiveStatus s = view.status().withPid(1234);
        String json = s.toJson();
        assertFalse(json.contains("opsPerSecond"), json);
        assertTrue(json.contains("\"pid\":1234"), json);
        assertEquals(s, LiveStatus.parse(json));
        assertEquals(List.of(s, s), LiveStatus.parseList(LiveStatus.toJson(List.of(s, s))));
        // A newer tool's extra fields are skipped.
        assertEquals("x", LiveStatus.parse("{\"runId\":\"x\",\"state\":\"running\",\"newField\":[1]}").runId());
    }
}
