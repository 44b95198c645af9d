package io.chaosplaybooks.dsl

import io.chaosplaybooks.dsl.plan.DataSize
import io.chaosplaybooks.dsl.plan.Direction
import io.chaosplaybooks.dsl.plan.Expectation
import io.chaosplaybooks.dsl.plan.FaultType
import io.chaosplaybooks.dsl.plan.Fraction
import io.chaosplaybooks.dsl.plan.OpsRate
import io.chaosplaybooks.dsl.plan.Playbook
import io.chaosplaybooks.dsl.plan.Scenario
import io.chaosplaybooks.dsl.plan.LoadProfile
import io.chaosplaybooks.dsl.plan.SourcePos
import io.chaosplaybooks.dsl.plan.Step
import io.chaosplaybooks.dsl.plan.Target
import spock.lang.Specification

import java.time.Duration

/** Playbooks as written turn into the plan records the runtime executes. */
class LanguageSpec extends Specification {

    static final String CARD = 'scenario "packet-loss-10" { stabilize 30.s; inject packetLoss(0.1) on server(1) for 1.min; recover 60.s }'

    static Playbook plan(String text) {
        def result = new PlaybookLoader().loadText('t.groovy', text)
        assert result.problems().isEmpty(), result.formatProblems()
        assert result.ok()
        result.playbook()
    }

    /** The one scenario of a snippet. */
    static Scenario scenario(String text) {
        def p = plan(text)
        assert p.scenarios().size() == 1
        p.scenarios()[0]
    }

    /** The faults of {@code inject <fault> on server(1)}. */
    static List faults(String fault) {
        def s = scenario("scenario \"f\" { inject ${fault} on server(1) }")
        ((Step.Inject) s.steps()[0]).faults()
    }

    static Target target(String target, String servers = '') {
        def s = scenario("${servers}\nscenario \"t\" { inject down() on ${target} }")
        ((Step.Inject) s.steps()[0]).target()
    }

    static void isCardScenario(Scenario s) {
        assert s.name() == 'packet-loss-10'
        assert s.steps().size() == 3
        def (stabilize, inject, recover) = s.steps()
        assert stabilize instanceof Step.Stabilize && stabilize.duration() == Duration.ofSeconds(30)
        assert inject instanceof Step.Inject
        assert inject.duration() == Duration.ofMinutes(1)
        assert inject.faults().size() == 1
        assert inject.faults()[0].type() == FaultType.PACKET_LOSS
        assert inject.faults()[0].attributes() == [rate: 0.1d]
        assert inject.faults()[0].direction() == Direction.BOTH
        assert inject.faults()[0].toxicity() == 1.0d
        assert inject.target().kind() == Target.Kind.INDEXES && inject.target().indexes() == [1]
        assert recover instanceof Step.Recover && recover.duration() == Duration.ofSeconds(60)
    }

    def "the card's line works exactly as written, with every node at its column"() {
        when:
        def p = plan(CARD)
        def s = p.scenarios()[0]

        then:
        isCardScenario(s)
        p.name() == 't'
        p.serverCount() == 3
        s.pos() == new SourcePos('t.groovy', 1, 1)
        s.steps()*.pos()*.column() == [29, 45, 92]
        ((Step.Inject) s.steps()[1]).faults()[0].pos().column() == 52
        ((Step.Inject) s.steps()[1]).target().pos().column() == 71
    }

    def "the card's scenario on many lines, and inside playbook { }"() {
        expect:
        isCardScenario(scenario('''
            scenario "packet-loss-10" {
                stabilize 30.s
                inject packetLoss(0.1) on server(1) for 1.min
                recover 60.s
            }'''))
        isCardScenario(scenario('''
            scenario("packet-loss-10") {
                stabilize(30.s)
                inject(packetLoss(0.1)).on(server(1)).FOR(1.min)
                recover(60.s)
            }'''))

        when:
        def p = plan("playbook \"memcached-resilience\" {\n  ${CARD}\n}")

        then:
        p.name() == 'memcached-resilience'
        p.pos() == new SourcePos('t.groovy', 1, 1)
        isCardScenario(p.scenarios()[0])
        p.scenarios()[0].pos() == new SourcePos('t.groovy', 2, 3)
    }

    def "#fault gives a #type toxic with #attributes, #direction"() {
        when:
        def f = faults(fault)

        then:
        f.size() == 1
        f[0].type() == type
        f[0].attributes() == attributes
        f[0].direction() == direction
        f[0].toxicity() == toxicity

        where:
        fault                                                                 || type                 | attributes                                         | direction            | toxicity
        'latency(500.ms)'                                                     || FaultType.LATENCY     | [latency: 500L, jitter: 0L]                         | Direction.DOWNSTREAM | 1.0d
        'latency(500.ms, jitter: 50.ms)'                                      || FaultType.LATENCY     | [latency: 500L, jitter: 50L]                        | Direction.DOWNSTREAM | 1.0d
        'latency(1.5.s)'                                                      || FaultType.LATENCY     | [latency: 1500L, jitter: 0L]                        | Direction.DOWNSTREAM | 1.0d
        'packetLoss(0.1)'                                                     || FaultType.PACKET_LOSS | [rate: 0.1d]                                        | Direction.BOTH       | 1.0d
        'packetLoss(10.percent)'                                              || FaultType.PACKET_LOSS | [rate: 0.1d]                                        | Direction.BOTH       | 1.0d
        'packetLoss(1)'                                                       || FaultType.PACKET_LOSS | [rate: 1.0d]                                        | Direction.BOTH       | 1.0d
        'bandwidth(64.KBps)'                                                  || FaultType.BANDWIDTH   | [rate: 64L]                                         | Direction.DOWNSTREAM | 1.0d
        'bandwidth(1.MBps)'                                                   || FaultType.BANDWIDTH   | [rate: 1000L]                                       | Direction.DOWNSTREAM | 1.0d
        'timeout(5.s)'                                                        || FaultType.TIMEOUT     | [timeout: 5000L]                                    | Direction.BOTH       | 1.0d
        'blackhole()'                                                         || FaultType.BLACKHOLE   | [timeout: 0L]                                       | Direction.BOTH       | 1.0d
        'resetPeer()'                                                         || FaultType.RESET_PEER  | [timeout: 0L]                                       | Direction.BOTH       | 1.0d
        'resetPeer(after: 1.s)'                                               || FaultType.RESET_PEER  | [timeout: 1000L]                                    | Direction.BOTH       | 1.0d
        'slowClose(2.s)'                                                      || FaultType.SLOW_CLOSE  | [delay: 2000L]                                      | Direction.DOWNSTREAM | 1.0d
        'slicer(averageSize: 64.bytes, sizeVariation: 32.bytes, delay: 10.ms)' || FaultType.SLICER     | [average_size: 64L, size_variation: 32L, delay: 10_000L] | Direction.DOWNSTREAM | 1.0d
        'slicer(averageSize: 1.KB, delay: 250.us)'                            || FaultType.SLICER      | [average_size: 1000L, size_variation: 0L, delay: 250L] | Direction.DOWNSTREAM | 1.0d
        'limitData(64.KB)'                                                    || FaultType.LIMIT_DATA  | [bytes: 64_000L]                                    | Direction.BOTH       | 1.0d
        'limitData(1.MB)'                                                     || FaultType.LIMIT_DATA  | [bytes: 1_000_000L]                                 | Direction.BOTH       | 1.0d
        'down()'                                                              || FaultType.DOWN        | [:]                                                 | Direction.BOTH       | 1.0d
        'latency(100.ms).upstream'                                            || FaultType.LATENCY     | [latency: 100L, jitter: 0L]                         | Direction.UPSTREAM   | 1.0d
        'packetLoss(0.2).downstream'                                          || FaultType.PACKET_LOSS | [rate: 0.2d]                                        | Direction.DOWNSTREAM | 1.0d
        'latency(100.ms).both'                                                || FaultType.LATENCY     | [latency: 100L, jitter: 0L]                         | Direction.BOTH       | 1.0d
        'timeout(1.s).toxicity(0.5)'                                          || FaultType.TIMEOUT     | [timeout: 1000L]                                    | Direction.BOTH       | 0.5d
        'latency(1.ms).upstream.toxicity(25.percent)'                         || FaultType.LATENCY     | [latency: 1L, jitter: 0L]                           | Direction.UPSTREAM   | 0.25d
    }

    def "faults combine with +, each keeping its own direction, toxicity and position"() {
        when:
        def f = faults('latency(100.ms) + packetLoss(0.05).upstream.toxicity(0.5) + down()')

        then:
        f*.type() == [FaultType.LATENCY, FaultType.PACKET_LOSS, FaultType.DOWN]
        f[0].attributes() == [latency: 100L, jitter: 0L]
        f[0].direction() == Direction.DOWNSTREAM
        f[1].attributes() == [rate: 0.05d]
        f[1].direction() == Direction.UPSTREAM
        f[1].toxicity() == 0.5d
        f*.pos()*.column() == [23, 41, 83]
    }

    def "target #written"() {
        when:
        def t = target(written, servers)

        then:
        t.kind() == kind
        t.indexes() == indexes
        t.names() == names
        t.count() == count

        where:
        written                        | servers                                                                    || kind               | indexes   | names                  | count
        'server(1)'                    | ''                                                                         || Target.Kind.INDEXES | [1]       | []                     | 0
        'server(3)'                    | 'servers 3'                                                                || Target.Kind.INDEXES | [3]       | []                     | 0
        'servers(1, 2)'                | ''                                                                         || Target.Kind.INDEXES | [1, 2]    | []                     | 0
        'servers(1..2)'                | ''                                                                         || Target.Kind.INDEXES | [1, 2]    | []                     | 0
        'allServers'                   | ''                                                                         || Target.Kind.ALL     | []        | []                     | 0
        'randomServers(2)'             | ''                                                                         || Target.Kind.RANDOM  | []        | []                     | 2
        'server("cache-a")'            | 'server "cache-a", "127.0.0.1:11211"'                                     || Target.Kind.NAMES   | []        | ['cache-a']            | 0
        'servers("cache-a", "cache-b")' | 'server "cache-a", "127.0.0.1:11211"\nserver "cache-b", "[::1]:11212"'   || Target.Kind.NAMES   | []        | ['cache-a', 'cache-b'] | 0
        'server(2)'                    | 'server "cache-a", "127.0.0.1:11211"\nserver "cache-b"'                   || Target.Kind.INDEXES | [2]       | []                     | 0
    }

    def "servers: a count, or named servers with and without an address"() {
        expect:
        plan('servers 5').servers()*.name() == ['server-1', 'server-2', 'server-3', 'server-4', 'server-5']
        plan('').servers()*.name() == ['server-1', 'server-2', 'server-3']

        when:
        def p = plan('server "cache-a", "127.0.0.1:11211"\nserver "cache-b"')

        then:
        p.servers()*.name() == ['cache-a', 'cache-b']
        p.servers()*.address() == ['127.0.0.1:11211', null]
        p.servers()*.pos()*.line() == [1, 2]
    }

    def "phases: open-ended inject, heal, heal T, wait"() {
        when:
        def s = scenario('''scenario "phases" {
            stabilize 30.s
            inject latency(200.ms) on server(1)
            wait 10.s
            heal server(1)
            inject packetLoss(0.5) on allServers
            heal
            recover 1.min
        }''')

        then:
        s.steps()*.word() == ['stabilize', 'inject', 'wait', 'heal', 'inject', 'heal', 'recover']
        s.steps()[1].duration() == null
        s.steps()[2].duration() == Duration.ofSeconds(10)
        s.steps()[3].target().indexes() == [1]
        s.steps()[5].target() == null
        s.steps()*.pos()*.line() == [2, 3, 4, 5, 6, 7, 8]
    }

    def "composition: parallel, repeat and named steps nest their steps"() {
        when:
        def s = scenario('''scenario "composed" {
            parallel {
                inject latency(100.ms) on server(1) for 10.s
                inject packetLoss(0.1) on server(2) for 20.s
            }
            repeat(3) { inject down() on server(3) for 1.s; wait 2.s }
            step "flap", delayBefore: 5.s, continueOnFailure: true, { inject down() on server(1) for 1.s }
            step "plain", { wait 1.s }
            expect errorRate < 5.percent during "flap"
        }''')

        then:
        s.steps()*.class == [Step.Parallel, Step.Repeat, Step.Named, Step.Named]
        def (Step.Parallel parallel, Step.Repeat repeat, Step.Named flap, Step.Named plain) = s.steps()
        parallel.steps()*.word() == ['inject', 'inject']
        parallel.steps()*.duration() == [Duration.ofSeconds(10), Duration.ofSeconds(20)]
        repeat.times() == 3
        repeat.steps()*.word() == ['inject', 'wait']
        flap.name() == 'flap'
        flap.delayBefore() == Duration.ofSeconds(5)
        flap.continueOnFailure()
        flap.steps().size() == 1
        plain.delayBefore() == Duration.ZERO
        !plain.continueOnFailure()
        s.expectations()[0].phase() == 'flap'
    }

    def "description and tags"() {
        when:
        def p = plan('''playbook "p" {
            description "the whole thing"
            scenario "s" { description "one thing"; tags "latency", "multi-server"; stabilize 1.s }
        }''')

        then:
        p.description() == 'the whole thing'
        p.scenarios()[0].description() == 'one thing'
        p.scenarios()[0].tags() == ['latency', 'multi-server']
    }

    def "load { } profile values"() {
        when:
        def load = plan('''load {
            clients 100
            mix get: 0.8, set: 10.percent, delete: 0.1
            keys 10_000; valueSize 1.KB
            distribution "zipfian"
            timeout 250.ms
            breaker failureRate: 50.percent, openFor: 5.s, window: 20, halfOpenCalls: 3, slowCall: 200.ms, slowCallRate: 0.8
        }''').load()

        then:
        load.clients() == 100
        !load.openLoop()
        load.mix() == [get: 0.8d, set: 0.1d, delete: 0.1d]
        load.keys() == 10_000
        load.keyDistribution() == 'zipfian'
        load.valueSizeMin() == 1000
        load.timeout() == Duration.ofMillis(250)
        load.breaker().failureRate() == 0.5d
        load.breaker().openFor() == Duration.ofSeconds(5)
        load.breaker().window() == 20
        load.breaker().halfOpenCalls() == 3
        load.breaker().minimumCalls() == 20
        load.breaker().slowCall() == Duration.ofMillis(200)
        load.breaker().slowCallRate() == 0.8d
        load.pos() == new SourcePos('t.groovy', 1, 1)
        load.given() == ['clients', 'mix', 'keys', 'valueSize', 'distribution', 'timeout', 'breaker'] as Set
    }

    def "a load setting written with its default value still counts as given"() {
        expect:
        plan('load { clients 50; keys 9 }').load().given() == ['clients', 'keys'] as Set
        plan('load { clients 50 }').load() != plan('').load()
        plan('').load().given().isEmpty()
    }

    def "load { rate 5_000.perSecond } is an open loop; no load { } gives the defaults"() {
        expect:
        plan('load { rate 5_000.perSecond }').load().ratePerSecond() == 5000d
        plan('load { rate 200 }').load().ratePerSecond() == 200d
        plan('').load().clients() == 50
        plan('').load().ratePerSecond() == 0d
        plan('').load() == LoadProfile.defaults(new SourcePos('t.groovy', 1, 1))
    }

    def "expectations: #written"() {
        when:
        def s = scenario("""scenario "e" {
            stabilize 30.s; inject packetLoss(0.5) on servers(1, 2) for 1.min; recover 60.s
            expect ${written}
        }""")

        then:
        s.expectations().size() == 1
        s.expectations()[0].describe() == described
        s.expectations()[0].phase() == phase
        s.expectations()[0].pos().line() == 3

        where:
        written                                             || described                                      | phase
        'errorRate < 1.percent during stabilize'            || 'errorRate < 1% during stabilize'              | 'stabilize'
        'errorRate <= 0.05'                                 || 'errorRate <= 5%'                              | null
        'throughput > 1_000.perSecond during recover'       || 'throughput > 1000 ops/s during recover'       | 'recover'
        'throughput >= 500'                                 || 'throughput >= 500 ops/s'                      | null
        'p50 < 5.ms'                                        || 'p50 < 5 ms'                                   | null
        'p90 < 20.ms during inject'                         || 'p90 < 20 ms during inject'                    | 'inject'
        'p95 < 1.s'                                         || 'p95 < 1000 ms'                                | null
        'p99 < 50.ms during recover'                        || 'p99 < 50 ms during recover'                   | 'recover'
        'p999 < 1.5.s'                                      || 'p999 < 1500 ms'                               | null
        '50.ms > p99'                                       || 'p99 < 50 ms'                                  | null
        'breaker(server(1)).opened during inject'           || 'breaker(server(1)).opened during inject'      | 'inject'
        'breaker(servers(1, 2)).closed during recover'      || 'breaker(servers(1, 2)).closed during recover' | 'recover'
        'breaker(server(3)).stayedClosed'                   || 'breaker(server(3)).stayedClosed'              | null
        'breaker(allServers).stayedClosed during stabilize' || 'breaker(allServers).stayedClosed during stabilize' | 'stabilize'
        'recoveredWithin(20.s)'                             || 'recoveredWithin(20 s)'                        | 'recover'
    }

    def "expectations are plan records with their values"() {
        when:
        def s = scenario('''scenario "e" {
            stabilize 30.s; inject packetLoss(0.5) on server(1) for 1.min; recover 60.s
            expect errorRate < 1.percent during stabilize
            expect breaker(server(1)).opened during inject
            expect recoveredWithin(20.s)
        }''')
        def (Expectation.MetricBound rate, Expectation.Breaker breaker, Expectation.RecoveredWithin recovered) = s.expectations()

        then:
        rate.metric() == Expectation.Metric.ERROR_RATE
        rate.comparison() == Expectation.Comparison.LT
        rate.threshold() == 0.01d
        breaker.target().indexes() == [1]
        breaker.condition() == Expectation.BreakerCondition.OPENED
        recovered.within() == Duration.ofSeconds(20)
    }

    def "a real for loop still works next to the DSL's for; for in strings and comments is untouched"() {
        when:
        def p = plan('''\
for (i in 1..3) { scenario "s-$i" { stabilize 1.s; inject down() on server(i) for i.s } }
for (int j = 0; j < 1; j++) { scenario "c-$j" { stabilize 1.s } }
if (true) for (x in [1]) { scenario "if-for" { stabilize 1.s } }
scenario "for all" { description "for every for" // for a comment
    /* for */ stabilize 1.s
    [1, 2].each { n -> if (n > 1) { wait n.s } }
}''')

        then:
        p.scenarios()*.name() == ['s-1', 's-2', 's-3', 'c-0', 'if-for', 'for all']
        p.scenarios()[0..2].collect { ((Step.Inject) it.steps()[1]).duration() } == [1, 2, 3].collect { Duration.ofSeconds(it) }
        p.scenarios()[0..2].collect { ((Step.Inject) it.steps()[1]).target().indexes() } == [[1], [2], [3]]
        p.scenarios()[5].description() == 'for every for'
        p.scenarios()[5].steps()*.word() == ['stabilize', 'wait']
    }

    def "ForKeywordRewriter replaces only the DSL's for, with a word of the same length"() {
        expect:
        ForKeywordRewriter.rewrite(source) == rewritten
        rewritten.length() == source.length()

        where:
        source                                             || rewritten
        'inject f on server(1) for 1.min'                  || 'inject f on server(1) FOR 1.min'
        'for (i in 1..3) { x }'                            || 'for (i in 1..3) { x }'
        'a; for (i in 1..3) { x }'                         || 'a; for (i in 1..3) { x }'
        'while (a) for (i in b) {}'                        || 'while (a) for (i in b) {}'
        'x "for" // for\n/* for */ y for 1.s'              || 'x "for" // for\n/* for */ y FOR 1.s'
        'inject f on server(1) for 1.min; x for 2.s'       || 'inject f on server(1) FOR 1.min; x FOR 2.s'
    }

    def "unit #written is #value"() {
        expect:
        scenario("scenario \"u\" { stabilize 1.s }").name() == 'u' // the extension module is loaded
        new GroovyShell().evaluate(written) == value

        where:
        written            || value
        '1.5.s'            || Duration.ofMillis(1500)
        '2.h'              || Duration.ofHours(2)
        '100.ms'           || Duration.ofMillis(100)
        '250.us'           || Duration.ofNanos(250_000)
        '1.min'            || Duration.ofMinutes(1)
        '3.seconds'        || Duration.ofSeconds(3)
        '2.minutes'        || Duration.ofMinutes(2)
        '1.min + 30.s'     || Duration.ofSeconds(90)
        '-5.s'             || Duration.ofSeconds(-5)
        '100.bytes'        || new DataSize(100)
        '64.KB'            || new DataSize(64_000)
        '1.MB'             || new DataSize(1_000_000)
        '10.percent'       || new Fraction(0.1d)
        '5_000.perSecond'  || new OpsRate(5000d)
    }

    def "word -x is a negative argument, but a declared variable named like a word still subtracts"() {
        when:
        def p = plan('''
            def shorter(keys) { keys - 1 }
            template("t") { String name, Integer clients -> scenario(name) { stabilize shorter(clients).s; clients - 1 } }
            t "a", 3
            for (wait in [5]) { scenario "w" { stabilize((wait - 1).s) } }
        ''')

        then:
        p.scenarios()*.steps()*.getAt(0)*.duration() == [Duration.ofSeconds(2), Duration.ofSeconds(4)]

        expect:
        new PlaybookLoader().loadText('t.groovy', 'load { keys -1 }').problems()*.message() == ['keys must be at least 1, got -1']
    }

    def "templates defined in the playbook take their own values"() {
        when:
        def p = plan('''
            template("loss") { String name, rate -> scenario(name) { stabilize 1.s; inject packetLoss(rate) on server(1) for 1.s } }
            loss "a", 0.1
            loss "b", 20.percent
        ''')

        then:
        p.scenarios()*.name() == ['a', 'b']
        p.scenarios().collect { ((Step.Inject) it.steps()[1]).faults()[0].attributes().rate } == [0.1d, 0.2d]
    }
}
