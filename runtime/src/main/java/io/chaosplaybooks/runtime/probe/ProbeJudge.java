package io.chaosplaybooks.runtime.probe;

import io.chaosplaybooks.dsl.plan.Expectation;
import io.chaosplaybooks.dsl.plan.Probe;
import io.chaosplaybooks.dsl.plan.Units;
import io.chaosplaybooks.runtime.events.RunEvent;
import io.chaosplaybooks.runtime.verdict.ScenarioVerdict;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Probe expectations against the probe's answers, as the load's figures are judged against its seconds:
 * {@code during P} reads the answers whose request was sent inside P's windows, and the bound must hold
 * for every one of them (the measured value shown is the worst). A Prometheus query that failed in the
 * window (an error, no series) makes the expectation an ERROR with Prometheus's message: what could not be
 * measured never passes. An HTTP request without a response fails {@code .status}, {@code .latency} and
 * {@code .body.contains}: the service not answering is what they watch for.
 */
public final class ProbeJudge {
    private final ProbeSamples samples;
    private final long originNanos;

    /** @param originNanos the run's start, to say when a sample was taken */
    public ProbeJudge(ProbeSamples samples, long originNanos) {
        this.samples = samples;
        this.originNanos = originNanos;
    }

    /** What the expectation asks, for reports: {@code < 0.01}, {@code == 200}, {@code < 200 ms}, {@code contains "ok"}. */
    public static String expected(Expectation e) {
        return switch (e) {
            case Expectation.ProbeBound b -> b.comparison().symbol() + " "
                + (b.reading() == Probe.Reading.STATUS ? Units.formatNumber(b.threshold()) : format(b.reading(), b.threshold()));
            case Expectation.ProbeContains c -> "contains \"" + c.text() + "\"";
            default -> throw new IllegalArgumentException("not a probe expectation: " + e.describe());
        };
    }

    /** Judges a probe expectation over {@code windows} ({start, end} on the run's clock). */
    public ScenarioVerdict.Result judge(Expectation e, List<long[]> windows) {
        String text = e.describe(), pos = e.pos().toString(), expected = expected(e);
        String probe = e.probe().describe();
        List<ProbeSamples.Sample> in = new ArrayList<>();
        for (long[] w : windows) in.addAll(samples.in(probe, w[0], w[1]));
        if (in.isEmpty()) return ScenarioVerdict.Result.error(text, expected, "no answer from " + probe + " in the window", pos);
        if (e.probe() instanceof Probe.PrometheusQuery) {
            for (ProbeSamples.Sample s : in) {
                if (s.event().error() != null) return ScenarioVerdict.Result.error(text, expected, s.event().error() + " (at " + at(s) + ")", pos);
            }
        }
        ProbeSamples.Sample worst = null;
        int failed = 0;
        ProbeSamples.Sample firstFailed = null;
        for (ProbeSamples.Sample s : in) {
            if (!meets(e, s.event())) {
                failed++;
                if (firstFailed == null) firstFailed = s;
            }
            if (worst == null || worse(e, s.event(), worst.event())) worst = s;
        }
        if (failed > 0) {
            return new ScenarioVerdict.Result(text, false, expected, reading(e, firstFailed.event()) + " at " + at(firstFailed)
                + " (" + failed + " of " + in.size() + " answers)", pos);
        }
        return new ScenarioVerdict.Result(text, true, expected, (in.size() == 1 ? "" : "worst ") + reading(e, worst.event())
            + " over " + in.size() + (in.size() == 1 ? " answer" : " answers"), pos);
    }

    /** Whether an abort condition holds on one answer (for HTTP, no response holds any condition: the service is not answering). */
    public static boolean holds(Expectation e, RunEvent.ProbeSample s) {
        if (e.probe() instanceof Probe.PrometheusQuery && s.error() != null) return false;
        if (s.error() != null) return !(e instanceof Expectation.ProbeContains);
        return meets(e, s);
    }

    /** Whether one answer meets the expectation (an answer with an error never does). */
    static boolean meets(Expectation e, RunEvent.ProbeSample s) {
        if (s.error() != null) return false;
        return switch (e) {
            case Expectation.ProbeBound b -> {
                Double v = value(b.reading(), s);
                yield v != null && compare(v, b.comparison(), b.threshold());
            }
            case Expectation.ProbeContains c -> s.bodyHas() != null && Boolean.TRUE.equals(s.bodyHas().get(c.text()));
            default -> false;
        };
    }

    public static boolean compare(double v, Expectation.Comparison c, double t) {
        return switch (c) {
            case LT -> v < t;
            case LE -> v <= t;
            case GT -> v > t;
            case GE -> v >= t;
            case EQ -> Math.abs(v - t) < 1e-9;
        };
    }

    private static Double value(Probe.Reading r, RunEvent.ProbeSample s) {
        return switch (r) {
            case VALUE -> s.value();
            case STATUS -> s.status() == null ? null : s.status().doubleValue();
            case LATENCY -> s.latencyMs();
            case BODY -> null;
        };
    }

    /** Worse: further on the wrong side of the bound (an error is worst). */
    private static boolean worse(Expectation e, RunEvent.ProbeSample a, RunEvent.ProbeSample b) {
        if (!(e instanceof Expectation.ProbeBound bound)) return false;
        Double x = value(bound.reading(), a), y = value(bound.reading(), b);
        if (x == null) return y != null;
        if (y == null) return false;
        return switch (bound.comparison()) {
            case LT, LE -> x > y;
            case GT, GE -> x < y;
            case EQ -> Math.abs(x - bound.threshold()) > Math.abs(y - bound.threshold());
        };
    }

    /** One answer as the expectation reads it. */
    public static String reading(Expectation e, RunEvent.ProbeSample s) {
        if (s.error() != null) return s.error();
        return switch (e) {
            case Expectation.ProbeBound b -> format(b.reading(), value(b.reading(), s));
            case Expectation.ProbeContains c -> (Boolean.TRUE.equals(s.bodyHas() == null ? null : s.bodyHas().get(c.text()))
                ? "has \"" : "no \"") + c.text() + "\" in the body (status " + s.status() + ")";
            default -> "?";
        };
    }

    static String format(Probe.Reading r, Double v) {
        if (v == null) return "nothing";
        return switch (r) {
            case LATENCY -> String.format(Locale.ROOT, "%.1f ms", v);
            case STATUS -> "status " + Math.round(v);
            default -> Units.formatNumber(v);
        };
    }

    private String at(ProbeSamples.Sample s) {
        return String.format(Locale.ROOT, "%.1f s", (s.nanos() - originNanos) / 1e9);
    }
}
