package io.chaosplaybooks.runtime.probe;

import io.chaosplaybooks.dsl.plan.Expectation;
import io.chaosplaybooks.dsl.plan.Probe;
import io.chaosplaybooks.dsl.plan.SourcePos;
import io.chaosplaybooks.runtime.events.RunEvent;
import io.chaosplaybooks.runtime.verdict.ScenarioVerdict;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The judging rules of probe expectations and abort conditions, on answers the test writes. */
class ProbeJudgeTest {
    static final long S = 1_000_000_000L;
    static final SourcePos AT = new SourcePos("p.groovy", 5, 3);
    static final Probe PROM = new Probe.PrometheusQuery("sum(x)", Duration.ofSeconds(1), AT);
    static final Probe HTTP = new Probe.Http("http://h:1/health", Duration.ofSeconds(1), Duration.ofSeconds(1), AT);

    static RunEvent.ProbeSample prom(Double value, String error) {
        return new RunEvent.ProbeSample("s", PROM.describe(), value, null, null, null, error, 0);
    }

    static RunEvent.ProbeSample http(Integer status, Double ms, Boolean ok, String error) {
        return new RunEvent.ProbeSample("s", HTTP.describe(), null, status, ms, ok == null ? null : Map.of("ok", ok), error, 0);
    }

    static ScenarioVerdict.Result judge(Expectation e, RunEvent.ProbeSample... answers) {
        ProbeSamples samples = new ProbeSamples();
        for (int i = 0; i < answers.length; i++) samples.add(i * S, answers[i]);
        return new ProbeJudge(samples, 0).judge(e, List.of(new long[] {0, Math.max(1, answers.length) * S}));
    }

    @Test
    void everyAnswerInTheWindowMustMeetTheBoundAndTheWorstIsShown() {
        var lt = new Expectation.ProbeBound(PROM, Probe.Reading.VALUE, Expectation.Comparison.LT, 0.5, null, AT);
        var held = judge(lt, prom(0.1, null), prom(0.3, null), prom(0.2, null));
        assertTrue(held.ok());
        assertEquals("worst 0.3 over 3 answers", held.measured());
        var failed = judge(lt, prom(0.1, null), prom(0.7, null), prom(0.9, null));
        assertEquals(ScenarioVerdict.Judgement.FAILED, failed.judgement());
        assertEquals("0.7 at 1.0 s (2 of 3 answers)", failed.measured());
    }

    @Test
    void aPrometheusErrorOrNoSeriesIsAnErrorWithItsMessageNeverAPass() {
        var lt = new Expectation.ProbeBound(PROM, Probe.Reading.VALUE, Expectation.Comparison.LT, 0.5, null, AT);
        var r = judge(lt, prom(0.1, null), prom(null, "Prometheus: the query returned no series"));
        assertEquals(ScenarioVerdict.Judgement.ERROR, r.judgement());
        assertTrue(r.measured().startsWith("Prometheus: the query returned no series"), r.measured());
        assertEquals(ScenarioVerdict.Judgement.ERROR, judge(lt).judgement(), "no answer at all");
        assertFalse(ProbeJudge.holds(new Expectation.ProbeBound(PROM, Probe.Reading.VALUE, Expectation.Comparison.GT, 0.5, null, AT),
            prom(null, "Prometheus: bad_data: parse error")), "an abort condition does not hold on an error");
    }

    @Test
    void anHttpRequestWithoutAResponseFailsStatusLatencyAndBody() {
        var status = new Expectation.ProbeBound(HTTP, Probe.Reading.STATUS, Expectation.Comparison.EQ, 200, null, AT);
        var latency = new Expectation.ProbeBound(HTTP, Probe.Reading.LATENCY, Expectation.Comparison.LT, 200, null, AT);
        var body = new Expectation.ProbeContains(HTTP, "ok", null, AT);
        var refused = http(null, null, null, "connection refused");
        for (Expectation e : List.of(status, latency, body)) {
            var r = judge(e, http(200, 5.0, true, null), refused);
            assertEquals(ScenarioVerdict.Judgement.FAILED, r.judgement(), e.describe());
            assertEquals("connection refused at 1.0 s (1 of 2 answers)", r.measured());
        }
        assertTrue(judge(status, http(200, 5.0, true, null)).ok());
        assertEquals("no \"ok\" in the body (status 503) at 0.0 s (1 of 1 answers)", judge(body, http(503, 5.0, false, null)).measured());
        assertEquals("== 200", ProbeJudge.expected(status));
        assertTrue(ProbeJudge.holds(new Expectation.ProbeBound(HTTP, Probe.Reading.STATUS, Expectation.Comparison.GE, 500, null, AT), refused),
            "no response holds an abort condition on status: the service is down");
    }
}
