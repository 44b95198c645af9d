package io.chaosplaybooks.dsl

import io.chaosplaybooks.dsl.plan.Expectation
import io.chaosplaybooks.dsl.plan.Probe
import spock.lang.Specification

import java.time.Duration

/**
 * Probes, gates and aborts as a playbook writes them: plan records with their positions, and every
 * bad use reported at its line and column. A probe is data: building the plan contacts nothing.
 */
class ProbesSpec extends Specification {
    static LoadResult load(String text) {
        new PlaybookLoader().loadText('t.groovy', text)
    }

    def "probes, gates and aborts become plan records"() {
        when:
        def r = load('''\
prometheus "http://127.0.0.1:9090"
scenario "x" {
  stabilize 10.s
  inject latency(100.ms) on server(1) for 20.s
  recover 10.s
  expect prometheus("sum(rate(app_errors_total[30s]))") < 0.01 during inject
  expect http("http://127.0.0.1:8080/health").status == 200 during recover
  expect http("http://127.0.0.1:8080/health", every: 2.s, timeout: 500.ms).latency < 200.ms
  expect http("http://127.0.0.1:8080/health").body.contains("ok") during recover
  require errorRate < 1.percent during stabilize
  require http("http://127.0.0.1:8080/health").status == 200 during stabilize
  abortWhen errorRate > 50.percent
  abortWhen 0.5 < prometheus("app_queue_depth")
}''')

        then:
        r.ok()
        r.playbook().prometheus() == 'http://127.0.0.1:9090'
        def s = r.playbook().scenarios()[0]
        s.expectations().size() == 4
        with(s.expectations()[0] as Expectation.ProbeBound) {
            probe() == new Probe.PrometheusQuery('sum(rate(app_errors_total[30s]))', Duration.ofSeconds(1), pos().with { new io.chaosplaybooks.dsl.plan.SourcePos('t.groovy', 6, 10) })
            reading() == Probe.Reading.VALUE
            comparison() == Expectation.Comparison.LT
            threshold() == 0.01d
            phase() == 'inject'
            pos().line() == 6
        }
        with(s.expectations()[1] as Expectation.ProbeBound) {
            (probe() as Probe.Http).url() == 'http://127.0.0.1:8080/health'
            (probe() as Probe.Http).every() == Duration.ofSeconds(1)
            reading() == Probe.Reading.STATUS
            comparison() == Expectation.Comparison.EQ
            threshold() == 200d
        }
        with(s.expectations()[2] as Expectation.ProbeBound) {
            (probe() as Probe.Http).every() == Duration.ofSeconds(2)
            (probe() as Probe.Http).timeout() == Duration.ofMillis(500)
            reading() == Probe.Reading.LATENCY
            threshold() == 200d
            phase() == null
        }
        (s.expectations()[3] as Expectation.ProbeContains).text() == 'ok'
        s.expectations()[3].describe() == 'http("http://127.0.0.1:8080/health").body.contains("ok") during recover'
        s.gates()*.describe() == ['errorRate < 1% during stabilize', 'http("http://127.0.0.1:8080/health").status == 200 during stabilize']
        s.aborts()*.describe() == ['errorRate > 50%', 'prometheus("app_queue_depth") > 0.5']
        s.probeReaders().size() == 6
    }

    def "a playbook without a Prometheus URL still validates: the run may get it from --prometheus"() {
        expect:
        load('scenario "x" { stabilize 1.s; expect prometheus("up") > 0 }').ok()
    }

    def "#what: reported at #line:#column"() {
        when:
        def result = load(snippet)

        then:
        result.problems().size() == 1
        def p = result.problems()[0]
        [p.pos().line(), p.pos().column()] == [line, column]
        p.message().contains(fragment)

        where:
        what                              | snippet                                                                                        || line | column | fragment
        'empty query'                     | 'scenario "x" { stabilize 1.s; expect prometheus(" ") < 1 }'                                  || 1    | 38     | 'prometheus needs a query'
        'query compared with a string'    | 'scenario "x" { stabilize 1.s; expect prometheus("up") < "a" }'                               || 1    | 55     | 'a prometheus query is compared with a number, got "a" (a string)'
        'query without a bound'           | 'scenario "x" { stabilize 1.s; expect prometheus("up") }'                                     || 1    | 31     | 'expect prometheus("up") needs a bound'
        'http without a reading'          | 'scenario "x" { stabilize 1.s; expect http("http://h:1/") == 200 }'                           || 1    | 58     | 'an http probe is compared by a reading'
        'status not a code'               | 'scenario "x" { stabilize 1.s; expect http("http://h:1/").status == 700 }'                    || 1    | 65     | 'a status code is between 100 and 599, got 700'
        'latency compared with a number'  | 'scenario "x" { stabilize 1.s; expect http("http://h:1/").latency < 200 }'                    || 1    | 66     | 'latency is compared with a duration such as 200.ms'
        'unknown reading'                 | 'scenario "x" { stabilize 1.s; expect http("http://h:1/").code == 200 }'                      || 1    | 63     | "'code' is not one of them; did you mean 'body'?"
        'body compared'                   | 'scenario "x" { stabilize 1.s; expect http("http://h:1/").body == "ok" }'                     || 1    | 63     | 'a body is not compared; write'
        'body.contains of nothing'        | 'scenario "x" { stabilize 1.s; expect http("http://h:1/").body.contains("") }'                || 1    | 63     | 'body.contains needs some text'
        'not a URL'                       | 'scenario "x" { stabilize 1.s; expect http("localhost:8080").status == 200 }'                 || 1    | 38     | 'http needs a URL such as'
        'http every as a number'          | 'scenario "x" { stabilize 1.s; expect http("http://h:1/", every: 2).status == 200 }'          || 1    | 38     | 'every takes a duration such as 2.s, got 2 (a number)'
        'http unknown option'             | 'scenario "x" { stabilize 1.s; expect http("http://h:1/", timout: 1.s).status == 200 }'       || 1    | 38     | "http takes every: and timeout:, not 'timout'; did you mean 'timeout'?"
        'prometheus URL not a URL'        | 'prometheus "127.0.0.1:9090"'                                                                 || 1    | 1      | 'prometheus needs its URL'
        'prometheus URL twice'            | 'prometheus "http://a:1"\nprometheus "http://b:1"'                                            || 2    | 1      | 'prometheus given twice (first at t.groovy:1:1)'
        'require without during'          | 'scenario "x" { stabilize 1.s; inject down() on server(1); require errorRate < 1.percent }'   || 1    | 77     | 'require needs the phase it judges before the first fault'
        'require during inject'           | 'scenario "x" { stabilize 1.s; inject down() on server(1) for 1.s; require p99 < 5.ms during inject }' || 1 | 86 | "'inject' is not a phase before the first inject (those are: stabilize)"
        'require during a missing phase'  | 'scenario "x" { stabilize 1.s; require p99 < 5.ms during recover }'                           || 1    | 50     | "scenario 'x' has no phase or step 'recover'"
        'require a breaker'               | 'scenario "x" { stabilize 1.s; require breaker(server(1)).closed during stabilize }'          || 1    | 31     | 'require takes a metric or probe bound'
        'abortWhen with during'           | 'scenario "x" { stabilize 1.s; abortWhen errorRate > 50.percent during stabilize }'           || 1    | 64     | "abortWhen is checked every second while faults are on; it takes no 'during'"
        'abortWhen a breaker'             | 'scenario "x" { stabilize 1.s; abortWhen breaker(server(1)).opened }'                         || 1    | 31     | 'abortWhen takes a metric or probe condition'
    }
}
