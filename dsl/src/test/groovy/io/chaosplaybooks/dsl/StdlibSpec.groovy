package io.chaosplaybooks.dsl

import io.chaosplaybooks.dsl.plan.Expectation
import io.chaosplaybooks.dsl.plan.FaultType
import io.chaosplaybooks.dsl.plan.Scenario
import io.chaosplaybooks.dsl.plan.Step
import spock.lang.Shared
import spock.lang.Specification

import java.nio.file.Files
import java.nio.file.Path
import java.time.Duration

/** Every shipped library file and every playbook in playbooks/ is a test (STYLE habit 9). */
class StdlibSpec extends Specification {
    /** Tests run in dsl/; the library and the playbooks sit beside it. */
    static final Path PROJECT = Path.of('').toAbsolutePath().parent
    static final Path STDLIB = PROJECT.resolve('stdlib-scenarios')
    static final Path PLAYBOOKS = PROJECT.resolve('playbooks')

    static final List<String> STANDARD = [
        'packet-loss-2-pct', 'packet-loss-5-pct', 'packet-loss-10-pct', 'packet-loss-20-pct', 'packet-loss-50-pct', 'packet-loss-100-pct',
        'latency-200ms-100ms', 'latency-200ms-1s', 'latency-200ms-5s', 'latency-200ms-10s', 'latency-200ms-40s', 'latency-200ms-2m',
        'multi-failure-2-servers-packet-loss', 'multi-failure-2-servers-latency']

    @Shared
    List<Scenario> all = new PlaybookLoader().loadText('t.groovy', 'include "stdlib:all"').playbook().scenarios()

    static List<Path> groovyFiles(Path dir) {
        Files.list(dir).withCloseable { s -> s.filter { it.toString().endsWith('.groovy') }.sorted().toList() }
    }

    def "#file loads with no problems"() {
        when:
        def result = new PlaybookLoader().load(file)

        then:
        result.problems().isEmpty()
        result.ok()
        !result.playbook().scenarios().isEmpty()

        where:
        file << groovyFiles(STDLIB) + groovyFiles(PLAYBOOKS)
    }

    def "the folders hold the files this spec expects (so the table above is not empty by mistake)"() {
        expect:
        groovyFiles(STDLIB)*.fileName*.toString() == ['all.groovy', 'latency.groovy', 'multi-failure.groovy', 'packet-loss.groovy']
        groovyFiles(PLAYBOOKS)*.fileName*.toString().containsAll(['all.groovy', 'smoke.groovy'])
    }

    def "index.txt names every shipped file, and the jar carries them"() {
        expect:
        PlaybookLoader.stdlibNames() as Set == groovyFiles(STDLIB)*.fileName*.toString().collect { it - '.groovy' } as Set
        PlaybookLoader.stdlibNames().every { PlaybookLoader.getResource("/stdlib/${it}.groovy") != null }
    }

    def "stdlib:all has the 14 standard scenarios, in order"() {
        expect:
        all*.name() == STANDARD
    }

    def "playbooks/all.groovy runs every standard scenario against three servers"() {
        when:
        def p = new PlaybookLoader().load(PLAYBOOKS.resolve('all.groovy')).playbook()

        then:
        p.name() == 'all'
        p.serverCount() == 3
        p.scenarios()*.name() == STANDARD
    }

    def "#s.name(): description, stabilize 30 s, inject, recover 60 s, expectations"() {
        expect:
        s.description()
        !s.tags().isEmpty()
        s.steps().size() == 3
        s.steps()[0] instanceof Step.Stabilize && s.steps()[0].duration() == Duration.ofSeconds(30)
        s.steps()[1] instanceof Step.Inject
        s.steps()[2] instanceof Step.Recover && s.steps()[2].duration() == Duration.ofSeconds(60)
        !s.expectations().isEmpty()
        s.expectations().any { it instanceof Expectation.RecoveredWithin }
        s.expectations().any { it instanceof Expectation.MetricBound && it.phase() == 'stabilize' }

        where:
        s << new PlaybookLoader().loadText('t.groovy', 'include "stdlib:all"').playbook().scenarios()
    }

    def "packet loss: the rate in the name, on one server for 1 min; the breaker as the notes say"() {
        expect:
        def loss = all.findAll { it.name().startsWith('packet-loss-') }
        loss.collect { ((Step.Inject) it.steps()[1]).faults()[0].attributes().rate } == [0.02d, 0.05d, 0.1d, 0.2d, 0.5d, 1.0d]
        loss.every { ((Step.Inject) it.steps()[1]).faults()[0].type() == FaultType.PACKET_LOSS }
        loss.every { ((Step.Inject) it.steps()[1]).target().indexes() == [1] }
        loss.every { ((Step.Inject) it.steps()[1]).duration() == Duration.ofMinutes(1) }
        breakerConditions(loss[0]) == [Expectation.BreakerCondition.STAYED_CLOSED]
        breakerConditions(loss[1]) == [Expectation.BreakerCondition.STAYED_CLOSED]
        breakerConditions(loss[4]) == [Expectation.BreakerCondition.OPENED, Expectation.BreakerCondition.CLOSED]
        breakerConditions(loss[5]) == [Expectation.BreakerCondition.OPENED, Expectation.BreakerCondition.CLOSED]
    }

    def "latency: +200 ms on one server for the time in the name"() {
        expect:
        def latency = all.findAll { it.name().startsWith('latency-') }
        latency.collect { ((Step.Inject) it.steps()[1]).duration() } ==
            [Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(40), Duration.ofMinutes(2)]
        latency.every { ((Step.Inject) it.steps()[1]).faults()[0].attributes() == [latency: 200L, jitter: 0L] }
        latency.every { ((Step.Inject) it.steps()[1]).target().indexes() == [1] }
    }

    def "multi-failure: two of three servers for 1 min, the third's breaker stays closed"() {
        expect:
        def multi = all.findAll { it.name().startsWith('multi-failure-') }
        multi.every { ((Step.Inject) it.steps()[1]).target().indexes() == [1, 2] }
        multi.every { ((Step.Inject) it.steps()[1]).duration() == Duration.ofMinutes(1) }
        ((Step.Inject) multi[0].steps()[1]).faults()[0].attributes() == [rate: 1.0d]
        ((Step.Inject) multi[1].steps()[1]).faults()[0].attributes() == [latency: 500L, jitter: 0L]
        multi.every { s -> s.expectations().any { it instanceof Expectation.Breaker && it.target().indexes() == [3]
            && it.condition() == Expectation.BreakerCondition.STAYED_CLOSED } }
    }

    static List breakerConditions(Scenario s) {
        s.expectations().findAll { it instanceof Expectation.Breaker }*.condition()
    }
}
