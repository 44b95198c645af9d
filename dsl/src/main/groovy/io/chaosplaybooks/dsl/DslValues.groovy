package io.chaosplaybooks.dsl

import groovy.transform.PackageScope
import io.chaosplaybooks.dsl.plan.Direction
import io.chaosplaybooks.dsl.plan.Expectation
import io.chaosplaybooks.dsl.plan.Fault
import io.chaosplaybooks.dsl.plan.SourcePos
import io.chaosplaybooks.dsl.plan.Target

import java.time.Duration

/**
 * One or more faults as written: {@code latency(100.ms) + packetLoss(0.05)}, with
 * {@code .upstream}, {@code .downstream} and {@code .toxicity(p)}. Every call returns a new value.
 */
@PackageScope
class FaultSpec implements Describable {
    final List<Fault> faults
    final Evaluation evaluation

    FaultSpec(List<Fault> faults, Evaluation evaluation) {
        this.faults = List.copyOf(faults)
        this.evaluation = evaluation
    }

    FaultSpec plus(FaultSpec other) { new FaultSpec(faults + other.faults, evaluation) }

    FaultSpec getUpstream() { direction(Direction.UPSTREAM) }

    FaultSpec getDownstream() { direction(Direction.DOWNSTREAM) }

    FaultSpec getBoth() { direction(Direction.BOTH) }

    private FaultSpec direction(Direction d) {
        new FaultSpec(faults.collect { it.withDirection(d) }, evaluation)
    }

    FaultSpec toxicity(Number p) {
        double v = p.doubleValue()
        if (v < 0 || v > 1) evaluation.problem("toxicity must be between 0 and 1, got ${p}")
        new FaultSpec(faults.collect { it.withToxicity(Math.max(0d, Math.min(1d, v))) }, evaluation)
    }

    FaultSpec toxicity(io.chaosplaybooks.dsl.plan.Fraction f) { toxicity(f.value()) }

    def methodMissing(String name, Object args) {
        evaluation.problem("a fault offers only .upstream, .downstream, .toxicity(p) and '+'; '${name}' is not one of them"
            + Words.didYouMean(name, ['upstream', 'downstream', 'toxicity']))
        Absorber.INSTANCE
    }

    def propertyMissing(String name) { methodMissing(name, [] as Object[]) }

    String describe() { faults*.describe().join(' + ') }
}

/** Servers as written: {@code server(1)}, {@code servers(1..2)}, {@code allServers}. */
@PackageScope
class TargetSpec implements Describable {
    final Target target

    TargetSpec(Target target) { this.target = target }

    String describe() { target.describe() }
}

/** A metric word in an expectation: {@code errorRate}, {@code p99}. */
@PackageScope
class MetricRef implements Describable {
    final Expectation.Metric metric

    MetricRef(Expectation.Metric metric) { this.metric = metric }

    String describe() { metric.word() }
}

/** A phase named in {@code during}: {@code during stabilize}. */
@PackageScope
class PhaseRef implements Describable {
    final String word

    PhaseRef(String word) { this.word = word }

    String describe() { word }
}

/** {@code breaker(server(1))}: offers {@code .opened}, {@code .closed}, {@code .stayedClosed}. */
@PackageScope
class BreakerRef implements Describable {
    final TargetSpec target
    final Evaluation evaluation

    BreakerRef(TargetSpec target, Evaluation evaluation) {
        this.target = target
        this.evaluation = evaluation
    }

    ExpectationSpec getOpened() { condition(Expectation.BreakerCondition.OPENED) }

    ExpectationSpec getClosed() { condition(Expectation.BreakerCondition.CLOSED) }

    ExpectationSpec getStayedClosed() { condition(Expectation.BreakerCondition.STAYED_CLOSED) }

    private ExpectationSpec condition(Expectation.BreakerCondition c) {
        new ExpectationSpec(evaluation, evaluation.here(), { String phase, SourcePos pos ->
            new Expectation.Breaker(target.target, c, phase, pos) })
    }

    def propertyMissing(String name) {
        evaluation.problem("a breaker offers .opened, .closed and .stayedClosed; '${name}' is not one of them"
            + Words.didYouMean(name, ['opened', 'closed', 'stayedClosed']))
        Absorber.INSTANCE
    }

    def methodMissing(String name, Object args) { propertyMissing(name) }

    String describe() { "breaker(${target.describe()})" }
}

/**
 * An expectation being written: {@code expect X} makes it, {@code during phase} completes it.
 * Built into a plan record once the scenario closure has run.
 */
@PackageScope
class ExpectationSpec {
    final Evaluation evaluation
    final SourcePos pos
    final Closure<Expectation> factory
    String phase
    SourcePos phasePos
    boolean phaseAllowed = true
    /** Why this expectation takes no 'during', when it takes none. */
    String noPhase = "recoveredWithin is measured from the heal; it takes no 'during'"

    ExpectationSpec(Evaluation evaluation, SourcePos pos, Closure<Expectation> factory) {
        this.evaluation = evaluation
        this.pos = pos
        this.factory = factory
    }

    ExpectationSpec during(PhaseRef p) { setPhase(p.word) }

    ExpectationSpec during(CharSequence stepName) { setPhase(stepName.toString()) }

    private ExpectationSpec setPhase(String p) {
        if (!phaseAllowed) {
            evaluation.problem(noPhase)
        } else if (phase != null) {
            evaluation.problem("'during' given twice")
        }
        phase = p
        phasePos = evaluation.here()
        this
    }

    def methodMissing(String name, Object args) {
        if (Absorber.among(args)) return Absorber.INSTANCE
        if (name == 'during') {
            evaluation.problem("during takes a phase (stabilize, inject, recover, wait) or a step's name in quotes, got ${Words.showArgs(args)}")
        } else {
            evaluation.problem("an expectation continues only with 'during <phase>'; '${name}' is not that"
                + Words.didYouMean(name, ['during']))
        }
        Absorber.INSTANCE
    }

    def propertyMissing(String name) { methodMissing(name, [] as Object[]) }

    Expectation build() { factory.call(phase, pos) }
}

/**
 * What a misspelt or misplaced word returns after its problem is recorded: it accepts any further
 * call, so evaluation goes on and every other mistake is still found.
 */
@PackageScope
final class Absorber {
    static final Absorber INSTANCE = new Absorber()

    def methodMissing(String name, Object args) { this }

    def propertyMissing(String name) { this }

    Absorber plus(Object o) { this }

    Absorber FOR(Object o) { this }

    String toString() { '?' }

    /** True when a value in {@code args} is the answer to a mistake already reported: say nothing more. */
    static boolean among(Object args) {
        args instanceof Object[] ? ((Object[]) args).any { it instanceof Absorber } : args instanceof Absorber
    }
}

/** What {@code inject F} returns: only {@code on T} may follow. */
@PackageScope
class InjectStage {
    final InjectBuilder builder
    final Evaluation evaluation

    InjectStage(InjectBuilder builder, Evaluation evaluation) {
        this.builder = builder
        this.evaluation = evaluation
    }

    InjectTargetStage on(TargetSpec t) {
        builder.target = t.target
        new InjectTargetStage(builder, evaluation)
    }

    def methodMissing(String name, Object args) {
        builder.faults = null // reported here; no second problem about the missing target
        if (Absorber.among(args)) return Absorber.INSTANCE
        if (name == 'on') {
            evaluation.problem("'on' takes servers such as server(1), servers(1, 2) or allServers, got ${Words.showArgs(args)}")
        } else if (name == ForKeywordRewriter.WORD) {
            evaluation.problem("'for' comes after the target: inject <fault> on <servers> for <duration>")
        } else {
            evaluation.problem("after 'inject <fault>' comes 'on <servers>', not '${name}'" + Words.didYouMean(name, ['on']))
        }
        Absorber.INSTANCE
    }

    def propertyMissing(String name) { methodMissing(name, [] as Object[]) }
}

/** What {@code inject F on T} returns: only {@code for d} may follow. */
@PackageScope
class InjectTargetStage {
    final InjectBuilder builder
    final Evaluation evaluation

    InjectTargetStage(InjectBuilder builder, Evaluation evaluation) {
        this.builder = builder
        this.evaluation = evaluation
    }

    PhaseEnd FOR(Duration d) {
        if (d.isNegative() || d.isZero()) evaluation.problem("inject duration must be positive, got ${io.chaosplaybooks.dsl.plan.Units.format(d)}")
        builder.duration = d
        new PhaseEnd('inject', evaluation)
    }

    def methodMissing(String name, Object args) {
        if (Absorber.among(args)) return Absorber.INSTANCE
        if (name == ForKeywordRewriter.WORD && (args as Object[]).length == 0) {
            evaluation.problem("'for' needs a duration after it, such as 1.min or 30.s")
        } else if (name == ForKeywordRewriter.WORD) {
            evaluation.problem("'for' takes a duration such as 1.min or 30.s, got ${Words.showArgs(args)}")
        } else {
            evaluation.problem("after 'inject <fault> on <servers>' only 'for <duration>' may follow, not '${name}'"
                + Words.didYouMean(name, ['for']))
        }
        Absorber.INSTANCE
    }

    def propertyMissing(String name) { methodMissing(name, [] as Object[]) }
}

/**
 * What a phase word (and a complete {@code inject f on t for d}) returns: nothing may follow it;
 * {@code stabilize 30.s for 1.min} is an error here.
 */
@PackageScope
class PhaseEnd implements Describable {
    final String word
    final Evaluation evaluation

    PhaseEnd(String word, Evaluation evaluation) {
        this.word = word
        this.evaluation = evaluation
    }

    def methodMissing(String name, Object args) {
        if (name == ForKeywordRewriter.WORD && word == 'inject') {
            evaluation.problem("'for' given twice: inject <fault> on <servers> for <duration>")
        } else if (name == ForKeywordRewriter.WORD) {
            evaluation.problem("'for' only follows 'inject <fault> on <servers>'; ${word} takes its duration directly, as in '${word} 30.s'")
        } else {
            evaluation.problem("nothing may follow '${word} ...' on the same statement; found '${name}' (missing ';' or newline?)")
        }
        Absorber.INSTANCE
    }

    def propertyMissing(String name) { methodMissing(name, [] as Object[]) }

    String describe() { "'${word}' (a step, not a phase to observe)" }
}

/** The mutable half of an inject while its stages run; built into a plan step afterwards. */
@PackageScope
class InjectBuilder {
    List<Fault> faults
    Target target
    Duration duration
    SourcePos pos
}
