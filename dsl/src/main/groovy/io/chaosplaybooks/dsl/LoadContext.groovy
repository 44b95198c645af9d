package io.chaosplaybooks.dsl

import io.chaosplaybooks.dsl.plan.DataSize
import io.chaosplaybooks.dsl.plan.Fraction
import io.chaosplaybooks.dsl.plan.LoadProfile
import io.chaosplaybooks.dsl.plan.OpsRate
import io.chaosplaybooks.dsl.plan.SourcePos
import io.chaosplaybooks.dsl.plan.Units

import java.time.Duration

/** The words of {@code load { }}: the traffic that runs while the scenarios do. */
class LoadContext {
    static final List<String> WORDS = ['clients', 'rate', 'mix', 'keys', 'distribution', 'valueSize', 'timeout', 'breaker']
    static final List<String> OPERATIONS = ['get', 'set', 'delete']
    static final List<String> BREAKER_OPTIONS = ['failureRate', 'openFor', 'window', 'halfOpenCalls', 'slowCall', 'slowCallRate']

    final Evaluation evaluation
    final SourcePos pos
    int clients
    Double rate
    Map<String, Double> mix
    int keys
    String distribution
    long valueSize
    Duration timeout
    LoadProfile.Breaker breaker

    LoadContext(Evaluation evaluation, LoadProfile start) {
        this.evaluation = evaluation
        this.pos = evaluation.here()
        clients = start.clients()
        rate = start.ratePerSecond()
        mix = start.mix()
        keys = start.keys()
        distribution = start.keyDistribution()
        valueSize = start.valueSizeBytes()
        timeout = start.timeout()
        breaker = start.breaker()
    }

    private void problem(String m) { evaluation.problem(m) }

    void clients(int n) {
        if (n < 1 || n > 10_000) problem("clients must be between 1 and 10000, got ${n}")
        else clients = n
    }

    void rate(OpsRate r) { rate(r.perSecond()) }

    void rate(Number perSecond) {
        double r = perSecond.doubleValue()
        if (!(r > 0)) problem("rate must be positive, got ${perSecond}")
        else rate = r
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
        mix = m
    }

    void keys(int n) {
        if (n < 1) problem("keys must be at least 1, got ${n}")
        else keys = n
    }

    void distribution(String d) {
        if (!(d in ['uniform', 'zipfian'])) problem("distribution is uniform or zipfian, not '${d}'" + Words.didYouMean(d, ['uniform', 'zipfian']))
        else distribution = d
    }

    void valueSize(DataSize s) {
        if (s.bytes() < 1 || s.bytes() > 1_000_000) problem("valueSize must be between 1 byte and 1 MB, got ${s}")
        else valueSize = s.bytes()
    }

    void timeout(Duration d) {
        if (d.isNegative() || d.isZero()) problem("timeout must be positive, got ${Units.format(d)}")
        else timeout = d
    }

    void breaker(Map options) {
        def b = breaker
        double failureRate = b.failureRate(), slowCallRate = b.slowCallRate()
        Duration openFor = b.openFor(), slowCall = b.slowCallDuration()
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
        breaker = new LoadProfile.Breaker(failureRate, openFor, window, halfOpen, slowCall, slowCallRate)
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
        new LoadProfile(clients, rate, mix, keys, distribution, valueSize, timeout, breaker, pos)
    }
}
