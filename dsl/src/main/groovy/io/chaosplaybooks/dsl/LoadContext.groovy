package io.chaosplaybooks.dsl

import io.chaosplaybooks.dsl.plan.DataSize
import io.chaosplaybooks.dsl.plan.Fraction
import io.chaosplaybooks.dsl.plan.LoadProfile
import io.chaosplaybooks.dsl.plan.OpsRate
import io.chaosplaybooks.dsl.plan.Units

import java.time.Duration

/** The words of {@code load { }}: the traffic that runs while the scenarios do. */
class LoadContext {
    static final List<String> WORDS = Vocabulary.words(Vocabulary.Block.LOAD)
    static final List<String> OPERATIONS = ['get', 'set', 'delete']
    static final List<String> BREAKER_OPTIONS = ['failureRate', 'openFor', 'window', 'halfOpenCalls', 'slowCall', 'slowCallRate']

    final Evaluation evaluation
    /** The profile being written, from the defaults. */
    final LoadProfile.Builder profile
    LoadProfile.Breaker breaker
    /** The words this block set, so that a setting equal to its default still counts as given. */
    final Set<String> given = new TreeSet<>()

    LoadContext(Evaluation evaluation, LoadProfile start) {
        this.evaluation = evaluation
        this.profile = start.toBuilder()
        this.breaker = start.breaker()
    }

    private void problem(String m) { evaluation.problem(m) }

    void clients(int n) {
        if (n < 1 || n > 10_000) problem("clients must be between 1 and 10000, got ${n}")
        else { profile.clients(n); given << 'clients' }
    }

    void rate(OpsRate r) { rate(r.perSecond()) }

    void rate(Number perSecond) {
        double r = perSecond.doubleValue()
        if (!(r > 0)) problem("rate must be positive, got ${perSecond}")
        else { profile.ratePerSecond(r); given << 'rate' }
    }

    void mix(Map<String, Object> shares) {
        Map<String, Double> m = [:]
        boolean wrong = false
        shares.each { k, v ->
            if (!OPERATIONS.contains(k)) {
                problem("mix knows get, set and delete, not '${k}'" + Words.didYouMean(k.toString(), OPERATIONS))
                wrong = true
                return
            }
            double d = v instanceof Fraction ? v.value() : v instanceof Number ? v.doubleValue() : -1
            if (!(v instanceof Number || v instanceof Fraction)) { problem("mix share for ${k} must be a number such as 0.9 or 90.percent, got ${Words.show(v)}"); wrong = true }
            else if (d < 0) { problem("mix share for ${k} must not be negative, got ${v}"); wrong = true }
            else m[k] = d
        }
        if (wrong) return // the sum of what is left would only repeat the mistake
        double sum = m.values().sum(0d) as double
        if (sum <= 0) { problem('mix needs at least one operation with a positive share, e.g. mix get: 0.9, set: 0.1'); return }
        if (Math.abs(sum - 1d) > 0.001) problem("mix shares must add up to 1 (100.percent), they add up to ${Units.formatNumber(sum)}")
        profile.mix(m)
        given << 'mix'
    }

    void keys(int n) {
        if (n < 1) problem("keys must be at least 1, got ${n}")
        else { profile.keys(n); given << 'keys' }
    }

    void distribution(String d) {
        if (!(d in LoadProfile.DISTRIBUTIONS)) problem("distribution is uniform or zipfian, not '${d}'" + Words.didYouMean(d, LoadProfile.DISTRIBUTIONS))
        else { profile.distribution(d); given << 'distribution' }
    }

    void valueSize(DataSize s) {
        if (s.bytes() < 1 || s.bytes() > 1_000_000) problem("valueSize must be between 1 byte and 1 MB, got ${s}")
        else { profile.valueSize(s.bytes() as int); given << 'valueSize' }
    }

    void timeout(Duration d) {
        if (d.isNegative() || d.isZero()) problem("timeout must be positive, got ${Units.format(d)}")
        else { profile.timeout(d); given << 'timeout' }
    }

    void breaker(Map options) {
        def b = breaker
        double failureRate = b.failureRate(), slowCallRate = b.slowCallRate()
        Duration openFor = b.openFor(), slowCall = b.slowCall()
        int window = b.window(), halfOpen = b.halfOpenCalls()
        options.each { k, v ->
            switch (k) {
                case 'failureRate':
                    Double f = share(k, v); if (f != null) failureRate = f; break
                case 'slowCallRate':
                    Double f = share(k, v); if (f != null) slowCallRate = f; break
                case 'openFor':
                    if (v instanceof Duration && !v.isNegative() && !v.isZero()) openFor = v
                    else problem("openFor takes a positive duration such as 5.s, got ${Words.show(v)}")
                    break
                case 'slowCall':
                    if (v instanceof Duration && !v.isNegative() && !v.isZero()) slowCall = v
                    else problem("slowCall takes a positive duration such as 100.ms, got ${Words.show(v)}")
                    break
                case 'window':
                    if (v instanceof Integer && v >= 1) window = v
                    else problem("window takes a number of calls of at least 1, got ${Words.show(v)}")
                    break
                case 'halfOpenCalls':
                    if (v instanceof Integer && v >= 1) halfOpen = v
                    else problem("halfOpenCalls takes a number of at least 1, got ${Words.show(v)}")
                    break
                default:
                    problem("breaker has no option '${k}'" + Words.didYouMean(k.toString(), BREAKER_OPTIONS))
            }
        }
        breaker = new LoadProfile.Breaker(failureRate, openFor, window, Math.min(window, 20), halfOpen, slowCall, slowCallRate)
        given << 'breaker'
    }

    private Double share(Object k, Object v) {
        double d = v instanceof Fraction ? v.value() : v instanceof Number ? v.doubleValue() : -1
        if (!(d > 0 && d <= 1)) {
            problem("${k} takes a share above 0 and at most 1, such as 50.percent, got ${Words.show(v)}")
            return null
        }
        d
    }

    def methodMissing(String name, Object args) {
        if (Absorber.among(args)) return Absorber.INSTANCE
        if (this.metaClass.respondsTo(this, name)) {
            problem("${name} does not take ${Words.showArgs(args)}")
        } else {
            problem("unknown word '${name}' in load { }" + Words.didYouMean(name, WORDS))
        }
        Absorber.INSTANCE
    }

    def propertyMissing(String name) {
        if (evaluation.binding.hasVariable(name)) return evaluation.binding.getVariable(name)
        methodMissing(name, [] as Object[])
    }

    LoadProfile build() {
        profile.breaker(breaker).given(given).build()
    }
}
