package io.chaosplaybooks.runtime.verdict;

import io.chaosplaybooks.dsl.PlaybookLoader;
import io.chaosplaybooks.dsl.plan.Playbook;
import io.chaosplaybooks.runtime.exec.ActionPlan;
import io.chaosplaybooks.runtime.exec.ScenarioExecutor;
import io.chaosplaybooks.runtime.exec.TargetResolver;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which expectations a time scale leaves judgeable: the rules of {@link ExpectationJudge}, row by row. */
class TimeScaleJudgementTest {
    static final long S = 1_000_000_000L;

    /** The smoke playbook's load and phases: 20 clients, 100 ms timeout, breaker 50 % of 100 calls (so 50 failed calls), open 2 s. */
    static final String PLAYBOOK = """
        playbook "t" {
          servers 3
          load {
            clients 20
            %s
            timeout 100.ms
            breaker failureRate: 50.percent, openFor: 2.s, window: 100
          }
          scenario "s" {
            stabilize 5.s
            inject packetLoss(1.0) on servers(1, 2) for 5.s
            recover 8.s
            expect errorRate < 1.percent during stabilize
            expect errorRate < 40.percent during inject
            expect breaker(server(1)).opened during inject
            expect breaker(servers(1, 2)).opened during inject
            expect breaker(server(3)).stayedClosed during inject
            expect breaker(server(1)).closed during recover
            expect recoveredWithin(6.s)
          }
        }""";

    static Playbook playbook(String loadLine) {
        var r = new PlaybookLoader().loadText("t.groovy", PLAYBOOK.formatted(loadLine));
        assertTrue(r.ok(), r.formatProblems());
        return r.playbook();
    }

    static ExpectationJudge judge(Playbook pb, double scale, Observations seen) {
        return new ExpectationJudge(seen, new TargetResolver(List.of("server-1", "server-2", "server-3"), 1), pb.load(), scale, 3);
    }

    static ScenarioVerdict verdict(Playbook pb, double scale, Observations seen) {
        var scenario = pb.scenarios().get(0);
        return judge(pb, scale, seen).judge(scenario, new ScenarioExecutor.Outcome(ActionPlan.of(scenario, scale), 0, List.of(), false));
    }

    /** Steady 1000 ops/s without errors over the whole scaled scenario; breakers as given. */
    static RecordedObservations steady(double scale, List<BreakerEvent> breakers) {
        RecordedObservations o = new RecordedObservations(0);
        long end = Math.round(18 * S * scale) + 2 * S;
        for (long t = 0; t < end; t += S) {
            Histogram h = new Histogram(3);
            h.recordValueWithCount(1_000, 1000);
            o.add(new LoadSecond(t, t + S, 1000, 0, h, Map.of()));
        }
        breakers.forEach(o::add);
        return o;
    }

    // scale: stabilize / inject / recover last 5 / 5 / 8 s times it. Expectations in the playbook's order:
    // stabilize metric, inject metric, opened (1 server), opened (2 servers), stayedClosed, closed during recover, recoveredWithin.
    // 'J' judged, '-' not judged.
    @ParameterizedTest(name = "--time-scale {0}: {1}")
    @CsvSource({
        // 250 ms phases: no load second; 25 calls (12 per server for two) < 50; recover 400 ms < 200 ms open + 100 ms + 1 s
        "0.05, -------",
        // 750 ms: no load second; 75 calls for one server, 37 each for two; recover 1.2 s < 300 ms + 100 ms + 1 s
        "0.15, --J-J--",
        // 1.25 s phases; 125 / 62 calls; recover 2 s >= 500 ms + 100 ms + 1 s
        "0.25, JJJJJJJ",
        "1.0,  JJJJJJJ",
    })
    void closedLoopRules(double scale, String judged) {
        ScenarioVerdict v = verdict(playbook(""), scale, steady(scale, List.of()));
        StringBuilder seen = new StringBuilder();
        for (ScenarioVerdict.Result r : v.results()) seen.append(r.judged() ? 'J' : '-');
        assertEquals(judged, seen.toString(), v.results().toString());
    }

    @ParameterizedTest(name = "rate 100/s over 3 servers at --time-scale {0}: {1}")
    @CsvSource({
        // 33 calls/s per server: 1.25 s gives 20 < 50 (half of 41); 5 s gives 83
        "0.25, --",
        "1.0,  JJ",
    })
    void openLoopCountsTheRatesShareOfAServer(double scale, String judged) {
        ScenarioVerdict v = verdict(playbook("rate 100.perSecond"), scale, steady(scale, List.of()));
        String seen = "" + (v.results().get(2).judged() ? 'J' : '-') + (v.results().get(4).judged() ? 'J' : '-');
        assertEquals(judged, seen, v.results().toString());
    }

    @Test
    void theReasonNamesThePhaseItsLengthTheScaleAndTheLoadSecond() {
        ScenarioVerdict v = verdict(playbook(""), 0.05, steady(0.05, List.of()));
        assertEquals("the inject phase lasts 250 ms at --time-scale 0.05, shorter than the 1 s the load is measured in",
            v.results().get(1).measured());
        assertEquals("the breaker needs 50 failed calls to open and the inject phase lasts 250 ms at --time-scale 0.05, "
            + "room for about 25 (half of 20 clients x 250 ms / 100 ms timeout)", v.results().get(2).measured());
        assertEquals("the recover phase lasts 400 ms at --time-scale 0.05, shorter than the breaker's 200 ms open + 100 ms "
            + "of half-open probes + 1 s the load is measured in", v.results().get(5).measured());
    }

    @Test
    void nothingJudgedIsItsOwnStatusAndNamesTheScaleThatJudgesAll() {
        ScenarioVerdict v = verdict(playbook(""), 0.05, steady(0.05, List.of()));
        assertEquals(ScenarioVerdict.Status.NOT_JUDGED, v.status());
        assertEquals(7, v.notJudged().size());
        assertTrue(v.failures().isEmpty());
        // stabilize reaches 1 s at 0.2, and everything else fits by then
        assertEquals(0.2, v.scaleToJudge());
    }

    @Test
    void judgedOnesThatHoldMakeAPassWithTheRestNotJudged() {
        // At 0.15 the breaker of server 1 opens during inject (0.75 s .. 1.5 s) and server 3's stays closed.
        var opened = List.of(new BreakerEvent(S, "server-1", "CLOSED", "OPEN"), new BreakerEvent(S, "server-2", "CLOSED", "OPEN"));
        ScenarioVerdict v = verdict(playbook(""), 0.15, steady(0.15, opened));
        assertEquals(ScenarioVerdict.Status.PASS, v.status(), v.results().toString());
        assertEquals(5, v.notJudged().size());
        assertEquals(0.2, v.scaleToJudge());
    }

    @Test
    void aJudgedFailureStillFailsBesideTheNotJudged() {
        ScenarioVerdict v = verdict(playbook(""), 0.15, steady(0.15, List.of()));
        assertEquals(ScenarioVerdict.Status.FAIL, v.status());
        assertEquals(1, v.failures().size(), "opened for one server (two servers: not judged): " + v.failures());
    }

    @Test
    void recoveredWithinIsABoundThatScalesWithTheRun() {
        // At 0.4 the recover phase starts at 4 s and lasts 3.2 s; recoveredWithin(6 s) allows 2.4 s. Errors go on
        // through the seconds 4, 5 and 6 of the run: back to the baseline at 7 s, 3 s after heal.
        double scale = 0.4;
        RecordedObservations seen = new RecordedObservations(0);
        for (long t = 0; t < 10 * S; t += S) {
            Histogram h = new Histogram(3);
            h.recordValueWithCount(1_000, 1000);
            boolean failing = t >= 2 * S && t < 7 * S;
            seen.add(new LoadSecond(t, t + S, 1000, failing ? 500 : 0, h, Map.of()));
        }
        ScenarioVerdict.Result recovered = verdict(playbook(""), scale, seen).results().get(6);
        assertTrue(recovered.judged());
        assertEquals(ScenarioVerdict.Judgement.FAILED, recovered.judgement(), recovered.toString());
        assertEquals("within 6 s (2.4 s at --time-scale 0.4)", recovered.expected());
        assertEquals("back to baseline after 3.0 s", recovered.measured());
    }

    @Test
    void recoveredWithinShorterThanALoadSecondOnceScaledIsNotJudged() {
        String text = """
            playbook "t" {
              servers 3
              scenario "s" {
                stabilize 5.s
                inject latency(100.ms) on server(1) for 5.s
                recover 8.s
                expect recoveredWithin(2.s)
              }
            }""";
        var r = new PlaybookLoader().loadText("t.groovy", text);
        assertTrue(r.ok(), r.formatProblems());
        ScenarioVerdict v = verdict(r.playbook(), 0.25, steady(0.25, List.of()));
        assertEquals("within 2 s is 500 ms at --time-scale 0.25, shorter than the 1 s the load is measured in",
            v.results().get(0).measured());
        assertEquals(0.5, v.scaleToJudge(), "2 s x 0.5 = the 1 s the load is measured in");
    }

    @Test
    void aFullyJudgedVerdictNamesNoScale() {
        var opened = List.of(new BreakerEvent(6 * S, "server-1", "CLOSED", "OPEN"), new BreakerEvent(6 * S, "server-2", "CLOSED", "OPEN"));
        ScenarioVerdict v = verdict(playbook(""), 1.0, steady(1.0, opened));
        assertTrue(v.notJudged().isEmpty());
        assertNull(v.scaleToJudge());
    }

    @Test
    void theStatusTable() {
        var held = new ScenarioVerdict.Result("a", true, "x", "y", "p");
        var failed = new ScenarioVerdict.Result("b", false, "x", "y", "p");
        var not = ScenarioVerdict.Result.notJudged("c", "x", "too short", "p");
        assertEquals(ScenarioVerdict.Status.PASS, ExpectationJudge.status(List.of(), List.of()));
        assertEquals(ScenarioVerdict.Status.PASS, ExpectationJudge.status(List.of(held, not), List.of()));
        assertEquals(ScenarioVerdict.Status.FAIL, ExpectationJudge.status(List.of(failed, not), List.of()));
        assertEquals(ScenarioVerdict.Status.NOT_JUDGED, ExpectationJudge.status(List.of(not, not), List.of()));
        assertEquals(ScenarioVerdict.Status.ERROR, ExpectationJudge.status(List.of(not), List.of("boom")));
        assertEquals("not-judged", ScenarioVerdict.Status.NOT_JUDGED.label());
        assertEquals("NOT JUDGED", ScenarioVerdict.Status.NOT_JUDGED.shout());
    }
}
