package io.chaosplaybooks.dsl

import groovy.transform.PackageScope
import io.chaosplaybooks.dsl.plan.Expectation
import io.chaosplaybooks.dsl.plan.Probe
import io.chaosplaybooks.dsl.plan.SourcePos

/**
 * A probe as written in an expectation: plan data, never a connection. {@code prometheus("q")} is
 * compared directly; {@code http(url)} offers {@code .status}, {@code .latency} and {@code .body}.
 * The comparison the compiler makes of {@code expect a < b} turns these into plan records.
 */
@PackageScope
class ProbeRef implements Describable {
    final Probe probe
    final Evaluation evaluation

    ProbeRef(Probe probe, Evaluation evaluation) {
        this.probe = probe
        this.evaluation = evaluation
    }

    /** What the probe itself stands for in a comparison: a Prometheus query's value; an HTTP probe needs a reading. */
    ProbeReading reading() {
        probe instanceof Probe.PrometheusQuery ? new ProbeReading(probe, Probe.Reading.VALUE) : null
    }

    Object getStatus() { httpReading('status', Probe.Reading.STATUS) }

    Object getLatency() { httpReading('latency', Probe.Reading.LATENCY) }

    Object getBody() {
        def r = httpReading('body', Probe.Reading.BODY)
        r instanceof ProbeReading ? new BodyRef(probe, evaluation) : r
    }

    /** The reading, or (on a prometheus query, reported here) the value that absorbs the rest of the statement. */
    private Object httpReading(String word, Probe.Reading r) {
        if (!(probe instanceof Probe.Http)) {
            evaluation.problem("a prometheus query is compared directly (prometheus(\"...\") < 0.01); it has no .${word}")
            return Absorber.INSTANCE
        }
        new ProbeReading(probe, r)
    }

    def propertyMissing(String name) {
        if (probe instanceof Probe.Http) {
            evaluation.problem("an http probe offers .status, .latency and .body; '${name}' is not one of them"
                + Words.didYouMean(name, ['status', 'latency', 'body']))
        } else {
            evaluation.problem("a prometheus query is compared directly (prometheus(\"...\") < 0.01); '${name}' is not known on it")
        }
        Absorber.INSTANCE
    }

    def methodMissing(String name, Object args) { propertyMissing(name) }

    String describe() { probe.describe() }
}

/** {@code http(url).status}, {@code .latency}, or a Prometheus query's value: one side of a comparison. */
@PackageScope
class ProbeReading implements Describable {
    final Probe probe
    final Probe.Reading reading

    ProbeReading(Probe probe, Probe.Reading reading) {
        this.probe = probe
        this.reading = reading
    }

    String describe() { probe.describe() + reading.suffix() }
}

/** {@code http(url).body}: offers {@code .contains("text")}. */
@PackageScope
class BodyRef implements Describable {
    final Probe probe
    final Evaluation evaluation

    BodyRef(Probe probe, Evaluation evaluation) {
        this.probe = probe
        this.evaluation = evaluation
    }

    ExpectationSpec contains(CharSequence text) {
        def pos = evaluation.here()
        String t = text.toString()
        if (t.isEmpty()) evaluation.problem('body.contains needs some text to look for, got an empty string')
        new ExpectationSpec(evaluation, pos, { String phase, SourcePos at -> new Expectation.ProbeContains(probe, t, phase, at) })
    }

    def methodMissing(String name, Object args) {
        if (Absorber.among(args)) return Absorber.INSTANCE
        if (name == 'contains') {
            evaluation.problem("body.contains takes a text in quotes, got ${Words.showArgs(args)}")
        } else {
            evaluation.problem("a body offers only .contains(\"text\"); '${name}' is not that" + Words.didYouMean(name, ['contains']))
        }
        Absorber.INSTANCE
    }

    def propertyMissing(String name) { methodMissing(name, [] as Object[]) }

    String describe() { probe.describe() + '.body' }
}
