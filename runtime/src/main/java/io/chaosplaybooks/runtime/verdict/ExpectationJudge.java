package io.chaosplaybooks.runtime.verdict;

import io.chaosplaybooks.dsl.plan.Expectation;
import io.chaosplaybooks.dsl.plan.LoadProfile;
import io.chaosplaybooks.dsl.plan.Scenario;
import io.chaosplaybooks.dsl.plan.Units;
import io.chaosplaybooks.runtime.exec.ActionPlan;
import io.chaosplaybooks.runtime.exec.ScenarioExecutor;
import io.chaosplaybooks.runtime.exec.TargetResolver;
import io.chaosplaybooks.runtime.probe.ProbeJudge;
import org.HdrHistogram.Histogram;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Turns a scenario's expectations and what the load engine saw into a verdict.
 *
 * <ul>
 * <li>{@code M op bound during P}: over the load seconds that overlap P's windows; error rate is
 *     failed / attempted, throughput attempted ops per second, percentiles from the merged histogram.</li>
 * <li>{@code breaker(T).opened during P}: every server of T had a transition to OPEN inside P;
 *     {@code .closed}: every server of T is CLOSED at P's end; {@code .stayedClosed}: CLOSED at P's
 *     start and no transition inside P.</li>
 * <li>{@code recoveredWithin(d)}: from the start of recover to the first second whose error rate is
 *     at most the stabilize baseline + 1 point and whose p99 is at most twice the baseline p99 + 1 ms,
 *     at most {@code d} times the time scale (the phases and the breakers' open wait scale alike).</li>
 * </ul>
 *
 * <p>At a time scale, phases can become too short for what an expectation measures. Such an
 * expectation is <em>not judged</em> (neither held nor failed), by rules that read only the plan,
 * so the same playbook at the same scale is always judged the same way:
 * <ul>
 * <li>a metric during P, and {@code recoveredWithin} (over stabilize and recover): every window of
 *     the phase must last at least the one second the load is measured in, and so must the scaled
 *     bound of {@code recoveredWithin};</li>
 * <li>{@code opened} and {@code stayedClosed} during P: the breaker decides only after
 *     {@code max(minimumCalls, ceil(failureRate x window))} failed calls. A faulty server's calls end by
 *     timeout, so the clients can make at most {@code clients x P / timeout} of them (open loop: at most
 *     the rate's share of the server), spread over the expectation's servers; the rule counts on half
 *     of that, since each client's first timeout ends only a timeout after the fault begins;</li>
 * <li>{@code closed} during P: P must last the (scaled) {@code openFor}, one timeout for the half-open
 *     probes, and one load second for the connections to come back.</li>
 * </ul>
 */
public final class ExpectationJudge {
    /** Slack on "back to baseline": an error rate this far above the baseline still counts as recovered. */
    static final double ERROR_RATE_SLACK = 0.01;

    /** The length of the load's measuring window: one load second. */
    static final long LOAD_SECOND_NANOS = 1_000_000_000L;

    private final Observations seen;
    private final TargetResolver targets;
    /** The playbook's load as written (not time-scaled); null: breaker expectations are always judged. */
    private final LoadProfile load;
    private final double timeScale;
    private final int servers;
    /** Judges probe expectations; null where no probe is asked (live sessions): they are then not judged. */
    private final ProbeJudge probes;

    /** A judge for runs at the time scale 1 with no breaker rules (live sessions). */
    public ExpectationJudge(Observations seen, TargetResolver targets) {
        this(seen, targets, null, 1.0, 1);
    }

    /**
     * @param load      the playbook's load profile as written; the judge scales its breaker's {@code openFor} itself
     * @param timeScale the run's {@code --time-scale}
     * @param servers   how many servers the load spreads over
     */
    public ExpectationJudge(Observations seen, TargetResolver targets, LoadProfile load, double timeScale, int servers) {
        this(seen, targets, load, timeScale, servers, null);
    }

    private ExpectationJudge(Observations seen, TargetResolver targets, LoadProfile load, double timeScale, int servers, ProbeJudge probes) {
        this.seen = seen;
        this.targets = targets;
        this.load = load;
        this.timeScale = timeScale;
        this.servers = Math.max(1, servers);
        this.probes = probes;
    }

    /** This judge, judging probe expectations with {@code probes}. */
    public ExpectationJudge withProbes(ProbeJudge probes) {
        return new ExpectationJudge(seen, targets, load, timeScale, servers, probes);
    }

    public ScenarioVerdict judge(Scenario scenario, ScenarioExecutor.Outcome outcome) {
        List<ScenarioVerdict.Result> results = new ArrayList<>();
        for (Expectation e : scenario.expectations()) {
            String why = whyNotJudged(e, outcome.plan(), timeScale);
            if (why == null) why = afterTheAbort(e, outcome);
            results.add(why == null ? judge(e, outcome) : ScenarioVerdict.Result.notJudged(e.describe(), expectedOf(e), why, e.pos().toString()));
        }
        List<String> errors = new ArrayList<>(outcome.errors());
        if (outcome.interrupted()) errors.add("interrupted");
        for (ScenarioVerdict.Result r : results) {
            if (r.error()) errors.add(r.position() + ": expect " + r.expectation() + ": " + r.measured());
        }
        ScenarioVerdict.Status status = status(results, errors);
        if (outcome.aborted() != null && status != ScenarioVerdict.Status.ERROR) {
            status = ScenarioVerdict.Status.ABORTED;
            errors.add(0, "aborted: " + outcome.aborted().describe());
        }
        return new ScenarioVerdict(scenario.name(), status, results, errors,
            results.stream().allMatch(ScenarioVerdict.Result::judged) || outcome.aborted() != null ? null : scaleToJudge(scenario));
    }

    /** Why an expectation is not judged in a scenario that stopped before its windows began; null when it is judged. */
    private static String afterTheAbort(Expectation e, ScenarioExecutor.Outcome o) {
        if (o.aborted() == null || e.phase() == null && !(e instanceof Expectation.RecoveredWithin)) return null;
        long stop = o.aborted().seenNanos();
        List<ActionPlan.Window> ws = o.plan().windows(e.phase());
        if (!ws.isEmpty() && ws.stream().anyMatch(w -> o.startNanos() + w.startNanos() < stop)) return null;
        return "the scenario was aborted before " + (e.phase() == null ? "it" : "the " + e.phase() + " phase") + " (" + o.aborted().by() + ")";
    }

    /**
     * One expectation judged now, on what has been measured so far, in a scenario that began at {@code startNanos}
     * on {@code plan}: a gate before the first fault. Null when it cannot be judged at the run's time scale.
     */
    public ScenarioVerdict.Result judgeNow(Expectation e, ActionPlan plan, long startNanos) {
        if (whyNotJudged(e, plan, timeScale) != null) return null;
        return judge(e, new ScenarioExecutor.Outcome(plan, startNanos, List.of(), false));
    }

    static ScenarioVerdict.Status status(List<ScenarioVerdict.Result> results, List<String> errors) {
        if (!errors.isEmpty()) return ScenarioVerdict.Status.ERROR;
        if (results.stream().anyMatch(ScenarioVerdict.Result::error)) return ScenarioVerdict.Status.ERROR;
        if (results.stream().anyMatch(r -> r.judgement() == ScenarioVerdict.Judgement.FAILED)) return ScenarioVerdict.Status.FAIL;
        if (!results.isEmpty() && results.stream().noneMatch(ScenarioVerdict.Result::judged)) return ScenarioVerdict.Status.NOT_JUDGED;
        return ScenarioVerdict.Status.PASS;
    }

    /**
     * The smallest time scale, in steps of 0.05 up to 1, at which every expectation of the scenario
     * is judged; null when even the scale 1 leaves one not judged.
     */
    public Double scaleToJudge(Scenario scenario) {
        for (int step = 1; step <= 20; step++) {
            double scale = step / 20.0;
            ActionPlan plan = ActionPlan.of(scenario, scale);
            if (scenario.expectations().stream().allMatch(e -> whyNotJudged(e, plan, scale) == null)) return scale;
        }
        return null;
    }

    private static String expectedOf(Expectation e) {
        return switch (e) {
            case Expectation.MetricBound m -> m.comparison().symbol() + " " + format(m.metric(), m.threshold());
            case Expectation.Breaker b -> b.condition().name().toLowerCase(Locale.ROOT).replace('_', ' ');
            case Expectation.RecoveredWithin r -> "within " + Units.format(r.within());
            case Expectation.ProbeBound p -> ProbeJudge.expected(p);
            case Expectation.ProbeContains p -> ProbeJudge.expected(p);
        };
    }

    /** Why the expectation cannot be judged on this plan at this time scale; null when it can. */
    String whyNotJudged(Expectation e, ActionPlan plan, double scale) {
        return switch (e) {
            case Expectation.MetricBound m -> shorterThanLoadSecond(m.phase(), plan, scale);
            case Expectation.RecoveredWithin r -> {
                String why = shorterThanLoadSecond("stabilize", plan, scale);
                if (why == null) why = shorterThanLoadSecond("recover", plan, scale);
                long within = scaled(r.within(), scale);
                yield why != null || within >= LOAD_SECOND_NANOS ? why
                    : "within " + Units.format(r.within()) + " is " + Units.format(Duration.ofNanos(within)) + at(scale)
                        + ", shorter than the 1 s the load is measured in";
            }
            case Expectation.Breaker b -> load == null ? null : switch (b.condition()) {
                case OPENED, STAYED_CLOSED -> tooFewCalls(b, plan, scale);
                case CLOSED -> tooShortToClose(b, plan, scale);
            };
            case Expectation.ProbeBound p -> probeNotJudged(p, plan, scale);
            case Expectation.ProbeContains p -> probeNotJudged(p, plan, scale);
        };
    }

    /** A probe's expectation needs the probe (chaos run asks it) and a window as long as the probe's period. */
    private String probeNotJudged(Expectation e, ActionPlan plan, double scale) {
        if (probes == null) return "probes are asked only while chaos run runs a scenario";
        long length = shortest(e.phase(), plan);
        long every = e.probe().every().toNanos();
        if (length < 0 || length >= every) return null;
        return phaseName(e.phase()) + " lasts " + Units.format(Duration.ofNanos(length)) + at(scale)
            + ", shorter than the " + Units.format(e.probe().every()) + " between the probe's answers";
    }

    /** The shortest window of the phase (the whole scenario when {@code phase} is null); -1 when there is none. */
    private static long shortest(String phase, ActionPlan plan) {
        if (phase == null) return plan.lengthNanos();
        return plan.windows(phase).stream().mapToLong(w -> w.endNanos() - w.startNanos()).min().orElse(-1);
    }

    private static String phaseName(String phase) {
        return phase == null ? "the scenario" : "the " + phase + " phase";
    }

    private static String at(double scale) {
        return scale == 1.0 ? "" : " at --time-scale " + Units.formatNumber(scale);
    }

    private static String shorterThanLoadSecond(String phase, ActionPlan plan, double scale) {
        long length = shortest(phase, plan);
        if (length < 0 || length >= LOAD_SECOND_NANOS) return null;
        return phaseName(phase) + " lasts " + Units.format(Duration.ofNanos(length)) + at(scale)
            + ", shorter than the 1 s the load is measured in";
    }

    /** Failed calls a breaker needs before it opens: at least minimumCalls, and enough to reach failureRate in a full window. */
    static int callsToOpen(LoadProfile.Breaker b) {
        return Math.max(b.minimumCalls(), (int) Math.ceil(b.failureRate() * b.window() - 1e-9));
    }

    /** Failed calls the rule counts on for each of {@code targetServers} faulty servers during {@code nanos}. */
    static double callsFor(LoadProfile load, int servers, int targetServers, long nanos) {
        double perSecond = load.clients() / (load.timeout().toNanos() / 1e9) / targetServers;
        if (load.ratePerSecond() > 0) perSecond = Math.min(perSecond, load.ratePerSecond() / servers);
        return perSecond * nanos / 1e9 / 2;
    }

    private String tooFewCalls(Expectation.Breaker b, ActionPlan plan, double scale) {
        long length = shortest(b.phase(), plan);
        if (length < 0) return null;
        int target = Math.max(1, targets.resolve(b.target()).size());
        int needed = callsToOpen(load.breaker());
        double room = callsFor(load, servers, target, length);
        if (room >= needed) return null;
        return "the breaker needs " + needed + " failed calls to open and " + phaseName(b.phase()) + " lasts "
            + Units.format(Duration.ofNanos(length)) + at(scale) + ", room for about " + Math.round(room)
            + " (half of " + load.clients() + " clients x " + Units.format(Duration.ofNanos(length)) + " / "
            + Units.format(load.timeout()) + " timeout" + (target > 1 ? " / " + target + " servers" : "") + ")";
    }

    private String tooShortToClose(Expectation.Breaker b, ActionPlan plan, double scale) {
        long length = shortest(b.phase(), plan);
        if (length < 0) return null;
        Duration openFor = load.timeScaled(scale).breaker().openFor();
        long needed = openFor.toNanos() + load.timeout().toNanos() + LOAD_SECOND_NANOS;
        if (length >= needed) return null;
        return phaseName(b.phase()) + " lasts " + Units.format(Duration.ofNanos(length)) + at(scale)
            + ", shorter than the breaker's " + Units.format(openFor) + " open + " + Units.format(load.timeout())
            + " of half-open probes + 1 s the load is measured in";
    }

    private List<long[]> windows(String phase, ScenarioExecutor.Outcome o) {
        List<long[]> w = new ArrayList<>();
        // Spans on the clock, without the time the run stood paused.
        if (phase == null) {
            w.addAll(o.spans(0, o.plan().lengthNanos()));
        } else {
            for (ActionPlan.Window x : o.plan().windows(phase)) w.addAll(o.spans(x.startNanos(), x.endNanos()));
        }
        return w;
    }

    private ScenarioVerdict.Result judge(Expectation e, ScenarioExecutor.Outcome o) {
        String text = e.describe();
        String pos = e.pos().toString();
        return switch (e) {
            case Expectation.MetricBound m -> metric(m, o, text, pos);
            case Expectation.Breaker b -> breaker(b, o, text, pos);
            case Expectation.RecoveredWithin r -> recovered(r, o, text, pos);
            case Expectation.ProbeBound p -> probes.judge(p, windows(p.phase(), o));
            case Expectation.ProbeContains p -> probes.judge(p, windows(p.phase(), o));
        };
    }

    /**
     * The load seconds of the windows: those whose middle lies inside (so a short phase is not
     * judged on its neighbours' traffic); for a window shorter than any such second, those that overlap it.
     */
    private List<LoadSecond> secondsIn(List<long[]> windows) {
        List<LoadSecond> all = new ArrayList<>();
        for (long[] w : windows) {
            List<LoadSecond> overlapping = seen.seconds(w[0], w[1]);
            List<LoadSecond> inside = overlapping.stream().filter(s -> {
                long mid = (s.startNanos() + s.endNanos()) / 2;
                return mid >= w[0] && mid < w[1];
            }).toList();
            for (LoadSecond s : inside.isEmpty() ? overlapping : inside) if (!all.contains(s)) all.add(s);
        }
        return all;
    }

    private static Histogram merge(List<LoadSecond> seconds) {
        Histogram h = new Histogram(3);
        for (LoadSecond s : seconds) if (s.latencyMicros() != null) h.add(s.latencyMicros());
        return h;
    }

    /** A metric over load seconds: errors / attempts, attempts per second, or a percentile of the merged histograms (ms). */
    public static double value(Expectation.Metric metric, List<LoadSecond> seconds) {
        long ops = seconds.stream().mapToLong(LoadSecond::operations).sum();
        long errors = seconds.stream().mapToLong(LoadSecond::errors).sum();
        double span = seconds.stream().mapToDouble(LoadSecond::seconds).sum();
        return switch (metric) {
            case ERROR_RATE -> ops == 0 ? 0 : (double) errors / ops;
            case THROUGHPUT -> span == 0 ? 0 : ops / span;
            case P50 -> merge(seconds).getValueAtPercentile(50) / 1000.0;
            case P90 -> merge(seconds).getValueAtPercentile(90) / 1000.0;
            case P95 -> merge(seconds).getValueAtPercentile(95) / 1000.0;
            case P99 -> merge(seconds).getValueAtPercentile(99) / 1000.0;
            case P999 -> merge(seconds).getValueAtPercentile(99.9) / 1000.0;
        };
    }

    static String format(Expectation.Metric metric, double v) {
        return switch (metric) {
            case ERROR_RATE -> String.format(Locale.ROOT, "%.2f%%", v * 100);
            case THROUGHPUT -> String.format(Locale.ROOT, "%.0f ops/s", v);
            default -> String.format(Locale.ROOT, "%.1f ms", v);
        };
    }

    private ScenarioVerdict.Result metric(Expectation.MetricBound m, ScenarioExecutor.Outcome o, String text, String pos) {
        List<LoadSecond> seconds = secondsIn(windows(m.phase(), o));
        String expected = m.comparison().symbol() + " " + format(m.metric(), m.threshold());
        if (seconds.isEmpty() || seconds.stream().mapToLong(LoadSecond::operations).sum() == 0) {
            return new ScenarioVerdict.Result(text, false, expected, "no load measured in the window", pos);
        }
        double v = value(m.metric(), seconds);
        boolean ok = switch (m.comparison()) {
            case LT -> v < m.threshold();
            case LE -> v <= m.threshold();
            case GT -> v > m.threshold();
            case GE -> v >= m.threshold();
            case EQ -> Math.abs(v - m.threshold()) < 1e-9;
        };
        return new ScenarioVerdict.Result(text, ok, expected, format(m.metric(), v), pos);
    }

    private ScenarioVerdict.Result breaker(Expectation.Breaker b, ScenarioExecutor.Outcome o, String text, String pos) {
        List<long[]> ws = windows(b.phase(), o);
        List<String> servers = targets.resolve(b.target());
        List<String> measured = new ArrayList<>();
        boolean ok = !ws.isEmpty();
        for (String server : servers) {
            boolean serverOk = false;
            String what = "";
            for (long[] w : ws) {
                List<BreakerEvent> events = seen.breakerEvents(w[0], w[1]).stream().filter(ev -> ev.server().equals(server)).toList();
                switch (b.condition()) {
                    case OPENED -> {
                        long opens = events.stream().filter(ev -> ev.to().equals("OPEN")).count();
                        serverOk |= opens > 0;
                        what = opens > 0 ? "opened " + opens + "x" : "never opened (state " + seen.breakerState(server, w[1]) + ")";
                    }
                    case CLOSED -> {
                        String end = seen.breakerState(server, w[1]);
                        serverOk |= end.equals("CLOSED");
                        what = end.toLowerCase(Locale.ROOT) + " at the end";
                    }
                    case STAYED_CLOSED -> {
                        boolean stayed = seen.breakerState(server, w[0]).equals("CLOSED") && events.isEmpty();
                        serverOk = stayed;
                        what = stayed ? "stayed closed" : events.isEmpty() ? "was " + seen.breakerState(server, w[0])
                            : "went " + events.get(0).to().toLowerCase(Locale.ROOT);
                        if (!stayed) break;
                    }
                }
            }
            ok &= serverOk;
            measured.add(server + ": " + what);
        }
        return new ScenarioVerdict.Result(text, ok, b.condition().name().toLowerCase(Locale.ROOT).replace('_', ' '),
            String.join("; ", measured), pos);
    }

    /** A duration as it runs at {@code scale}: the bound of recoveredWithin scales with the phases and the breakers' open wait. */
    private static long scaled(Duration d, double scale) {
        return Math.round(d.toNanos() * scale);
    }

    private ScenarioVerdict.Result recovered(Expectation.RecoveredWithin r, ScenarioExecutor.Outcome o, String text, String pos) {
        long within = scaled(r.within(), timeScale);
        String expected = "within " + Units.format(r.within())
            + (timeScale == 1.0 ? "" : " (" + Units.format(Duration.ofNanos(within)) + at(timeScale) + ")");
        List<long[]> stab = windows("stabilize", o);
        List<long[]> rec = windows("recover", o);
        if (stab.isEmpty() || rec.isEmpty()) return new ScenarioVerdict.Result(text, false, expected, "no stabilize or recover phase", pos);
        List<LoadSecond> base = secondsIn(stab);
        if (base.isEmpty()) return new ScenarioVerdict.Result(text, false, expected, "no load measured during stabilize", pos);
        double baseErr = value(Expectation.Metric.ERROR_RATE, base);
        double baseP99 = value(Expectation.Metric.P99, base);
        long heal = rec.get(0)[0];
        for (LoadSecond s : seen.seconds(heal, rec.get(rec.size() - 1)[1])) {
            if (s.startNanos() < heal || s.operations() == 0) continue;
            double p99 = s.latencyMicros() == null ? 0 : s.latencyMicros().getValueAtPercentile(99) / 1000.0;
            if (s.errorRate() <= baseErr + ERROR_RATE_SLACK && p99 <= 2 * baseP99 + 1.0) {
                long took = s.startNanos() - heal;
                boolean ok = took <= within;
                return new ScenarioVerdict.Result(text, ok, expected,
                    String.format(Locale.ROOT, "back to baseline after %.1f s", took / 1e9), pos);
            }
        }
        return new ScenarioVerdict.Result(text, false, expected, "not back to the baseline by the end of recover", pos);
    }
}
