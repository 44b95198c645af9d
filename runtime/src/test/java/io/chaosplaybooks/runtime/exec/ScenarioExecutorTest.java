package io.chaosplaybooks.runtime.exec;

import io.chaosplaybooks.dsl.PlaybookLoader;
import io.chaosplaybooks.dsl.plan.Fault;
import io.chaosplaybooks.dsl.plan.Playbook;
import io.chaosplaybooks.dsl.plan.Scenario;
import io.chaosplaybooks.runtime.events.RunEvent;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ScenarioExecutorTest {
    static final long S = 1_000_000_000L;

    static Playbook playbook(String text) {
        var r = new PlaybookLoader().loadText("t.groovy", text);
        assertTrue(r.ok(), r.formatProblems());
        return r.playbook();
    }

    static Scenario scenario(String text) {
        return playbook(text).scenarios().get(0);
    }

    /** Records what the executor did to the faults, with the (virtual) time. */
    static final class RecordingBackend implements FaultBackend {
        final List<String> log = Collections.synchronizedList(new ArrayList<>());
        final List<Handle> live = Collections.synchronizedList(new ArrayList<>());
        final Clock clock;
        String failOn;

        RecordingBackend(Clock clock) { this.clock = clock; }

        record H(String server, Fault fault) implements Handle {}

        public String name() { return "recording"; }

        public String addProxy(String server, String upstream) { return upstream; }

        public Handle apply(String server, Fault fault) throws FaultException {
            if (server.equals(failOn)) throw new FaultException("server unreachable");
            H h = new H(server, fault);
            live.add(h);
            log.add(clock.nanos() / S + "s +" + fault.type().word() + "@" + server);
            return h;
        }

        public void remove(Handle h) {
            live.remove(h);
            log.add(clock.nanos() / S + "s -" + h.fault().type().word() + "@" + h.server());
        }

        public void removeAll() { live.clear(); }

        public void close() {}
    }

    static ScenarioExecutor.Outcome run(String text, RecordingBackend backend, Clock clock, double scale, RunListener l) {
        Playbook pb = playbook(text);
        var targets = new TargetResolver(pb.servers().stream().map(s -> s.name()).toList(), 42);
        long start = clock.nanos();
        return new ScenarioExecutor(clock, backend, targets, l, start).run(pb.scenarios().get(0), start, scale);
    }

    @Test
    void theCardScenarioRunsOnItsDeadlines() {
        VirtualClock clock = new VirtualClock();
        RecordingBackend b = new RecordingBackend(clock);
        List<RunEvent> events = new ArrayList<>();
        var out = run("scenario \"packet-loss-10\" { stabilize 30.s; inject packetLoss(0.1) on server(1) for 1.min; recover 60.s }",
            b, clock, 1.0, events::add);
        assertTrue(out.ok(), out.errors().toString());
        var fault = Map.<String, Number>of("rate", 0.1);
        assertEquals(List.of(
            new RunEvent.ScenarioStart("packet-loss-10", 0, 0),
            new RunEvent.PhaseStart("packet-loss-10", "stabilize", null, 30_000, 0, 0),
            new RunEvent.PhaseStart("packet-loss-10", "inject", null, 60_000, 30_000, 30_000),
            new RunEvent.FaultApplied("packet-loss-10", "server-1", "packetLoss(10%)", "packetLoss", fault, "both", 1.0, 30_000, 30_000),
            new RunEvent.FaultRemoved("packet-loss-10", "server-1", "packetLoss(10%)", "packetLoss", fault, "both", 1.0, "inject ended", 90_000, 90_000),
            new RunEvent.PhaseStart("packet-loss-10", "recover", null, 60_000, 90_000, 90_000),
            new RunEvent.ScenarioEnd("packet-loss-10", 150_000, 150_000)), events);
        assertEquals(List.of("30s +packetLoss@server-1", "90s -packetLoss@server-1"), b.log);
        assertEquals(150 * S, clock.nanos());
        assertEquals(List.of(new ActionPlan.Window("inject", 30 * S, 90 * S)), out.plan().windows("inject"));
    }

    @Test
    void parallelBranchesStartTogetherAndEndOnTheirOwn() {
        VirtualClock clock = new VirtualClock();
        RecordingBackend b = new RecordingBackend(clock);
        run("""
            scenario "p" {
              stabilize 10.s
              parallel {
                inject latency(100.ms) on server(1) for 20.s
                inject packetLoss(0.5) on server(2) for 5.s
              }
              recover 10.s
            }""", b, clock, 1.0, e -> { });
        assertEquals(List.of("10s +latency@server-1", "10s +packetLoss@server-2", "15s -packetLoss@server-2",
            "30s -latency@server-1"), b.log);
        assertEquals(40 * S, clock.nanos());
    }

    @Test
    void openEndedInjectLastsUntilHealOfItsServer() {
        VirtualClock clock = new VirtualClock();
        RecordingBackend b = new RecordingBackend(clock);
        var out = run("""
            scenario "o" {
              stabilize 5.s
              inject blackhole() on servers(1, 2)
              wait 10.s
              heal server(1)
              wait 5.s
              heal
              wait 1.s
            }""", b, clock, 1.0, e -> { });
        assertEquals(List.of("5s +blackhole@server-1", "5s +blackhole@server-2", "15s -blackhole@server-1",
            "20s -blackhole@server-2"), b.log);
        assertEquals(new ActionPlan.Window("inject", 5 * S, 15 * S), out.plan().windows("inject").get(0));
    }

    @Test
    void recoverRemovesWhatIsStillInjected() {
        VirtualClock clock = new VirtualClock();
        RecordingBackend b = new RecordingBackend(clock);
        run("scenario \"r\" { stabilize 1.s; inject down() on allServers; wait 2.s; recover 3.s }", b, clock, 1.0, e -> { });
        assertEquals(List.of("1s +down@server-1", "1s +down@server-2", "1s +down@server-3",
            "3s -down@server-1", "3s -down@server-2", "3s -down@server-3"), b.log);
    }

    @Test
    void repeatAndNamedStepsWithDelay() {
        VirtualClock clock = new VirtualClock();
        RecordingBackend b = new RecordingBackend(clock);
        var out = run("""
            scenario "rs" {
              repeat(2) { inject down() on server(3) for 2.s; wait 1.s }
              step "later", delayBefore: 4.s, { inject latency(1.s) on server(1) for 1.s }
            }""", b, clock, 1.0, e -> { });
        assertEquals(List.of("0s +down@server-3", "2s -down@server-3", "3s +down@server-3", "5s -down@server-3",
            "10s +latency@server-1", "11s -latency@server-1"), b.log);
        assertEquals(List.of(new ActionPlan.Window("later", 10 * S, 11 * S)), out.plan().windows("later"));
    }

    @Test
    void timeScaleShrinksEveryDuration() {
        VirtualClock clock = new VirtualClock();
        RecordingBackend b = new RecordingBackend(clock);
        run("scenario \"t\" { stabilize 30.s; inject packetLoss(1.0) on server(1) for 1.min; recover 60.s }", b, clock, 0.1, e -> { });
        assertEquals(List.of("3s +packetLoss@server-1", "9s -packetLoss@server-1"), b.log);
        assertEquals(15 * S, clock.nanos());
    }

    @Test
    void aFailedInjectIsAnErrorThatStopsTheScenarioAndIsCleanedUp() {
        VirtualClock clock = new VirtualClock();
        RecordingBackend b = new RecordingBackend(clock);
        b.failOn = "server-2";
        var out = run("scenario \"f\" { stabilize 1.s; inject latency(1.s) on allServers for 5.s; recover 1.s }", b, clock, 1.0, e -> { });
        assertFalse(out.ok());
        assertEquals(1, out.errors().size());
        assertEquals(List.of("1s +latency@server-1", "1s +latency@server-3", "1s -latency@server-1", "1s -latency@server-3"), b.log,
            "the inject is tried on every server, then the scenario stops and is cleaned up");
        assertTrue(out.errors().get(0).contains("server-2: server unreachable"), out.errors().toString());
        assertTrue(b.live.isEmpty(), "nothing left behind: " + b.live);
    }

    @Test
    void aFailureStopsTheScenarioUnlessItsStepMayFail() {
        VirtualClock clock = new VirtualClock();
        RecordingBackend b = new RecordingBackend(clock);
        b.failOn = "server-2";
        var stopped = run("""
            scenario "s" {
              inject latency(1.s) on server(1) for 2.s
              inject down() on server(2) for 2.s
              inject latency(1.s) on server(3) for 2.s
            }""", b, clock, 1.0, e -> { });
        assertEquals(1, stopped.errors().size());
        assertEquals(List.of("0s +latency@server-1", "2s -latency@server-1"), b.log, "server-3's inject never ran");
        assertTrue(b.live.isEmpty());

        VirtualClock clock2 = new VirtualClock();
        RecordingBackend b2 = new RecordingBackend(clock2);
        b2.failOn = "server-2";
        var went = run("""
            scenario "s" {
              inject latency(1.s) on server(1) for 2.s
              step "flaky", continueOnFailure: true, { inject down() on server(2) for 2.s }
              inject latency(1.s) on server(3) for 2.s
            }""", b2, clock2, 1.0, e -> { });
        assertTrue(went.errors().isEmpty(), went.errors().toString());
        assertEquals(1, went.warnings().size());
        assertEquals(List.of("0s +latency@server-1", "2s -latency@server-1", "4s +latency@server-3", "6s -latency@server-3"), b2.log);
    }

    @Test
    void randomTargetsRepeatWithTheSameSeed() {
        Playbook pb = playbook("servers 5\nscenario \"r\" { inject down() on randomServers(2) for 1.s }");
        List<List<String>> draws = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            var t = new TargetResolver(pb.servers().stream().map(s -> s.name()).toList(), 7);
            draws.add(t.resolve(((io.chaosplaybooks.dsl.plan.Step.Inject) pb.scenarios().get(0).steps().get(0)).target()));
        }
        assertEquals(draws.get(0), draws.get(1));
        assertEquals(2, draws.get(0).size());
    }

    @Test
    void anInterruptRemovesEveryFaultBeforeReturning() throws Exception {
        Clock clock = Clock.SYSTEM;
        RecordingBackend b = new RecordingBackend(clock);
        AtomicReference<ScenarioExecutor.Outcome> outcome = new AtomicReference<>();
        Thread t = new Thread(() -> outcome.set(run(
            "scenario \"i\" { inject packetLoss(1.0) on servers(1, 2); wait 30.s }", b, clock, 1.0, e -> { })));
        t.start();
        long deadline = System.nanoTime() + 10 * S;
        while (b.live.size() < 2 && System.nanoTime() < deadline) Thread.sleep(5);
        assertEquals(2, b.live.size());
        t.interrupt();
        t.join(5_000);
        assertFalse(t.isAlive());
        assertTrue(outcome.get().interrupted());
        assertTrue(b.live.isEmpty(), "left behind: " + b.live);
    }

    /** Deadlines are absolute: a listener that takes 40 ms at every phase does not delay later phases. */
    @Test
    void aSlowStepDoesNotPushLaterDeadlinesBack() {
        Clock clock = Clock.SYSTEM;
        RecordingBackend b = new RecordingBackend(clock);
        List<Double> lateness = new ArrayList<>();
        run("scenario \"d\" { repeat(5) { wait 100.ms } }", b, clock, 1.0, e -> {
            if (e instanceof RunEvent.PhaseStart p) {
                lateness.add(p.lagMs());
                try { Thread.sleep(40); } catch (InterruptedException x) { Thread.currentThread().interrupt(); }
            }
        });
        assertEquals(5, lateness.size());
        // Tolerance: 30 ms per phase on a shared, noisy 2-core machine; summed sleeps would add 40 ms per phase.
        double last = lateness.get(4);
        assertTrue(last < 30, "last phase late by " + last + " ms: " + lateness);
    }

    /** Runs the card's scenario on its own thread, pausing it from the listener when its fault is on, for 10 virtual seconds. */
    private static ScenarioExecutor.Outcome pausedAtTheFault(RecordingBackend b, VirtualClock clock, List<RunEvent> events, boolean heal)
            throws Exception {
        Playbook pb = playbook("scenario \"packet-loss-10\" { stabilize 30.s; inject packetLoss(0.1) on server(1) for 1.min; recover 60.s }");
        var targets = new TargetResolver(pb.servers().stream().map(x -> x.name()).toList(), 42);
        PauseRequest pause = new PauseRequest();
        RunListener l = e -> {
            events.add(e);
            if (e instanceof RunEvent.FaultApplied && !events.stream().anyMatch(x -> x instanceof RunEvent.Paused)) {
                assertTrue(pause.pause("chaos pause (pid 1)", heal));
            }
        };
        var executor = new ScenarioExecutor(clock, b, targets, l, 0).pausable(pause);
        var outcome = new java.util.concurrent.CompletableFuture<ScenarioExecutor.Outcome>();
        Thread t = new Thread(() -> outcome.complete(executor.run(pb.scenarios().get(0), 0, 1.0)));
        t.start();
        assertTrue(held(pause), "the executor holds its timeline");
        assertEquals(30 * S, clock.nanos());
        clock.advance(10 * S);
        assertTrue(pause.resume("chaos resume (pid 2)"));
        assertFalse(pause.resume("again"), "nothing left to resume");
        return outcome.get(10, java.util.concurrent.TimeUnit.SECONDS);
    }

    @Test
    void aPauseHoldsTheTimelineAndTheResumeShiftsTheRemainingDeadlines() throws Exception {
        VirtualClock clock = new VirtualClock();
        RecordingBackend b = new RecordingBackend(clock);
        List<RunEvent> events = Collections.synchronizedList(new ArrayList<>());
        var out = pausedAtTheFault(b, clock, events, false);
        assertTrue(out.ok(), out.errors().toString());
        // The fault stayed on through the pause; it comes off 60 s of timeline after it went on, 10 s later than planned.
        assertEquals(List.of("30s +packetLoss@server-1", "100s -packetLoss@server-1"), b.log);
        assertEquals(160 * S, clock.nanos());
        var fault = Map.<String, Number>of("rate", 0.1);
        assertEquals(List.of(
            new RunEvent.Paused("chaos pause (pid 1)", 30_000),
            new RunEvent.Resumed("chaos resume (pid 2)", 40_000),
            // Planned times move with the pause, so the lag stays what the executor was late by.
            new RunEvent.FaultRemoved("packet-loss-10", "server-1", "packetLoss(10%)", "packetLoss", fault, "both", 1.0, "inject ended", 100_000, 100_000),
            new RunEvent.PhaseStart("packet-loss-10", "recover", null, 60_000, 100_000, 100_000),
            new RunEvent.ScenarioEnd("packet-loss-10", 160_000, 160_000)), events.subList(4, events.size()));
        assertEquals(List.of(new ScenarioExecutor.Paused(30 * S, 40 * S)), out.pauses());
        // What expectations judge: the paused seconds belong to no phase.
        assertEquals(List.of(List.of(0L, 30 * S)), spans(out, 0, 30 * S));
        assertEquals(List.of(List.of(40 * S, 100 * S)), spans(out, 30 * S, 90 * S));
        assertEquals(List.of(List.of(0L, 30 * S), List.of(40 * S, 160 * S)), spans(out, 0, 150 * S));
        assertEquals(160 * S, out.endNanos());
    }

    @Test
    void healOnPauseTakesTheFaultsOffAndPutsThemBackOnResume() throws Exception {
        VirtualClock clock = new VirtualClock();
        RecordingBackend b = new RecordingBackend(clock);
        List<RunEvent> events = Collections.synchronizedList(new ArrayList<>());
        var out = pausedAtTheFault(b, clock, events, true);
        assertTrue(out.ok(), out.errors().toString());
        assertEquals(List.of("30s +packetLoss@server-1", "30s -packetLoss@server-1", "40s +packetLoss@server-1",
            "100s -packetLoss@server-1"), b.log);
        assertTrue(b.live.isEmpty());
        var removed = events.stream().filter(e -> e instanceof RunEvent.FaultRemoved).map(e -> ((RunEvent.FaultRemoved) e).why()).toList();
        assertEquals(List.of("pause (heal on pause)", "inject ended"), removed);
    }

    @Test
    void aStopDuringAPauseEndsItAndRemovesTheFaults() throws Exception {
        VirtualClock clock = new VirtualClock();
        RecordingBackend b = new RecordingBackend(clock);
        Playbook pb = playbook("scenario \"s\" { stabilize 1.s; inject down() on server(1) for 10.s; recover 1.s }");
        var targets = new TargetResolver(pb.servers().stream().map(x -> x.name()).toList(), 42);
        PauseRequest pause = new PauseRequest();
        RunListener l = e -> {
            if (e instanceof RunEvent.FaultApplied) pause.pause("p", false);
        };
        var executor = new ScenarioExecutor(clock, b, targets, l, 0).pausable(pause);
        var outcome = new java.util.concurrent.CompletableFuture<ScenarioExecutor.Outcome>();
        Thread t = new Thread(() -> outcome.complete(executor.run(pb.scenarios().get(0), 0, 1.0)));
        t.start();
        assertTrue(held(pause));
        t.interrupt();
        var out = outcome.get(10, java.util.concurrent.TimeUnit.SECONDS);
        assertTrue(out.interrupted());
        assertTrue(b.live.isEmpty(), "no fault left");
    }

    /** Waits for the executor's thread to ask for the pause, then for the executor to take it. */
    private static boolean held(PauseRequest pause) throws InterruptedException {
        long end = System.nanoTime() + 10 * S;
        while (!pause.paused() && System.nanoTime() < end) Thread.sleep(5);
        return pause.awaitHeld(java.time.Duration.ofSeconds(10));
    }

    private static List<List<Long>> spans(ScenarioExecutor.Outcome o, long from, long to) {
        return o.spans(from, to).stream().map(w -> List.of(w[0], w[1])).toList();
    }
}
