package io.chaosplaybooks.dsl

import io.chaosplaybooks.dsl.plan.Expectation
import io.chaosplaybooks.dsl.plan.Fraction
import io.chaosplaybooks.dsl.plan.OpsRate
import io.chaosplaybooks.dsl.plan.Probe
import io.chaosplaybooks.dsl.plan.Scenario
import io.chaosplaybooks.dsl.plan.Schedule
import io.chaosplaybooks.dsl.plan.SourcePos
import io.chaosplaybooks.dsl.plan.Step
import io.chaosplaybooks.dsl.plan.Units

import java.time.Duration

/** The words of a scenario: its steps, plus description, tags and expectations. */
class ScenarioContext extends StepsContext {
    static final List<String> SCENARIO_WORDS = StepsContext.WORDS + Vocabulary.words(Vocabulary.Block.SCENARIO) + ['during']

    final String name
    final SourcePos pos
    String description
    final List<String> tags = []
    final List<ExpectationSpec> expectations = []
    final List<Schedule> schedules = []
    final List<ExpectationSpec> gates = []
    final List<ExpectationSpec> aborts = []

    ScenarioContext(Evaluation evaluation, PlaybookContext root, String name, SourcePos pos) {
        super(evaluation, root)
        this.name = name
        this.pos = pos
    }

    void description(String text) {
        if (description != null) problem('description given twice')
        description = text
    }

    void tags(String... words) {
        words.each { t ->
            if (!(Words.matches(t, /[A-Za-z0-9][A-Za-z0-9_.-]*/))) problem("a tag is a single word of letters, digits, '-', '_' or '.', got \"${t}\"")
            else if (tags.contains(t)) problem("tag '${t}' given twice")
            else tags << t
        }
    }

    ExpectationSpec expect(ExpectationSpec e) {
        expectations << e
        e
    }

    ExpectationSpec expect(ProbeRef p) {
        problem("expect ${p.describe()} needs " + (p.probe instanceof Probe.Http
            ? "a reading and a bound: expect ${p.describe()}.status == 200 (or .latency < 200.ms, .body.contains(\"ok\"))"
            : "a bound: expect ${p.describe()} < 0.01"))
        new ExpectationSpec(evaluation, here(), { p2, q -> null })
    }

    // ---- gates and aborts ----------------------------------------------------------------------

    /** {@code require <expectation> during stabilize}: judged before the first fault; if it fails, the scenario is aborted. */
    ExpectationSpec require(ExpectationSpec e) {
        gates << e
        e
    }

    /** {@code abortWhen <condition>}: checked every second while faults are on; when it holds, the scenario is aborted. */
    ExpectationSpec abortWhen(ExpectationSpec e) {
        e.phaseAllowed = false
        e.noPhase = "abortWhen is checked every second while faults are on; it takes no 'during'"
        aborts << e
        e
    }

    // ---- probes: plan data, asked only while the scenario runs ---------------------------------

    /** {@code prometheus("sum(rate(app_errors_total[30s]))")}: an instant query of the run's Prometheus, once a second. */
    ProbeRef prometheus(CharSequence query) {
        def pos = here()
        String q = query.toString()
        if (!q.trim()) problem('prometheus needs a query, such as prometheus("sum(rate(app_errors_total[30s]))")')
        new ProbeRef(new Probe.PrometheusQuery(q, Duration.ofSeconds(1), pos), evaluation)
    }

    /** {@code http("http://127.0.0.1:8080/health")}: a GET once a second (1 s timeout). */
    ProbeRef http(CharSequence url) { http([:], url) }

    /** {@code http(url, every: 2.s, timeout: 500.ms)}. */
    ProbeRef http(Map options, CharSequence url) {
        def pos = here()
        String u = url.toString()
        Duration every = Duration.ofSeconds(1)
        Duration timeout = null
        options.each { k, v ->
            if (k == 'every' || k == 'timeout') {
                if (!(v instanceof Duration)) problem("${k} takes a duration such as ${k == 'every' ? '2.s' : '500.ms'}, got ${Words.show(v)}")
                else if (v.isNegative() || v.isZero()) problem("${k} must be positive, got ${Units.format(v)}")
                else if (k == 'every') every = v
                else timeout = v
            } else {
                problem("http takes every: and timeout:, not '${k}'" + Words.didYouMean(k.toString(), ['every', 'timeout']))
            }
        }
        URI parsed = null
        try {
            parsed = new URI(u)
        } catch (URISyntaxException ignored) {
        }
        if (parsed == null || !(parsed.scheme in ['http', 'https']) || !parsed.host) {
            problem("http needs a URL such as \"http://127.0.0.1:8080/health\", got \"${u}\"")
        }
        new ProbeRef(new Probe.Http(u, every, timeout ?: Probe.Http.defaultTimeout(every), pos), evaluation)
    }

    ExpectationSpec expect(MetricRef m) {
        problem("expect ${m.describe()} needs a bound: expect ${m.describe()} < ${example(m.metric)}")
        new ExpectationSpec(evaluation, here(), { p, q -> null })
    }

    ExpectationSpec expect(BreakerRef b) {
        problem("expect ${b.describe()} needs a condition: .opened, .closed or .stayedClosed")
        new ExpectationSpec(evaluation, here(), { p, q -> null })
    }

    // ---- metric words and the comparison the compiler turns `expect a < b` into ---------------

    MetricRef getErrorRate() { new MetricRef(Expectation.Metric.ERROR_RATE) }
    MetricRef getThroughput() { new MetricRef(Expectation.Metric.THROUGHPUT) }
    MetricRef getP50() { new MetricRef(Expectation.Metric.P50) }
    MetricRef getP90() { new MetricRef(Expectation.Metric.P90) }
    MetricRef getP95() { new MetricRef(Expectation.Metric.P95) }
    MetricRef getP99() { new MetricRef(Expectation.Metric.P99) }
    MetricRef getP999() { new MetricRef(Expectation.Metric.P999) }

    private static String example(Expectation.Metric m) {
        switch (m) {
            case Expectation.Metric.ERROR_RATE: return '1.percent'
            case Expectation.Metric.THROUGHPUT: return '1_000.perSecond'
            default: return '50.ms'
        }
    }

    ExpectationSpec __compare(Object left, String op, Object right) {
        def pos = here()
        def cmp = Expectation.Comparison.values().find { it.symbol() == op }
        if (Absorber.among([left, right] as Object[])) return new ExpectationSpec(evaluation, pos, { p, q -> null })
        if (left instanceof ProbeRef && left.reading() != null) left = left.reading()
        if (right instanceof ProbeRef && right.reading() != null) right = right.reading()
        if (left instanceof ProbeReading || right instanceof ProbeReading) {
            return left instanceof ProbeReading ? probeBound(left, cmp, right, pos) : probeBound(right, flip(cmp), left, pos)
        }
        if (left instanceof BodyRef || right instanceof BodyRef) {
            def b = left instanceof BodyRef ? left : right
            problem("a body is not compared; write ${b.probe.describe()}.body.contains(\"text\")")
            return new ExpectationSpec(evaluation, pos, { a, c -> null })
        }
        if (left instanceof ProbeRef || right instanceof ProbeRef) {
            def p = left instanceof ProbeRef ? left : right
            problem("an http probe is compared by a reading: ${p.describe()}.status == 200, ${p.describe()}.latency < 200.ms")
            return new ExpectationSpec(evaluation, pos, { a, b -> null })
        }
        MetricRef metric
        Object bound
        if (left instanceof MetricRef) {
            metric = left; bound = right
        } else if (right instanceof MetricRef) {
            metric = right; bound = left
            cmp = flip(cmp)
        } else {
            problem("an expectation compares a metric (errorRate, throughput, p50, p90, p95, p99, p999) with a bound; got ${Words.show(left)} ${op} ${Words.show(right)}")
            return new ExpectationSpec(evaluation, pos, { p, q -> null })
        }
        Double threshold = threshold(metric.metric, bound)
        if (threshold == null) return new ExpectationSpec(evaluation, pos, { p, q -> null })
        def m = metric.metric
        new ExpectationSpec(evaluation, pos, { String phase, SourcePos at ->
            new Expectation.MetricBound(m, cmp, threshold, phase, at) })
    }

    private ExpectationSpec probeBound(ProbeReading r, Expectation.Comparison cmp, Object bound, SourcePos pos) {
        Double threshold = null
        switch (r.reading) {
            case Probe.Reading.VALUE:
                if (bound instanceof Fraction) threshold = bound.value()
                else if (bound instanceof Number) threshold = bound.doubleValue()
                else problem("a prometheus query is compared with a number, got ${Words.show(bound)}")
                break
            case Probe.Reading.STATUS:
                if (!(bound instanceof Integer || bound instanceof Long)) problem("status is compared with a status code such as 200, got ${Words.show(bound)}")
                else if (bound < 100 || bound > 599) problem("a status code is between 100 and 599, got ${bound}")
                else threshold = bound.doubleValue()
                break
            case Probe.Reading.LATENCY:
                if (!(bound instanceof Duration)) problem("latency is compared with a duration such as 200.ms, got ${Words.show(bound)}")
                else if (bound.isNegative()) problem("latency bound must not be negative, got ${Units.format(bound)}")
                else threshold = bound.toNanos() / 1_000_000d
                break
            default:
                problem("a body is not compared; write ${r.probe.describe()}.body.contains(\"text\")")
        }
        if (threshold == null) return new ExpectationSpec(evaluation, pos, { p, q -> null })
        def probe = r.probe
        def reading = r.reading
        double t = threshold
        new ExpectationSpec(evaluation, pos, { String phase, SourcePos at -> new Expectation.ProbeBound(probe, reading, cmp, t, phase, at) })
    }

    private static Expectation.Comparison flip(Expectation.Comparison c) {
        switch (c) {
            case Expectation.Comparison.LT: return Expectation.Comparison.GT
            case Expectation.Comparison.LE: return Expectation.Comparison.GE
            case Expectation.Comparison.GT: return Expectation.Comparison.LT
            case Expectation.Comparison.GE: return Expectation.Comparison.LE
            default: return c
        }
    }

    private Double threshold(Expectation.Metric m, Object bound) {
        switch (m) {
            case Expectation.Metric.ERROR_RATE:
                double v
                if (bound instanceof Fraction) v = bound.value()
                else if (bound instanceof Number) v = bound.doubleValue()
                else { problem("errorRate is compared with a share such as 1.percent or 0.01, got ${Words.show(bound)}"); return null }
                if (v < 0 || v > 1) { problem("errorRate bound must be between 0 and 1 (0.percent to 100.percent), got ${bound}"); return null }
                return v
            case Expectation.Metric.THROUGHPUT:
                double r
                if (bound instanceof OpsRate) r = bound.perSecond()
                else if (bound instanceof Number) r = bound.doubleValue()
                else { problem("throughput is compared with a rate such as 1_000.perSecond, got ${Words.show(bound)}"); return null }
                if (r < 0) { problem("throughput bound must not be negative, got ${bound}"); return null }
                return r
            default:
                if (!(bound instanceof Duration)) {
                    problem("${m.word()} is compared with a duration such as 50.ms, got ${Words.show(bound)}")
                    return null
                }
                if (bound.isNegative()) { problem("${m.word()} bound must not be negative, got ${Units.format(bound)}"); return null }
                return bound.toNanos() / 1_000_000d
        }
    }

    BreakerRef breaker(TargetSpec t) { new BreakerRef(t, evaluation) }

    ExpectationSpec recoveredWithin(Duration d) {
        def pos = here()
        positive('recoveredWithin', d)
        def spec = new ExpectationSpec(evaluation, pos, { String phase, SourcePos at -> new Expectation.RecoveredWithin(d, at) })
        spec.phaseAllowed = false
        spec
    }

    /** {@code expect recoveredWithin 20.s} does not parse as a call in Groovy; whatever follows is absorbed. */
    Object getRecoveredWithin() {
        problem('recoveredWithin needs a duration in parentheses: expect recoveredWithin(20.s)')
        Absorber.INSTANCE
    }

    // ---- phases named in `during` --------------------------------------------------------------

    PhaseRef getStabilize() { new PhaseRef('stabilize') }
    PhaseRef getInject() { new PhaseRef('inject') }
    PhaseRef getRecover() { new PhaseRef('recover') }
    PhaseRef getWait() { new PhaseRef('wait') }


    // ---- schedules: when the scenario runs by itself (chaos serve) -----------------------------------

    /** {@code schedule "0 3 * * MON-FRI"}: Unix cron, in the machine's zone. */
    void schedule(String expression) { schedule([:], expression) }

    /** {@code schedule "0 0/10 * * * ?", syntax: "quartz", zone: "Europe/Paris"}. */
    void schedule(Map named, String expression) {
        addSchedule(ScheduleReader.cron(named, expression, here(), evaluation.sources[here().file()], PlaybookContext.MACHINE_ZONE))
    }

    /** {@code every 6.h}: from when the schedule is first loaded. */
    void every(Duration period) { every([:], period) }

    void every(Map named, Duration period) {
        addSchedule(ScheduleReader.every(named, period, here(), evaluation.sources[here().file()], PlaybookContext.MACHINE_ZONE))
    }

    /** {@code once at: "2027-01-15T03:00"}. */
    void once(Map named) {
        addSchedule(ScheduleReader.once(named, here(), evaluation.sources[here().file()], PlaybookContext.MACHINE_ZONE))
    }

    private void addSchedule(ScheduleReader.Read read) {
        read.problems().each { evaluation.problem(it.pos(), it.message()) }
        if (read.schedule() != null) schedules << read.schedule()
    }

    @Override
    protected List<String> knownWords() { SCENARIO_WORDS }

    @Override
    protected String contextName() { "scenario '${name}'" }

    @Override
    protected String usage(String word) {
        def own = Vocabulary.find(word, Vocabulary.Block.SCENARIO)
        own.present ? own.get().usage() : super.usage(word)
    }

    Scenario build() {
        def builtSteps = buildSteps()
        Set<String> phases = new TreeSet<>()
        collectPhases(builtSteps, phases)
        def built = expectations.findResults { ExpectationSpec e ->
            def x = e.build()
            // Reported at the `during`, the word that names the phase.
            if (x != null && e.phaseAllowed && e.phase != null && !phases.contains(e.phase)) {
                evaluation.problem(e.phasePos, "scenario '${name}' has no phase or step '${e.phase}'; it has: ${phases.join(', ') ?: 'no steps'}")
            }
            x
        }
        new Scenario(name, description, tags, builtSteps, built, buildGates(builtSteps, phases), buildAborts(), pos, schedules)
    }

    /** A gate names a phase that ends before the first fault: it is judged then, and the scenario goes on only if it holds. */
    private List<Expectation> buildGates(List<Step> builtSteps, Set<String> phases) {
        Set<String> before = new TreeSet<>()
        for (Step s : builtSteps) {
            Set<String> inside = new TreeSet<>()
            collectPhases([s], inside)
            if (inside.contains('inject')) break
            before.addAll(inside)
        }
        gates.findResults { ExpectationSpec e ->
            def x = e.build()
            if (x == null) return null
            if (x instanceof Expectation.RecoveredWithin || x instanceof Expectation.Breaker) {
                evaluation.problem(e.pos, 'require takes a metric or probe bound (errorRate < 1.percent, http(url).status == 200), judged before the first fault')
                return null
            }
            if (e.phase == null) {
                evaluation.problem(e.pos, "require needs the phase it judges before the first fault: require ${x.describe()} during stabilize")
                return null
            }
            if (!phases.contains(e.phase)) {
                evaluation.problem(e.phasePos, "scenario '${name}' has no phase or step '${e.phase}'; it has: ${phases.join(', ') ?: 'no steps'}")
                return null
            }
            if (!before.contains(e.phase)) {
                evaluation.problem(e.phasePos, "require is judged before the first fault; '${e.phase}' is not a phase before the first inject"
                    + (before ? " (those are: ${before.join(', ')})" : ' (this scenario has none: add stabilize 30.s before the inject)'))
                return null
            }
            x
        }
    }

    private List<Expectation> buildAborts() {
        aborts.findResults { ExpectationSpec e ->
            def x = e.build()
            if (x instanceof Expectation.RecoveredWithin || x instanceof Expectation.Breaker) {
                evaluation.problem(e.pos, 'abortWhen takes a metric or probe condition (errorRate > 50.percent, http(url).status >= 500), checked every second while faults are on')
                return null
            }
            x
        }
    }

    private static void collectPhases(List<Step> steps, Set<String> into) {
        steps.each { s ->
            into << s.word()
            if (s instanceof Step.Named) into << s.name()
            if (s instanceof Step.Parallel) collectPhases(s.steps(), into)
            if (s instanceof Step.Repeat) collectPhases(s.steps(), into)
            if (s instanceof Step.Named) collectPhases(s.steps(), into)
        }
    }
}
