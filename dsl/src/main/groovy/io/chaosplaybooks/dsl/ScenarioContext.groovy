package io.chaosplaybooks.dsl

import io.chaosplaybooks.dsl.plan.Expectation
import io.chaosplaybooks.dsl.plan.Fraction
import io.chaosplaybooks.dsl.plan.OpsRate
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
            if (!(t ==~ /[A-Za-z0-9][A-Za-z0-9_.-]*/)) problem("a tag is a single word of letters, digits, '-', '_' or '.', got \"${t}\"")
            else if (tags.contains(t)) problem("tag '${t}' given twice")
            else tags << t
        }
    }

    ExpectationSpec expect(ExpectationSpec e) {
        expectations << e
        e
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
        new Scenario(name, description, tags, builtSteps, built, pos, schedules)
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
