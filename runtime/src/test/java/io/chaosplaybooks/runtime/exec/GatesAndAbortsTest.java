package io.chaosplaybooks.runtime.exec;

import io.chaosplaybooks.dsl.plan.Playbook;
import io.chaosplaybooks.dsl.plan.Scenario;
import io.chaosplaybooks.runtime.events.RunEvent;
import io.chaosplaybooks.runtime.probe.ProbeJudge;
import io.chaosplaybooks.runtime.probe.ProbeSamples;
import io.chaosplaybooks.runtime.probe.ScenarioGuard;
import io.chaosplaybooks.runtime.verdict.ExpectationJudge;
import io.chaosplaybooks.runtime.verdict.LoadSecond;
import io.chaosplaybooks.runtime.verdict.RecordedObservations;
import io.chaosplaybooks.runtime.verdict.ScenarioVerdict;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.chaosplaybooks.runtime.exec.ScenarioExecutorTest.S;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Gates and aborts on the executor's virtual clock, against load seconds the test writes: what is
 * applied and removed when, the journal's times, and the verdict. (The same on real sockets: ProbesIT.)
 */
class GatesAndAbortsTest {
    static final String PLAYBOOK = """
        scenario "guarded" {
          stabilize 10.s
          inject latency(100.ms) on server(1) for 20.s
          recover 10.s
          require errorRate < 5.percent during stabilize
          abortWhen errorRate > 50.percent
          expect errorRate < 1.percent during recover
        }""";

    /** One second of load from {@code at} s, with that share of errors. */
    static LoadSecond second(int at, double errorRate) {
        Histogram h = new Histogram(3);
        h.recordValueWithCount(1000, 100);
        return new LoadSecond(at * S, (at + 1) * S, 100, Math.round(100 * errorRate), h, Map.of());
    }

    record Run(ScenarioExecutor.Outcome outcome, ScenarioVerdict verdict, List<RunEvent> events, List<String> log) {}

    /** Runs the scenario with load seconds whose error rate {@code errors} gives by second. */
    static Run run(java.util.function.IntToDoubleFunction errors) {
        Playbook pb = ScenarioExecutorTest.playbook(PLAYBOOK);
        Scenario s = pb.scenarios().get(0);
        VirtualClock clock = new VirtualClock();
        var backend = new ScenarioExecutorTest.RecordingBackend(clock);
        RecordedObservations seen = new RecordedObservations(0);
        // The load seconds arrive as the clock passes their end, as the load engine delivers them.
        List<RunEvent> events = new ArrayList<>();
        var targets = new TargetResolver(List.of("server-1", "server-2", "server-3"), 1);
        ProbeSamples samples = new ProbeSamples();
        ExpectationJudge judge = new ExpectationJudge(seen, targets, pb.load(), 1.0, 3).withProbes(new ProbeJudge(samples, 0));
        Clock feeding = new Clock() {
            int delivered;

            public long nanos() { return clock.nanos(); }

            public void sleepUntil(long deadline) throws InterruptedException {
                clock.sleepUntil(deadline);
                while ((delivered + 1) * S <= clock.nanos()) {
                    seen.add(second(delivered, errors.applyAsDouble(delivered)));
                    delivered++;
                }
            }
        };
        var outcome = new ScenarioExecutor(feeding, backend, targets, events::add, 0)
            .run(s, 0, 1.0, ScenarioGuard.of(s, judge, seen, samples));
        return new Run(outcome, judge.judge(s, outcome), events, backend.log);
    }

    @Test
    void aFailedGateAbortsBeforeAnyFault() {
        Run r = run(second -> 0.10); // 10 % errors during stabilize: the gate wants < 5 %
        assertEquals(List.of(), r.log(), "no fault was applied");
        assertEquals("require", r.outcome().aborted().by());
        assertEquals(ScenarioVerdict.Status.ABORTED, r.verdict().status());
        assertTrue(r.verdict().errors().get(0).startsWith("aborted: require errorRate < 5% during stabilize: measured 10.00%"), r.verdict().errors().toString());
        RunEvent.ScenarioAborted a = r.events().stream().filter(e -> e instanceof RunEvent.ScenarioAborted).map(e -> (RunEvent.ScenarioAborted) e).findFirst().orElseThrow();
        assertEquals(10_000, a.actualMs(), 1e-6, "judged when the first fault was due");
        assertNull(a.faultsRemovedMs());
        assertTrue(r.events().stream().noneMatch(e -> e instanceof RunEvent.PhaseStart p && p.phase().equals("inject")), "inject never began");
        // The recover phase never ran: its expectation is not judged, not failed.
        assertEquals(ScenarioVerdict.Judgement.NOT_JUDGED, r.verdict().results().get(0).judgement());
    }

    @Test
    void anAbortConditionRemovesEveryFaultWithinASecondOfTheFigure() {
        Run r = run(second -> second >= 15 ? 0.80 : 0.0); // from 15 s on, 80 % errors
        assertEquals("0s +latency@server-1", r.log().get(0).replace("10s", "0s"), r.log().toString());
        assertEquals("abortWhen", r.outcome().aborted().by());
        RunEvent.ScenarioAborted a = r.events().stream().filter(e -> e instanceof RunEvent.ScenarioAborted).map(e -> (RunEvent.ScenarioAborted) e).findFirst().orElseThrow();
        assertEquals(16_000, a.conditionMs(), 1e-6, "the first second over 50 % ended at 16 s");
        assertNotNull(a.faultsRemovedMs());
        assertTrue(a.faultsRemovedMs() - a.conditionMs() <= 1000, "within the 1 s check period on a virtual clock: " + a);
        assertTrue(r.log().get(1).startsWith("16s -latency") || r.log().get(1).startsWith("17s -latency"), r.log().toString());
        assertEquals(ScenarioVerdict.Status.ABORTED, r.verdict().status());
        assertTrue(r.events().stream().noneMatch(e -> e instanceof RunEvent.PhaseStart p && p.phase().equals("recover")), "the rest is skipped");
    }

    @Test
    void withNeitherTheScenarioRunsToItsEnd() {
        Run r = run(second -> 0.0);
        assertNull(r.outcome().aborted());
        assertEquals(List.of("10s +latency@server-1", "30s -latency@server-1"), r.log());
        assertEquals(ScenarioVerdict.Status.PASS, r.verdict().status(), r.verdict().toString());
    }
}
