package io.chaosplaybooks.dsl

import io.chaosplaybooks.dsl.plan.Bandwidth
import io.chaosplaybooks.dsl.plan.DataSize
import io.chaosplaybooks.dsl.plan.Fault
import io.chaosplaybooks.dsl.plan.FaultType
import io.chaosplaybooks.dsl.plan.Fraction
import io.chaosplaybooks.dsl.plan.SourcePos
import io.chaosplaybooks.dsl.plan.Step
import io.chaosplaybooks.dsl.plan.Target
import io.chaosplaybooks.dsl.plan.Units

import java.time.Duration

import static groovy.lang.Closure.DELEGATE_FIRST

/**
 * The words of a block of steps: phases, faults, targets and composition. A scenario's body and
 * the bodies of {@code parallel}, {@code repeat} and {@code step} run against one of these.
 */
class StepsContext {
    /** Every word this context understands, for "did you mean" (from the one table, {@link Vocabulary}). */
    static final List<String> WORDS = Vocabulary.words(Vocabulary.Block.STEPS)

    final Evaluation evaluation
    final PlaybookContext root
    final List<Object> steps = []
    /** Set when an exception stopped this block: an inject it interrupted is not also "missing servers". */
    boolean aborted

    StepsContext(Evaluation evaluation, PlaybookContext root) {
        this.evaluation = evaluation
        this.root = root
    }

    protected SourcePos here() { evaluation.here() }

    protected void problem(String message) { evaluation.problem(message) }

    // ---- phases -------------------------------------------------------------------------------

    PhaseEnd stabilize(Duration d) {
        steps << new Step.Stabilize(positive('stabilize', d), here())
        new PhaseEnd('stabilize', evaluation)
    }

    PhaseEnd recover(Duration d) {
        steps << new Step.Recover(positive('recover', d), here())
        new PhaseEnd('recover', evaluation)
    }

    PhaseEnd wait(Duration d) {
        steps << new Step.Wait(positive('wait', d), here())
        new PhaseEnd('wait', evaluation)
    }

    /** What {@code wait ..} is compiled to (see PlaybookAstCustomizer); never Object.wait. */
    Object __wait(Object... args) {
        args.length == 0 ? propertyMissing('wait') : invokeMethod('wait', args)
    }

    /** Object.wait(long) would otherwise take {@code wait 10} (and fail with IllegalMonitorStateException). */
    PhaseEnd wait(Integer n) { wait((Number) n) }

    PhaseEnd wait(Number n) {
        problem("wait takes a duration such as ${n}.s, got ${Words.show(n)}")
        new PhaseEnd('wait', evaluation)
    }

    InjectStage inject(FaultSpec f) {
        def b = new InjectBuilder(faults: f.faults, pos: here())
        steps << b
        new InjectStage(b, evaluation)
    }

    InjectStage inject(TargetSpec t) {
        problem("inject takes a fault first, then the servers: inject packetLoss(0.1) on ${t.describe()}")
        new InjectStage(new InjectBuilder(), evaluation)
    }

    PhaseEnd getHeal() {
        steps << new Step.Heal(null, here())
        new PhaseEnd('heal', evaluation)
    }

    PhaseEnd heal(TargetSpec t) {
        steps << new Step.Heal(t.target, here())
        new PhaseEnd('heal', evaluation)
    }

    void parallel(@DelegatesTo(value = StepsContext, strategy = DELEGATE_FIRST) Closure body) {
        def pos = here()
        steps << new Step.Parallel(nested(body, pos), pos)
    }

    void repeat(int times, @DelegatesTo(value = StepsContext, strategy = DELEGATE_FIRST) Closure body) {
        def pos = here()
        if (times < 1) problem("repeat needs a count of at least 1, got ${times}")
        steps << new Step.Repeat(Math.max(1, times), nested(body, pos), pos)
    }

    void step(Map options, String name, @DelegatesTo(value = StepsContext, strategy = DELEGATE_FIRST) Closure body) {
        def pos = here()
        Duration delay = Duration.ZERO
        boolean continueOnFailure = false
        options.each { k, v ->
            switch (k) {
                case 'delayBefore':
                    if (v instanceof Duration) {
                        if (v.isNegative()) problem("delayBefore must not be negative, got ${Units.format(v)}")
                        delay = v
                    } else problem("delayBefore takes a duration such as 5.s, got ${Words.show(v)}")
                    break
                case 'continueOnFailure':
                    if (v instanceof Boolean) continueOnFailure = v
                    else problem("continueOnFailure takes true or false, got ${Words.show(v)}")
                    break
                default:
                    problem("step has no option '${k}'" + Words.didYouMean(k.toString(), ['delayBefore', 'continueOnFailure']))
            }
        }
        if (!name?.trim()) problem('a step needs a name')
        steps << new Step.Named(name, delay, continueOnFailure, nested(body, pos), pos)
    }

    void step(String name, @DelegatesTo(value = StepsContext, strategy = DELEGATE_FIRST) Closure body) {
        step([:], name, body)
    }

    protected List<Step> nested(Closure body, SourcePos pos) {
        def ctx = new StepsContext(evaluation, root)
        int before = evaluation.problems.size()
        root.runBlock(body, ctx)
        def built = ctx.buildSteps()
        if (evaluation.problems.size() > before) evaluation.blocksWithProblems << pos
        built
    }

    List<Step> buildSteps() {
        steps.findResults { s ->
            if (s instanceof InjectBuilder) {
                if (s.faults == null) return null
                if (s.target == null) {
                    if (!aborted) evaluation.problem(s.pos, "inject needs servers after the fault: inject <fault> on server(1), servers(1, 2) or allServers")
                    return null
                }
                return new Step.Inject(s.faults, s.target, s.duration, s.pos)
            }
            s
        }
    }

    protected Duration positive(String word, Duration d) {
        if (d.isNegative() || d.isZero()) problem("${word} needs a positive duration, got ${Units.format(d)}")
        d
    }

    protected Duration nonNegative(String what, Duration d) {
        if (d.isNegative()) problem("${what} must not be negative, got ${Units.format(d)}")
        d
    }

    // ---- faults -------------------------------------------------------------------------------

    private FaultSpec fault(FaultType type, Map<String, Number> attributes) {
        new FaultSpec([new Fault(type, attributes, type.defaultDirection(), 1.0d, here())], evaluation)
    }

    FaultSpec latency(Duration delay) { latency([:], delay) }

    FaultSpec latency(Map options, Duration delay) {
        nonNegative('latency', delay)
        Duration jitter = Duration.ZERO
        options.each { k, v ->
            if (k == 'jitter') {
                if (v instanceof Duration) jitter = nonNegative('jitter', v)
                else problem("jitter takes a duration such as 50.ms, got ${Words.show(v)}")
            } else {
                problem("latency has no option '${k}'" + Words.didYouMean(k.toString(), ['jitter']))
            }
        }
        if (jitter > delay && !delay.isNegative()) {
            problem("jitter (${Units.format(jitter)}) is larger than the latency (${Units.format(delay)}): delays would go below zero")
        }
        fault(FaultType.LATENCY, [latency: delay.toMillis(), jitter: jitter.toMillis()])
    }

    FaultSpec packetLoss(Number rate) {
        double p = rate.doubleValue()
        if (!(p >= 0 && p <= 1)) {
            problem("packetLoss rate must be between 0 and 1 (or 0.percent to 100.percent), got ${rate}")
        }
        fault(FaultType.PACKET_LOSS, [rate: Math.max(0d, Math.min(1d, p))])
    }

    FaultSpec packetLoss(Fraction rate) {
        if (!(rate.value() >= 0 && rate.value() <= 1)) {
            problem("packetLoss rate must be between 0.percent and 100.percent, got ${rate}")
        }
        fault(FaultType.PACKET_LOSS, [rate: Math.max(0d, Math.min(1d, rate.value()))])
    }

    FaultSpec bandwidth(Bandwidth rate) {
        if (rate.bytesPerSecond() < 0) problem("bandwidth must not be negative, got ${rate}")
        else if (rate.bytesPerSecond() % 1000 != 0) problem("bandwidth is set in whole KB/s (1 KB = 1000 bytes), got ${rate}")
        fault(FaultType.BANDWIDTH, [rate: Math.max(0L, rate.kilobytesPerSecond())])
    }

    FaultSpec timeout(Duration d) {
        fault(FaultType.TIMEOUT, [timeout: nonNegative('timeout', d).toMillis()])
    }

    FaultSpec blackhole() { fault(FaultType.BLACKHOLE, [timeout: 0L]) }

    FaultSpec resetPeer() { fault(FaultType.RESET_PEER, [timeout: 0L]) }

    FaultSpec resetPeer(Duration after) {
        fault(FaultType.RESET_PEER, [timeout: nonNegative('resetPeer delay', after).toMillis()])
    }

    FaultSpec resetPeer(Map options) {
        Duration after = Duration.ZERO
        options.each { k, v ->
            if (k == 'after' && v instanceof Duration) after = nonNegative('resetPeer after', v)
            else if (k == 'after') problem("after takes a duration such as 1.s, got ${Words.show(v)}")
            else problem("resetPeer has no option '${k}'" + Words.didYouMean(k.toString(), ['after']))
        }
        fault(FaultType.RESET_PEER, [timeout: after.toMillis()])
    }

    FaultSpec slowClose(Duration delay) {
        fault(FaultType.SLOW_CLOSE, [delay: nonNegative('slowClose delay', delay).toMillis()])
    }

    FaultSpec slicer(Map options) {
        long average = 0, variation = 0, delayMicros = 0
        boolean averageGiven = false
        options.each { k, v ->
            switch (k) {
                case 'averageSize':
                    if (v instanceof DataSize) { average = v.bytes(); averageGiven = true }
                    else problem("averageSize takes a size such as 64.bytes, got ${Words.show(v)}")
                    break
                case 'sizeVariation':
                    if (v instanceof DataSize) variation = v.bytes()
                    else problem("sizeVariation takes a size such as 32.bytes, got ${Words.show(v)}")
                    break
                case 'delay':
                    if (v instanceof Duration) delayMicros = nonNegative('slicer delay', v).toNanos().intdiv(1000)
                    else problem("delay takes a duration such as 10.ms, got ${Words.show(v)}")
                    break
                default:
                    problem("slicer has no option '${k}'" + Words.didYouMean(k.toString(), ['averageSize', 'sizeVariation', 'delay']))
            }
        }
        if (!averageGiven) problem('slicer needs averageSize: slicer(averageSize: 64.bytes)')
        else if (average <= 0) problem("slicer averageSize must be positive, got ${average} bytes")
        if (variation < 0) problem("slicer sizeVariation must not be negative, got ${variation} bytes")
        else if (averageGiven && variation >= average && average > 0) {
            problem("slicer sizeVariation (${variation} bytes) must be smaller than averageSize (${average} bytes)")
        }
        fault(FaultType.SLICER, [average_size: average, size_variation: variation, delay: delayMicros])
    }

    FaultSpec limitData(DataSize size) {
        if (size.bytes() <= 0) problem("limitData needs a positive size, got ${size}")
        fault(FaultType.LIMIT_DATA, [bytes: size.bytes()])
    }

    FaultSpec down() { fault(FaultType.DOWN, [:]) }

    // ---- targets ------------------------------------------------------------------------------

    TargetSpec server(int index) {
        if (index < 1) problem("servers are numbered from 1, got server(${index})")
        new TargetSpec(new Target(Target.Kind.INDEXES, [index], [], 0, here()))
    }

    TargetSpec server(String name) {
        new TargetSpec(new Target(Target.Kind.NAMES, [], [name], 0, here()))
    }

    TargetSpec servers(Integer... indexes) {
        if (indexes.length == 0) problem('servers(...) needs at least one server number')
        indexes.findAll { it < 1 }.each { problem("servers are numbered from 1, got ${it}") }
        if (indexes.toList().unique().size() != indexes.length) problem("a server is named twice in servers(${indexes.join(', ')})")
        new TargetSpec(new Target(Target.Kind.INDEXES, indexes.toList(), [], 0, here()))
    }

    TargetSpec servers(IntRange range) {
        servers(range.toList() as Integer[])
    }

    TargetSpec servers(String... names) {
        if (names.length == 0) problem('servers(...) needs at least one server name')
        new TargetSpec(new Target(Target.Kind.NAMES, [], names.toList(), 0, here()))
    }

    TargetSpec getAllServers() { new TargetSpec(Target.all(here())) }

    TargetSpec randomServers(int count) {
        if (count < 1) problem("randomServers needs a count of at least 1, got ${count}")
        new TargetSpec(new Target(Target.Kind.RANDOM, [], [], count, here()))
    }

    // ---- unknown words --------------------------------------------------------------------------

    protected List<String> knownWords() { WORDS }

    protected String contextName() { 'a block of steps' }

    def methodMissing(String name, Object args) {
        Object[] a = args instanceof Object[] ? args : [args] as Object[]
        def answered = root.tryTemplateOrHelper(name, a, this)
        if (answered.found) return answered.value
        if (Absorber.among(a)) return Absorber.INSTANCE // the argument's mistake is already reported
        if (name == ForKeywordRewriter.WORD) {
            problem("'for' only follows 'inject <fault> on <servers>'")
        } else if (this.metaClass.respondsTo(this, name)) {
            String usage = usage(name)
            problem("${name} does not take ${Words.showArgs(a)}" + (usage ? "; write it as: ${usage}" : ''))
        } else {
            problem("unknown word '${name}' in ${contextName()}" + Words.didYouMean(name, knownWords() + root.templates.keySet()))
        }
        Absorber.INSTANCE
    }

    protected String usage(String word) { Vocabulary.find(word, Vocabulary.Block.STEPS).map { it.usage() }.orElse(null) }

    private static boolean hasStepNamed(List<Object> steps, String name) {
        steps.any { s ->
            (s instanceof Step.Named && (s.name() == name || hasStepNamed(s.steps(), name)))
                || (s instanceof Step.Parallel && hasStepNamed(s.steps(), name))
                || (s instanceof Step.Repeat && hasStepNamed(s.steps(), name))
        }
    }

    def propertyMissing(String name) {
        if (evaluation.binding.hasVariable(name)) return evaluation.binding.getVariable(name)
        if (this.metaClass.respondsTo(this, name)) {
            problem("'${name}' needs arguments" + (usage(name) ? "; write it as: ${usage(name)}" : ''))
        } else if (hasStepNamed(steps, name)) {
            problem("'${name}' is the name of a step; after during, write it in quotes: during \"${name}\"")
        } else {
            problem("unknown word '${name}' in ${contextName()}" + Words.didYouMean(name, knownWords() + root.templates.keySet()))
        }
        Absorber.INSTANCE
    }
}
