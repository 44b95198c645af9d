package io.chaosplaybooks.runtime.verdict;

import io.chaosplaybooks.dsl.PlaybookLoader;
import io.chaosplaybooks.dsl.plan.Playbook;
import io.chaosplaybooks.runtime.exec.ActionPlan;
import io.chaosplaybooks.runtime.exec.ScenarioExecutor;
import io.chaosplaybooks.runtime.exec.TargetResolver;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ExpectationJudgeTest {
    static final long S = 1_000_000_000L;

    static final String SCENARIO = """
        scenario "loss" {
          stabilize 10.s
          inject packetLoss(1.0) on servers(1, 2) for 10.s
          recover 10.s
          expect errorRate < 1.percent during stabilize
          expect p99 < 5.ms during stabilize
          expect throughput > 900.perSecond during stabilize
          expect errorRate < 5.percent during inject
          expect breaker(servers(1, 2)).opened during inject
          expect breaker(server(3)).stayedClosed during inject
          expect breaker(servers(1, 2)).closed during recover
          expect recoveredWithin(3.s)
        }""";

    /** 1000 ops/s; during inject 20 % errors for 2 s then 0; back to normal 2 s after the heal. */
    static RecordedObservations observations(boolean breakersOpen, int secondsToRecover) {
        RecordedObservations o = new RecordedObservations(0);
        for (int t = 0; t < 30; t++) {
            boolean inject = t >= 10 && t < 20;
            boolean recovering = t >= 20 && t < 20 + secondsToRecover;
            long errors = inject && t < 12 ? 200 : recovering ? 100 : 0;
            Histogram h = new Histogram(3);
            h.recordValueWithCount(recovering ? 50_000 : 1_000, 1000);
            o.add(new LoadSecond(t * S, (t + 1) * S, 1000, errors, h, Map.of()));
        }
        if (breakersOpen) {
            for (String s : List.of("server-1", "server-2")) {
                o.add(new BreakerEvent(10 * S + S / 2, s, "CLOSED", "OPEN"));
                o.add(new BreakerEvent(21 * S, s, "OPEN", "HALF_OPEN"));
                o.add(new BreakerEvent(22 * S, s, "HALF_OPEN", "CLOSED"));
            }
        }
        return o;
    }

    static ScenarioVerdict judge(RecordedObservations seen) {
        var r = new PlaybookLoader().loadText("j.groovy", SCENARIO);
        assertTrue(r.ok(), r.formatProblems());
        Playbook pb = r.playbook();
        var scenario = pb.scenarios().get(0);
        var outcome = new ScenarioExecutor.Outcome(ActionPlan.of(scenario, 1.0), 0, List.of(), false);
        var targets = new TargetResolver(List.of("server-1", "server-2", "server-3"), 1);
        return new ExpectationJudge(seen, targets).judge(scenario, outcome);
    }

    @Test
    void everyExpectationHoldsOnAHealthyRun() {
        ScenarioVerdict v = judge(observations(true, 2));
        assertEquals(ScenarioVerdict.Status.PASS, v.status(), v.failures().toString());
        assertEquals(8, v.results().size());
        var errorRate = v.results().get(3);
        assertEquals("4.00%", errorRate.measured(), "400 errors in 10 000 ops during inject");
        assertEquals("back to baseline after 2.0 s", v.results().get(7).measured());
    }

    @Test
    void breakersThatNeverOpenAndASlowRecoveryFailWithWhatWasMeasured() {
        ScenarioVerdict v = judge(observations(false, 5));
        assertEquals(ScenarioVerdict.Status.FAIL, v.status());
        var failed = v.failures().stream().map(ScenarioVerdict.Result::expectation).toList();
        assertEquals(List.of("breaker(servers(1, 2)).opened during inject", "recoveredWithin(3 s)"), failed);
        assertTrue(v.failures().get(0).measured().contains("server-1: never opened"), v.failures().get(0).measured());
        assertEquals("back to baseline after 5.0 s", v.failures().get(1).measured());
        assertTrue(v.failures().get(0).position().startsWith("j.groovy:9:"), v.failures().get(0).position());
    }

    @Test
    void noLoadIsAFailureNotAPass() {
        ScenarioVerdict v = judge(new RecordedObservations(0));
        assertEquals(ScenarioVerdict.Status.FAIL, v.status());
        assertFalse(v.results().get(0).ok());
        assertEquals("no load measured in the window", v.results().get(0).measured());
    }

    @Test
    void anExecutionErrorMakesTheVerdictError() {
        var r = new PlaybookLoader().loadText("j.groovy", SCENARIO);
        var scenario = r.playbook().scenarios().get(0);
        var outcome = new ScenarioExecutor.Outcome(ActionPlan.of(scenario, 1.0), 0, List.of("inject on server-1: unreachable"), false);
        var v = new ExpectationJudge(observations(true, 2), new TargetResolver(List.of("server-1", "server-2", "server-3"), 1))
            .judge(scenario, outcome);
        assertEquals(ScenarioVerdict.Status.ERROR, v.status());
        assertEquals(List.of("inject on server-1: unreachable"), v.errors());
    }

    /** Paused 5 s into a 10 s stabilize: the phase is its 5 s before the pause and its 5 s after, never the paused seconds. */
    @Test
    void thePausedSecondsCountForNoPhase() {
        var r = new PlaybookLoader().loadText("p.groovy", """
            scenario "p" {
              stabilize 10.s
              expect errorRate < 1.percent during stabilize
              expect throughput > 900.perSecond during stabilize
            }""");
        assertTrue(r.ok(), r.formatProblems());
        var scenario = r.playbook().scenarios().get(0);
        RecordedObservations seen = new RecordedObservations(0);
        for (int t = 0; t < 15; t++) {
            boolean paused = t >= 5 && t < 10;
            Histogram h = new Histogram(3);
            h.recordValueWithCount(1_000, 1000);
            // While paused, nothing the scenario asked for happens: say someone restarts a server meanwhile.
            seen.add(new LoadSecond(t * S, (t + 1) * S, 1000, paused ? 1000 : 0, h, Map.of()));
        }
        var targets = new TargetResolver(List.of("server-1"), 1);
        var pausedOutcome = new ScenarioExecutor.Outcome(ActionPlan.of(scenario, 1.0), 0, List.of(), List.of(), false,
            List.of(new ScenarioExecutor.Paused(5 * S, 10 * S)), null);
        ScenarioVerdict v = new ExpectationJudge(seen, targets).judge(scenario, pausedOutcome);
        assertEquals(ScenarioVerdict.Status.PASS, v.status(), v.results().toString());
        assertEquals("0.00%", v.results().get(0).measured());
        // The same seconds judged as if the scenario had not been paused: the paused errors count.
        var unpaused = new ScenarioExecutor.Outcome(ActionPlan.of(scenario, 1.0), 0, List.of(), false);
        assertEquals(ScenarioVerdict.Status.FAIL, new ExpectationJudge(seen, targets).judge(scenario, unpaused).status());
    }
}
