package io.chaosplaybooks.runtime.diff;

import io.chaosplaybooks.runtime.events.RunEvent;
import io.chaosplaybooks.runtime.journal.Journal;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** chaos diff on journals written for the purpose: each case changes one thing and must be flagged exactly so. */
class RunComparisonTest {
    @TempDir Path dir;

    /** What a synthetic run does, phase by phase (stabilize, inject, recover: 5 s each). */
    record Shape(double ops, double err, double p99Inject, double errRecoverFirst2s, int recoverySeconds, String status,
                 int opens, String playbook, double timeScale, String load) {
        static Shape base() {
            return new Shape(1000, 0.001, 20, 0.001, 0, "pass", 1, "p", 1.0, "load { clients 10 }");
        }
        Shape ops(double v) { return new Shape(v, err, p99Inject, errRecoverFirst2s, recoverySeconds, status, opens, playbook, timeScale, load); }
        Shape err(double v) { return new Shape(ops, v, p99Inject, errRecoverFirst2s, recoverySeconds, status, opens, playbook, timeScale, load); }
        Shape p99(double v) { return new Shape(ops, err, v, errRecoverFirst2s, recoverySeconds, status, opens, playbook, timeScale, load); }
        Shape recovery(int s) { return new Shape(ops, err, p99Inject, 0.2, s, status, opens, playbook, timeScale, load); }
        Shape status(String v) { return new Shape(ops, err, p99Inject, errRecoverFirst2s, recoverySeconds, v, opens, playbook, timeScale, load); }
        Shape scale(double v) { return new Shape(ops, err, p99Inject, errRecoverFirst2s, recoverySeconds, status, opens, playbook, v, load); }
        Shape load(String v) { return new Shape(ops, err, p99Inject, errRecoverFirst2s, recoverySeconds, status, opens, playbook, timeScale, v); }
        Shape playbook(String v) { return new Shape(ops, err, p99Inject, errRecoverFirst2s, recoverySeconds, status, opens, v, timeScale, load); }
    }

    static Path journal(Path file, Shape s, String... scenarios) throws Exception {
        List<RunEvent> e = new ArrayList<>();
        e.add(new RunEvent.RunStart(2, "chaos-" + file.getFileName().toString().hashCode(), "w", s.playbook, null, "sha256:" + s.playbook,
            "embedded", 1, s.timeScale, List.of("server-1"), List.of("a"), List.of("b"), "STAND_IN", List.of(scenarios), s.load, null));
        double t = 0;
        for (String name : scenarios) {
            e.add(new RunEvent.ScenarioStart(name, t, t));
            String[] phases = {"stabilize", "inject", "recover"};
            for (int p = 0; p < 3; p++) {
                e.add(new RunEvent.PhaseStart(name, phases[p], null, 5000, t + p * 5000, t + p * 5000));
                if (p == 1) e.add(new RunEvent.BreakerChange("server-1", "CLOSED", "OPEN", t + 6000));
                if (p == 1) e.add(new RunEvent.BreakerChange("server-1", "OPEN", "CLOSED", t + 8000));
                for (int k = 0; k < 5; k++) {
                    double from = t + p * 5000 + k * 1000;
                    double err = p == 2 && k < s.recoverySeconds ? s.errRecoverFirst2s : s.err;
                    double p99 = p == 1 ? s.p99Inject : 2;
                    long ops = Math.round(s.ops);
                    e.add(new RunEvent.LoadSecond(from, from + 1000, ops, Math.round(ops * err), ops, err, 1.0, p99, Map.of(), null));
                }
            }
            e.add(new RunEvent.ScenarioEnd(name, t + 15000, t + 15000));
            e.add(new RunEvent.Verdict(name, 1, s.status, List.of(), Map.of()));
            t += 16000;
        }
        e.add(new RunEvent.RunEnd(false, t));
        try (Journal j = new Journal(file)) {
            for (RunEvent x : e) j.on(x);
        }
        return file;
    }

    static Stream<Arguments> cases() {
        Shape b = Shape.base();
        return Stream.of(
            Arguments.of("the same run", b, List.of()),
            Arguments.of("throughput -5%: within -10%", b.ops(950), List.of()),
            Arguments.of("throughput -20% everywhere", b.ops(800), List.of(
                "stabilize throughput REGRESSION", "inject throughput REGRESSION", "recover throughput REGRESSION", "scenario throughput REGRESSION")),
            Arguments.of("throughput +20%", b.ops(1200), List.of(
                "stabilize throughput IMPROVEMENT", "inject throughput IMPROVEMENT", "recover throughput IMPROVEMENT", "scenario throughput IMPROVEMENT")),
            Arguments.of("p99 during inject +50%", b.p99(30), List.of("inject p99 REGRESSION", "scenario p99 REGRESSION")),
            Arguments.of("p99 during inject +10%", b.p99(22), List.of()),
            Arguments.of("error rate +2 points", b.err(0.021), List.of(
                "stabilize errorRate REGRESSION", "inject errorRate REGRESSION", "recover errorRate REGRESSION", "scenario errorRate REGRESSION")),
            Arguments.of("error rate +0.5 points", b.err(0.006), List.of()),
            Arguments.of("recovery 0 s -> 3 s: within +5 s", b.recovery(3), List.of("recover errorRate REGRESSION", "scenario errorRate REGRESSION")),
            Arguments.of("verdict pass -> fail", b.status("fail"), List.of("scenario verdict REGRESSION")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void flagsExactlyWhatItShould(String why, Shape next, List<String> flagged) throws Exception {
        RunComparison c = RunComparison.of(RunFigures.read(journal(dir.resolve("base.jsonl"), Shape.base(), "s")),
            RunFigures.read(journal(dir.resolve("new.jsonl"), next, "s")), RunComparison.Thresholds.parse(null));
        List<String> got = c.scenarios().stream().flatMap(s -> s.changes().stream()).filter(x -> x.flag() != RunComparison.Flag.NONE)
            .map(x -> x.phase() + " " + x.metric() + " " + x.flag()).toList();
        assertEquals(flagged, got, c.text(true));
        assertEquals(flagged.stream().anyMatch(f -> f.endsWith("REGRESSION")), c.regressed());
        assertTrue(c.unfair().isEmpty());
    }

    @Test
    void recoveryBeyondItsThresholdIsARegressionAndARecoveryThresholdCanBeTightened() throws Exception {
        Path base = journal(dir.resolve("base.jsonl"), Shape.base(), "s");
        Path slow = journal(dir.resolve("slow.jsonl"), Shape.base().recovery(3), "s");
        RunComparison tight = RunComparison.of(RunFigures.read(base), RunFigures.read(slow),
            RunComparison.Thresholds.parse("recovery=+2s,errorRate=+50pt"));
        List<String> got = tight.scenarios().get(0).changes().stream().filter(x -> x.flag() != RunComparison.Flag.NONE)
            .map(x -> x.phase() + " " + x.metric() + " " + x.flag()).toList();
        assertEquals(List.of("recover recovery REGRESSION"), got, tight.text(true));
        RunFigures.Scenario s = RunFigures.read(slow).scenarios().get(0);
        assertEquals(3000, s.recoveryMs(), 1e-9);
        assertEquals(1, s.phase("inject").breakerOpens());
        assertEquals(2000, s.phase("inject").openMs(), 1e-9);
    }

    @Test
    void scenariosInOneRunOnlyAreListedAndUnfairComparisonsSaid() throws Exception {
        Path base = journal(dir.resolve("base.jsonl"), Shape.base(), "a", "b");
        Path other = journal(dir.resolve("other.jsonl"), Shape.base().scale(0.5).load("load { clients 99 }").playbook("q"), "b", "c");
        RunComparison c = RunComparison.of(RunFigures.read(base), RunFigures.read(other), RunComparison.Thresholds.parse(null));
        assertEquals(List.of("a"), c.onlyInBase());
        assertEquals(List.of("c"), c.onlyInNew());
        assertEquals(List.of("b"), c.scenarios().stream().map(RunComparison.ScenarioDiff::name).toList());
        assertEquals(3, c.unfair().size(), c.unfair().toString());
        assertTrue(c.unfair().get(0).startsWith("different playbooks"));
        assertTrue(c.unfair().get(1).startsWith("different load profiles"));
        assertTrue(c.unfair().get(2).startsWith("different time scales: 1 and 0.5"));
        assertFalse(c.text(false).isEmpty());
    }
}
