package io.chaosplaybooks.runtime.replay;

import io.chaosplaybooks.dsl.LoadResult;
import io.chaosplaybooks.dsl.PlaybookLoader;
import io.chaosplaybooks.dsl.plan.Expectation;
import io.chaosplaybooks.dsl.plan.Scenario;
import io.chaosplaybooks.runtime.events.RunEvent;
import io.chaosplaybooks.runtime.exec.ActionPlan;
import io.chaosplaybooks.runtime.exec.Clock;
import io.chaosplaybooks.runtime.exec.FaultBackend;
import io.chaosplaybooks.runtime.exec.ScenarioExecutor;
import io.chaosplaybooks.runtime.exec.TargetResolver;
import io.chaosplaybooks.runtime.exec.VirtualClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReplayTest {
    @TempDir Path dir;

    /** Takes every fault and records nothing else: the executor's events say what happened when. */
    static final class TakingBackend implements FaultBackend {
        record H(String server, io.chaosplaybooks.dsl.plan.Fault fault) implements Handle {}

        public String name() { return "taking"; }

        public String addProxy(String server, String upstream) { return upstream; }

        public Handle apply(String server, io.chaosplaybooks.dsl.plan.Fault fault) { return new H(server, fault); }

        public void remove(Handle h) {}

        public void removeAll() {}

        public void close() {}
    }

    /** The fault changes a replay made, as (on/off, server, fault, ms from the scenario's start). */
    static List<Replay.FaultChange> replayed(Replay replay, Scenario s, Clock clock) {
        List<RunEvent> events = new ArrayList<>();
        long start = clock.nanos() + 5_000_000_000L;
        var executor = new ScenarioExecutor(clock, new TakingBackend(), new TargetResolver(replay.recorded().start().serverNames(), 1),
            events::add, 0);
        ScenarioExecutor.Outcome out = executor.run(s, replay.timeline(s, replay.timeScale()), start);
        assertTrue(out.ok(), out.errors().toString());
        double origin = RunEvent.ms(start, 0);
        List<Replay.FaultChange> changes = new ArrayList<>();
        for (RunEvent e : events) {
            if (e instanceof RunEvent.FaultApplied f) changes.add(new Replay.FaultChange(true, f.server(), f.fault(), f.actualMs() - origin));
            if (e instanceof RunEvent.FaultRemoved f) changes.add(new Replay.FaultChange(false, f.server(), f.fault(), f.actualMs() - origin));
        }
        return changes;
    }

    @Test
    void aReplayAppliesTheSameFaultsInTheSameOrderAtTheRecordedActualOffsetsDividedByTheSpeed() throws Exception {
        RecordedRun run = RecordedRun.read(RecordedJournals.write(dir.resolve("run.jsonl"), RecordedJournals.twoScenarios()));
        for (double speed : new double[] {1, 2, 4}) {
            Replay replay = Replay.of(run, speed, List.of());
            assertEquals(0.5 / speed, replay.timeScale(), 1e-12);
            for (int i = 0; i < run.scenarios().size(); i++) {
                var recorded = run.scenarios().get(i);
                List<Replay.FaultChange> got = replayed(replay, replay.playbook().scenarios().get(i), new VirtualClock());
                List<Replay.FaultChange> want = Replay.changes(recorded, speed);
                assertEquals(want.size(), got.size(), got.toString());
                // Same order as recorded (by time), each at its offset to the microsecond the journal keeps.
                List<Replay.FaultChange> sorted = new ArrayList<>(want);
                sorted.sort(java.util.Comparator.comparingDouble(Replay.FaultChange::atMs));
                for (int k = 0; k < sorted.size(); k++) {
                    assertEquals(sorted.get(k).on(), got.get(k).on());
                    assertEquals(sorted.get(k).server(), got.get(k).server());
                    assertEquals(sorted.get(k).fault(), got.get(k).fault());
                    assertEquals(sorted.get(k).atMs(), got.get(k).atMs(), 0.002, "change " + k + " at speed " + speed);
                }
            }
        }
        // The mid-phase partition of server-3: recorded 14290 - 11200 = 3090 ms after its scenario's planned start; at speed 2, 1545 ms.
        List<Replay.FaultChange> mixed = replayed(Replay.of(run, 2, List.of()), Replay.of(run, 2, List.of()).playbook().scenarios().get(1),
            new VirtualClock());
        assertEquals(1545, mixed.stream().filter(c -> c.on() && c.server().equals("server-3")).findFirst().orElseThrow().atMs(), 0.002);
    }

    @Test
    void aReplSessionsLoadChangesAreReplayedAtTheirRecordedOffsetsDividedByTheSpeedAndJournaled() throws Exception {
        RecordedRun run = RecordedRun.read(RecordedJournals.write(dir.resolve("session.jsonl"), RecordedJournals.replSession()));
        assertEquals(0, run.loadChangesOutsideScenarios());
        for (double speed : new double[] {1, 2}) {
            Replay replay = Replay.of(run, speed, List.of());
            assertTrue(replay.notes().stream().noneMatch(n -> n.contains("load")), replay.notes().toString());
            assertEquals(4, replay.playbook().load().clients(), "the load at the session's start");
            Scenario s = replay.playbook().scenarios().get(0);
            VirtualClock clock = new VirtualClock();
            List<RunEvent> events = new ArrayList<>();
            List<double[]> switched = new ArrayList<>(); // {ms on the clock, clients, timeout ms}
            long start = clock.nanos() + 5_000_000_000L;
            var executor = new ScenarioExecutor(clock, new TakingBackend(), new TargetResolver(run.start().serverNames(), 1), events::add, 0)
                .loadChanges(load -> switched.add(new double[] {clock.nanos() / 1e6, load.clients(), load.timeout().toMillis()}));
            ScenarioExecutor.Outcome out = executor.run(s, replay.timeline(s, replay.timeScale()), start);
            assertTrue(out.ok(), out.errors().toString());
            double origin = start / 1e6;
            // Recorded 2700 - 500 = 2200 ms and 5300 - 500 = 4800 ms after the session's start.
            assertEquals(2, switched.size(), "speed " + speed);
            assertEquals(2200 / speed, switched.get(0)[0] - origin, 0.002);
            assertEquals(8, switched.get(0)[1]);
            assertEquals(4800 / speed, switched.get(1)[0] - origin, 0.002);
            assertEquals(2, switched.get(1)[1]);
            assertEquals(200, switched.get(1)[2]);
            List<RunEvent.LoadChanged> journaled = events.stream().filter(e -> e instanceof RunEvent.LoadChanged)
                .map(e -> (RunEvent.LoadChanged) e).toList();
            assertEquals(List.of("load { clients 8 }", "load { clients 2; timeout 200.ms }"), journaled.stream().map(RunEvent.LoadChanged::load).toList());
            assertEquals(2200 / speed, journaled.get(0).actualMs() - origin, 0.002);
            assertEquals(4800 / speed, journaled.get(1).actualMs() - origin, 0.002);
            // In time order with the faults: latency on at 1000, load change, latency off at 3500, load change.
            List<String> order = events.stream().filter(e -> e instanceof RunEvent.LoadChanged || e instanceof RunEvent.FaultApplied
                || e instanceof RunEvent.FaultRemoved).map(e -> e.getClass().getSimpleName()).toList();
            assertEquals(List.of("FaultApplied", "LoadChanged", "FaultRemoved", "LoadChanged"), order);
        }
    }

    @Test
    void aLoadChangeTheRunCannotMakeIsAnErrorNotASilentSkip() throws Exception {
        RecordedRun run = RecordedRun.read(RecordedJournals.write(dir.resolve("session.jsonl"), RecordedJournals.replSession()));
        Replay replay = Replay.of(run, 1, List.of());
        Scenario s = replay.playbook().scenarios().get(0);
        var executor = new ScenarioExecutor(new VirtualClock(), new TakingBackend(), new TargetResolver(run.start().serverNames(), 1),
            e -> { }, 0).loadChanges(load -> { throw new IllegalStateException("the servers are gone"); });
        ScenarioExecutor.Outcome out = executor.run(s, replay.timeline(s, replay.timeScale()), 1_000_000_000L);
        assertEquals(2, out.errors().size(), out.errors().toString());
        assertTrue(out.errors().get(0).contains("change the load to load { clients 8 }: the servers are gone"), out.errors().toString());
    }

    @Test
    void toPlaybookSaysInACommentThatALoadChangeIsNotWritten() throws Exception {
        RecordedRun run = RecordedRun.read(RecordedJournals.write(dir.resolve("session.jsonl"), RecordedJournals.replSession()));
        Replay replay = Replay.of(run, 1, List.of());
        String text = PlaybookText.of(replay);
        LoadResult r = new PlaybookLoader(List.of()).loadText("session.groovy", text);
        assertTrue(r.ok(), r.formatProblems() + "\n" + text);
        assertTrue(text.contains("// 2200.ms in, the load was changed to load { clients 8 }: a playbook cannot change its load mid-scenario"), text);
        assertTrue(text.contains("// 4800.ms in, the load was changed to load { clients 2; timeout 200.ms }"), text);
        assertEquals(1, PlaybookText.unwritten(replay).size());
        assertTrue(PlaybookText.unwritten(replay).get(0).startsWith("2 load changes made during the recording are written as comments only"));
    }

    @Test
    void phasesKeepTheirWindowsSoExpectationsAreJudgedAgain() throws Exception {
        RecordedRun run = RecordedRun.read(RecordedJournals.write(dir.resolve("run.jsonl"), RecordedJournals.twoScenarios()));
        Replay replay = Replay.of(run, 2, List.of());
        Scenario lat = replay.playbook().scenarios().get(0);
        ActionPlan plan = replay.timeline(lat, replay.timeScale());
        // stabilize recorded 2.5 ms after the scenario's planned start, for 2500 ms: at speed 2, 1.25 ms for 1250 ms.
        ActionPlan.Window w = plan.windows("stabilize").get(0);
        assertEquals(1_250_000, w.startNanos());
        assertEquals(1_251_250_000L, w.endNanos());
        assertEquals(1, plan.windows("inject").size());
        assertEquals(List.of("errorRate < 1% during stabilize", "breaker(server(1)).opened during inject", "recoveredWithin(3 s)"),
            lat.expectations().stream().map(Expectation::describe).toList());
        assertEquals(7, replay.playbook().load().clients(), "the recorded load");
        assertEquals(List.of("server-1", "server-2", "server-3"), replay.playbook().servers().stream().map(s -> s.name()).toList());
    }

    @Test
    void fastKeepsTheOrderAndRelativeLengthsWithTheShortestPhaseOneSecond() throws Exception {
        RecordedRun run = RecordedRun.read(RecordedJournals.write(dir.resolve("run.jsonl"), RecordedJournals.twoScenarios()));
        // The shortest recorded phase is 2000 ms: --fast plays it at 2x.
        assertEquals(2.0, Replay.of(run, 0, List.of()).speed(), 1e-9);
    }

    @Test
    void toPlaybookWritesAPlaybookThatValidatesAndHasTheSameTimeline() throws Exception {
        RecordedRun run = RecordedRun.read(RecordedJournals.write(dir.resolve("run.jsonl"), RecordedJournals.twoScenarios()));
        Replay replay = Replay.of(run, 1, List.of());
        String text = PlaybookText.of(replay);
        LoadResult r = new PlaybookLoader(List.of()).loadText("recorded.groovy", text);
        assertTrue(r.ok(), r.formatProblems() + "\n" + text);
        assertEquals(7, r.playbook().load().clients());
        for (int i = 0; i < run.scenarios().size(); i++) {
            Scenario written = r.playbook().scenarios().get(i);
            assertEquals(replay.playbook().scenarios().get(i).expectations().stream().map(Expectation::describe).toList(),
                written.expectations().stream().map(Expectation::describe).toList());
            // The written playbook, run at the recorded time scale, changes the same faults at the same offsets (to the ms it writes).
            ActionPlan fromText = ActionPlan.of(written, 0.5);
            List<double[]> want = onOff(replay.timeline(replay.playbook().scenarios().get(i), 1));
            List<double[]> got = onOff(fromText);
            assertEquals(want.size(), got.size(), text);
            for (int k = 0; k < want.size(); k++) {
                assertEquals(want.get(k)[0], got.get(k)[0], "kind " + k);
                // An inject whose faults went on with their phase is written as one inject at the phase's start: the
                // executor's few ms of lag are not kept; the partition recorded 90 ms into its phase keeps its delay.
                assertEquals(want.get(k)[1], got.get(k)[1], 5.0, "offset of change " + k + " in\n" + text);
            }
        }
    }

    private static List<double[]> onOff(ActionPlan p) {
        List<double[]> out = new ArrayList<>();
        for (ActionPlan.Action a : p.actions()) {
            if (a instanceof ActionPlan.FaultOn on) out.add(new double[] {1, on.offsetNanos() / 1e6});
            if (a instanceof ActionPlan.FaultOff off) out.add(new double[] {0, off.offsetNanos() / 1e6});
        }
        return out;
    }

    @Test
    void badJournalsAreOneClearMessageEach() throws IOException {
        List<RunEvent> events = RecordedJournals.twoScenarios();
        Path whole = RecordedJournals.write(dir.resolve("whole.jsonl"), events);
        List<String> lines = Files.readAllLines(whole);

        Path noEnd = dir.resolve("no-end.jsonl");
        Files.write(noEnd, lines.subList(0, lines.size() - 1));
        assertMessage(noEnd, "cut short (the run-end line is missing)");

        Path cut = dir.resolve("cut.jsonl");
        Files.writeString(cut, String.join("\n", lines.subList(0, 6)) + "\n" + lines.get(6).substring(0, 30));
        assertMessage(cut, "cut.jsonl:7: not JSON");

        Path midScenario = dir.resolve("mid.jsonl");
        Files.write(midScenario, lines.subList(0, 5));
        assertMessage(midScenario, "cut short");

        Path newer = dir.resolve("newer.jsonl");
        List<String> n = new ArrayList<>(lines);
        n.set(0, n.get(0).replace("\"schema\":2", "\"schema\":99"));
        Files.write(newer, n);
        assertMessage(newer, "written by a newer chaos (journal schema 99; this one reads up to 2)");

        Path stranger = dir.resolve("stranger.jsonl");
        List<String> s = new ArrayList<>(lines);
        s.replaceAll(l -> l.startsWith("{\"event\":\"fault-applied\"") ? l.replace("server-1", "server-9") : l);
        Files.write(stranger, s);
        assertMessage(stranger, "names server server-9, which its run-start does not list");

        ReplayException fewer = assertThrows(ReplayException.class, () -> Replay.of(RecordedRun.read(whole), 1, List.of("127.0.0.1:1", "127.0.0.1:2")));
        assertTrue(fewer.getMessage().contains("recorded against 3 servers (server-1, server-2, server-3); --servers gives 2"), fewer.getMessage());
    }

    private static void assertMessage(Path file, String part) {
        ReplayException e = assertThrows(ReplayException.class, () -> RecordedRun.read(file));
        assertTrue(e.getMessage().contains(part), e.getMessage());
    }
}
