package io.chaosplaybooks.runtime.probe;

import io.chaosplaybooks.dsl.plan.Expectation;
import io.chaosplaybooks.dsl.plan.Scenario;
import io.chaosplaybooks.runtime.exec.ActionPlan;
import io.chaosplaybooks.runtime.exec.ScenarioExecutor;
import io.chaosplaybooks.runtime.verdict.ExpectationJudge;
import io.chaosplaybooks.runtime.verdict.LoadSecond;
import io.chaosplaybooks.runtime.verdict.Observations;
import io.chaosplaybooks.runtime.verdict.ScenarioVerdict;

import java.util.List;
import java.util.Locale;

/**
 * A scenario's {@code require} gates and {@code abortWhen} conditions, for the executor:
 * <ul>
 * <li>gates are judged as expectations when the first fault is due, on what was measured by then (the
 *     load seconds and probe answers that arrived); one that fails, or whose measurement failed, stops the
 *     scenario before any fault;</li>
 * <li>abort conditions are asked about once a second while faults are on, each on its newest figure since the
 *     faults went on: a metric on the latest load second, a probe on its latest answer.</li>
 * </ul>
 */
public final class ScenarioGuard implements ScenarioExecutor.Watch {
    private final Scenario scenario;
    private final ExpectationJudge judge;
    private final Observations seen;
    private final ProbeSamples samples;

    public ScenarioGuard(Scenario scenario, ExpectationJudge judge, Observations seen, ProbeSamples samples) {
        this.scenario = scenario;
        this.judge = judge;
        this.seen = seen;
        this.samples = samples;
    }

    /** The executor's watch for this scenario: none when it has neither gates nor abort conditions. */
    public static ScenarioExecutor.Watch of(Scenario scenario, ExpectationJudge judge, Observations seen, ProbeSamples samples) {
        return scenario.gates().isEmpty() && scenario.aborts().isEmpty() ? ScenarioExecutor.Watch.NONE
            : new ScenarioGuard(scenario, judge, seen, samples);
    }

    @Override
    public ScenarioExecutor.Stop beforeFirstFault(ActionPlan plan, long startNanos, long nowNanos) {
        for (Expectation g : scenario.gates()) {
            ScenarioVerdict.Result r = judge.judgeNow(g, plan, startNanos);
            if (r == null || r.ok()) continue; // not judged at this time scale: the gate cannot say no
            return new ScenarioExecutor.Stop("require", g.describe(), (r.error() ? "could not be measured: " : "measured ") + r.measured()
                + ", expected " + r.expected(), g.pos().toString(), nowNanos, nowNanos);
        }
        return null;
    }

    @Override
    public ScenarioExecutor.Stop whileFaulted(long nowNanos, long faultsOnNanos) {
        for (Expectation a : scenario.aborts()) {
            ScenarioExecutor.Stop stop = switch (a) {
                case Expectation.MetricBound m -> metric(m, nowNanos, faultsOnNanos);
                default -> probe(a, faultsOnNanos, nowNanos);
            };
            if (stop != null) return stop;
        }
        return null;
    }

    private ScenarioExecutor.Stop metric(Expectation.MetricBound m, long now, long since) {
        List<LoadSecond> recent = seen.seconds(since, now).stream().filter(s -> s.startNanos() >= since - 500_000_000L
            && s.endNanos() <= now && s.operations() > 0).toList();
        if (recent.isEmpty()) return null;
        LoadSecond last = recent.get(recent.size() - 1);
        double v = ExpectationJudge.value(m.metric(), List.of(last));
        if (!ProbeJudge.compare(v, m.comparison(), m.threshold())) return null;
        return new ScenarioExecutor.Stop("abortWhen", m.describe(), "measured " + formatted(m, v) + " in the second to "
            + String.format(Locale.ROOT, "%.1f s", (last.endNanos() - since) / 1e9) + " after the faults went on", m.pos().toString(),
            last.endNanos(), now);
    }

    private static String formatted(Expectation.MetricBound m, double v) {
        return switch (m.metric()) {
            case ERROR_RATE -> String.format(Locale.ROOT, "%.2f%%", v * 100);
            case THROUGHPUT -> String.format(Locale.ROOT, "%.0f ops/s", v);
            default -> String.format(Locale.ROOT, "%.1f ms", v);
        };
    }

    private ScenarioExecutor.Stop probe(Expectation a, long since, long now) {
        if (a.probe() == null) return null;
        ProbeSamples.Sample s = samples.latest(a.probe().describe(), since);
        if (s == null || !ProbeJudge.holds(a, s.event())) return null;
        return new ScenarioExecutor.Stop("abortWhen", a.describe(), "answered " + ProbeJudge.reading(a, s.event()), a.pos().toString(),
            s.nanos(), now);
    }
}
