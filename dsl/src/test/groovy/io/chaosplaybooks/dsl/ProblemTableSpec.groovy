package io.chaosplaybooks.dsl

import spock.lang.Specification

/**
 * Every mistake is reported as file:line:column with a message that names the mistake: each row
 * compiles a malformed snippet and asserts the one problem it must report. Snippets without
 * {@code servers} get the default three servers.
 */
class ProblemTableSpec extends Specification {

    static LoadResult load(String text) {
        new PlaybookLoader().loadText('t.groovy', text)
    }

    def "#what: reported at #line:#column"() {
        when:
        def result = load(snippet)

        then: 'exactly one problem, where the mistake was written'
        result.problems().size() == 1
        def p = result.problems()[0]
        p.pos().file() == 't.groovy'
        p.pos().line() == line
        p.pos().column() == column
        p.message().contains(fragment)
        !result.ok()

        and: 'the formatted problem has the position, the source line and a caret under the column'
        def lines = result.formatProblems().readLines()
        int m = p.message().readLines().size() // a syntax error quotes Groovy's own message on a second line
        lines.take(m).join('\n') == "t.groovy:${line}:${column}: ${p.message()}"
        lines[m] == '  ' + snippet.readLines()[line - 1]
        lines[m + 1] == '  ' + ' ' * (column - 1) + '^'

        where:
        what                                | snippet                                                                                   || line | column | fragment
        // unknown words, with "did you mean"
        'unknown word at top level'         | 'scenari "x" { stabilize 30.s }'                                                          || 1    | 1      | "unknown word 'scenari' in a playbook; did you mean 'scenario'?"
        'unknown word in a scenario'        | 'scenario "x" { stabilise 30.s }'                                                         || 1    | 16     | "unknown word 'stabilise' in scenario 'x'; did you mean 'stabilize'?"
        'unknown word in load'              | 'load { clinets 5 }'                                                                      || 1    | 8      | "unknown word 'clinets' in load { }; did you mean 'clients'?"
        'misspelt fault'                    | 'scenario "x" { inject packetLos(0.1) on server(1) for 1.min }'                           || 1    | 23     | "unknown word 'packetLos' in scenario 'x'; did you mean 'packetLoss'?"
        'misspelt expect with a comparison' | 'scenario "x" { stabilize 30.s; expct errorRate < 1.percent during stabilize }'          || 1    | 32     | "unknown word 'expct' in scenario 'x'; did you mean 'expect'?"
        'misspelt abortWhen'                | 'scenario "x" { stabilize 30.s; abortWhn p99 > 2.s }'                                     || 1    | 32     | "unknown word 'abortWhn' in scenario 'x'; did you mean 'abortWhen'?"
        'misspelt require'                  | 'scenario "x" { stabilize 30.s; requre errorRate < 1.percent during stabilize }'          || 1    | 32     | "unknown word 'requre' in scenario 'x'; did you mean 'require'?"
        'misspelt unit'                     | 'scenario "x" { stabilize 30.sec }'                                                       || 1    | 29     | "unknown unit '.sec' on a number; did you mean 's'?"
        'misspelt for'                      | 'scenario "x" { inject packetLoss(0.1) on server(1) fro 1.min }'                          || 1    | 52     | "not 'fro'; did you mean 'for'?"
        'scenario word at top level'        | 'stabilize 30.s'                                                                          || 1    | 1      | "'stabilize' belongs inside a scenario"
        // wrong argument types
        'number for a duration'             | 'scenario "x" { stabilize 30 }'                                                           || 1    | 16     | 'stabilize does not take 30 (a number); write it as: stabilize 30.s'
        'number for wait (not Object.wait)' | 'scenario "x" { wait 10 }'                                                                || 1    | 16     | 'wait takes a duration such as 10.s, got 10 (a number)'
        'number for wait in repeat { }'     | 'scenario "x" { repeat(2) { wait 5 } }'                                                   || 1    | 28     | 'wait takes a duration such as 5.s, got 5 (a number)'
        'string for wait'                   | 'scenario "x" { wait "x"; stabilize 1.s }'                                                || 1    | 16     | 'wait does not take "x" (a string); write it as: wait 10.s'
        'wait at top level'                 | 'wait 10.s'                                                                               || 1    | 1      | "'wait' belongs inside a scenario"
        'step name without quotes'          | 'scenario "x" { step "flap", { wait 1.s }; expect errorRate < 1.percent during flap }'    || 1    | 72     | '\'flap\' is the name of a step; after during, write it in quotes: during "flap"'
        'template parameter hides a word'   | 'template("t") { String name, int server -> scenario(name) { inject down() on server(server) } }\nt "a", 2' || 1 | 78 | 'a value (Integer) is called like a word here'
        'string for a fault'                | 'scenario "x" { inject "x" on server(1) }'                                                || 1    | 16     | 'inject does not take "x" (a string)'
        'string for a rate'                 | 'scenario "x" { inject packetLoss("a") on server(1) }'                                    || 1    | 23     | 'packetLoss does not take "a" (a string); write it as: packetLoss(0.1)'
        'number for delayBefore'            | 'scenario "x" { step "s", delayBefore: 5, { stabilize 1.s } }'                            || 1    | 16     | 'delayBefore takes a duration such as 5.s, got 5 (a number)'
        'number for a description'          | 'scenario "x" { stabilize 1.s; description 5 }'                                           || 1    | 31     | 'description does not take 5 (a number)'
        // out-of-range values
        'loss above 1'                      | 'scenario "x" { inject packetLoss(1.5) on server(1) }'                                    || 1    | 23     | 'packetLoss rate must be between 0 and 1 (or 0.percent to 100.percent), got 1.5'
        'negative loss'                     | 'scenario "x" { inject packetLoss(-0.1) on server(1) }'                                   || 1    | 23     | 'packetLoss rate must be between 0 and 1 (or 0.percent to 100.percent), got -0.1'
        'toxicity above 1'                  | 'scenario "x" { inject packetLoss(0.1).toxicity(2) on server(1) }'                        || 1    | 39     | 'toxicity must be between 0 and 1, got 2'
        'negative stabilize'                | 'scenario "x" { stabilize -5.s }'                                                         || 1    | 16     | 'stabilize needs a positive duration, got -5 s'
        'negative recover'                  | 'scenario "x" { recover -5.s }'                                                           || 1    | 16     | 'recover needs a positive duration, got -5 s'
        'zero stabilize'                    | 'scenario "x" { stabilize 0.s }'                                                          || 1    | 16     | 'stabilize needs a positive duration, got 0 ms'
        'negative latency'                  | 'scenario "x" { inject latency(-5.ms) on server(1) }'                                     || 1    | 23     | 'latency must not be negative, got -5 ms'
        'repeat(0)'                         | 'scenario "x" { repeat(0) { stabilize 1.s } }'                                            || 1    | 16     | 'repeat needs a count of at least 1, got 0'
        'jitter above latency'              | 'scenario "x" { inject latency(10.ms, jitter: 20.ms) on server(1) }'                      || 1    | 23     | 'jitter (20 ms) is larger than the latency (10 ms)'
        'negative bandwidth'                | 'scenario "x" { inject bandwidth(-1.KBps) on server(1) }'                                 || 1    | 23     | 'bandwidth must not be negative, got -1 KB/s'
        'limitData of nothing'              | 'scenario "x" { inject limitData(0.bytes) on server(1) }'                                 || 1    | 23     | 'limitData needs a positive size, got 0 bytes'
        'slicer without averageSize'        | 'scenario "x" { inject slicer(delay: 1.ms) on server(1) }'                                || 1    | 23     | 'slicer needs averageSize: slicer(averageSize: 64.bytes)'
        'for given a zero duration'         | 'scenario "x" { inject down() on server(1) for 0.s }'                                     || 1    | 43     | 'inject duration must be positive, got 0 ms'
        'errorRate bound above 100 %'       | 'scenario "x" { stabilize 1.s; expect errorRate < 150.percent }'                          || 1    | 48     | 'errorRate bound must be between 0 and 1 (0.percent to 100.percent), got 150%'
        // load { }
        'clients 0'                         | 'load { clients 0 }'                                                                      || 1    | 8      | 'clients must be between 1 and 10000, got 0'
        'clients -5 (not a subtraction)'    | 'load { clients -5 }'                                                                     || 1    | 8      | 'clients must be between 1 and 10000, got -5'
        'negative timeout'                  | 'load { timeout -5.ms }'                                                                  || 1    | 8      | 'timeout must be positive, got -5 ms'
        'mix not adding to 1'               | 'load { mix get: 0.5, set: 0.1 }'                                                         || 1    | 8      | 'mix shares must add up to 1 (100.percent), they add up to 0.6'
        'unknown mix op'                    | 'load { mix get: 0.5, put: 0.5 }'                                                         || 1    | 8      | "mix knows get, set and delete, not 'put'"
        'unknown breaker option'            | 'load { timeout 1.s\n  breaker failureRat: 50.percent }'                                 || 2    | 3      | "breaker has no option 'failureRat'; did you mean 'failureRate'?"
        // targets
        'server(4) of 3'                    | 'scenario "x" { inject down() on server(4) }'                                             || 1    | 33     | 'server(4) does not exist: this playbook has 3 servers (numbered 1 to 3)'
        'server(4) of servers 2'            | 'servers 2\nscenario "x" { inject down() on server(4) }'                                  || 2    | 33     | 'server(4) does not exist: this playbook has 2 servers (numbered 1 to 2)'
        'server(0)'                         | 'scenario "x" { inject down() on server(0) }'                                             || 1    | 33     | 'servers are numbered from 1, got server(0)'
        'unknown server name'               | 'scenario "x" { inject down() on server("nope") }'                                        || 1    | 33     | "no server is named 'nope'; servers are: server-1, server-2, server-3"
        'randomServers(5) of 3'             | 'scenario "x" { inject down() on randomServers(5) }'                                      || 1    | 33     | 'randomServers(5) asks for more servers than the 3 this playbook has'
        'heal of a missing server'          | 'scenario "x" { heal server(9); stabilize 1.s }'                                          || 1    | 21     | 'server(9) does not exist'
        'breaker of a missing server'       | 'scenario "x" { stabilize 1.s; expect breaker(server(4)).opened }'                        || 1    | 46     | 'server(4) does not exist'
        'fault with no target'              | 'scenario "x" { inject packetLoss(0.1) }'                                                 || 1    | 16     | 'inject needs servers after the fault: inject <fault> on server(1)'
        'target without on'                 | 'scenario "x" { inject packetLoss(0.1) server(1) }'                                       || 1    | 39     | "after 'inject <fault>' comes 'on <servers>', not 'server'"
        // for
        'for on stabilize'                  | 'scenario "x" { stabilize 30.s for 1.min }'                                               || 1    | 31     | "'for' only follows 'inject <fault> on <servers>'; stabilize takes its duration directly"
        'for on wait'                       | 'scenario "x" { stabilize 1.s; wait 1.s for 1.s }'                                        || 1    | 40     | "'for' only follows 'inject <fault> on <servers>'; wait takes its duration directly"
        'for given a number'                | 'scenario "x" { inject down() on server(1) for 5 }'                                       || 1    | 43     | "'for' takes a duration such as 1.min or 30.s, got 5 (a number)"
        'for given twice'                   | 'scenario "x" { inject down() on server(1) for 1.min for 2.min }'                         || 1    | 53     | "'for' given twice"
        'for with nothing after'            | 'scenario "x" { inject packetLoss(0.1) on server(1) for }'                                || 1    | 52     | "'for' needs a duration after it, such as 1.min or 30.s"
        'for at the end of a line'          | 'scenario "x" {\n  inject packetLoss(0.1) on server(1) for\n  recover 60.s\n}'             || 2    | 39     | "'for' needs a duration after it"
        // scenarios and expectations
        'duplicate scenario names'          | 'scenario "x" { stabilize 1.s }\nscenario "x" { stabilize 1.s }'                         || 2    | 1      | "duplicate scenario name 'x' (first defined at t.groovy:1:1)"
        'two playbooks in a file'           | 'playbook "p" { scenario "x" { stabilize 1.s } }\nplaybook "q" { }'                      || 2    | 1      | "only one playbook per file; 'p' was declared at t.groovy:1:1"
        'empty scenario'                    | 'scenario "x" { }'                                                                        || 1    | 1      | "scenario 'x' has no steps; add e.g. stabilize 30.s"
        'during a phase not there'          | 'scenario "x" { stabilize 1.s; expect errorRate < 1.percent during recover }'             || 1    | 60     | "scenario 'x' has no phase or step 'recover'; it has: stabilize"
        'during a step name not there'      | 'scenario "x" { stabilize 1.s; expect p99 < 5.ms during "warm" }'                         || 1    | 49     | "scenario 'x' has no phase or step 'warm'; it has: stabilize"
        'during heal'                       | 'scenario "x" { stabilize 1.s; expect errorRate < 1.percent during heal }'                || 1    | 60     | "during takes a phase (stabilize, inject, recover, wait) or a step's name in quotes"
        'during twice'                      | 'scenario "x" { stabilize 1.s; expect errorRate < 1.percent during stabilize during stabilize }' || 1 | 77 | "'during' given twice"
        'recoveredWithin without recover'   | 'scenario "x" { stabilize 1.s; expect recoveredWithin(20.s) }'                            || 1    | 38     | "recoveredWithin needs a recover phase in scenario 'x'"
        'recoveredWithin without parens'    | 'scenario "x" { stabilize 30.s; expect recoveredWithin 20.s }'                            || 1    | 32     | 'recoveredWithin needs a duration in parentheses: expect recoveredWithin(20.s)'
        'recoveredWithin with during'       | 'scenario "x" { stabilize 1.s; expect recoveredWithin(5.s) during recover; recover 1.s }' || 1    | 59     | "recoveredWithin is measured from the heal; it takes no 'during'"
        'number for a percentile'           | 'scenario "x" { stabilize 1.s; expect p99 < 5 }'                                          || 1    | 42     | 'p99 is compared with a duration such as 50.ms, got 5 (a number)'
        'metric without a bound'            | 'scenario "x" { stabilize 1.s; expect errorRate }'                                        || 1    | 31     | 'expect errorRate needs a bound: expect errorRate < 1.percent'
        'misspelt breaker condition'        | 'scenario "x" { stabilize 1.s; expect breaker(server(1)).open during stabilize }'         || 1    | 31     | "'open' is not one of them; did you mean 'opened'?"
        'unknown fault modifier'            | 'scenario "x" { inject packetLoss(10.percent).sideways on server(1) }'                    || 1    | 16     | "'sideways' is not one of them"
        // Groovy's own syntax errors, at Groovy's position; the for rewrite keeps columns after it
        'unclosed brace'                    | 'scenario "x" { stabilize 1.s'                                                            || 1    | 14     | "syntax error: '{' is never closed\n  Groovy says, at 1:14: Unexpected input: '{'"
        'unclosed nested brace'             | 'scenario "x" {\n  stabilize 1.s\n  parallel {\n    wait 1.s\n  }\n  repeat(2) { wait 1.s\n}' || 1 | 14 | "syntax error: '{' is never closed"
        'one brace too many'                | 'scenario "s${1}" { stabilize 1.s } }'                                                     || 1    | 36     | "syntax error: '}' closes nothing: there is no '{' open before it"
        'extra brace after a for'           | 'scenario "x" { inject packetLoss(0.1) on server(1) for 1.min } }'                        || 1    | 64     | "syntax error: '}' closes nothing"
        'unclosed string after a for'       | 'scenario "x" { inject packetLoss(0.1) on server(1) for 1.min; stabilize "abc }'          || 1    | 73     | "syntax error: this string is never closed\n  Groovy says, at 1:73: Unexpected character: '\"'"
        'mistake after a for on its line'   | 'scenario "x" { inject packetLoss(0.1) on server(1) for 1.min; stabilise 1.s }'           || 1    | 63     | "did you mean 'stabilize'?"
        // line 3 and later
        'unit on line 4'                    | 'scenario "x" {\n  stabilize 1.s\n  inject packetLoss(0.1) on server(1) for 1.min\n  recover 60.x\n}' || 4 | 14 | "unknown unit '.x' on a number"
        'value on line 5'                   | 'scenario "x" { stabilize 1.s }\nscenario "y" { stabilize 2.s }\nscenario "z" {\n  stabilize 1.s\n  inject packetLoss(2) on server(1) for 1.min\n}' || 5 | 10 | 'got 2'
        'inside playbook { }, line 3'       | 'playbook "p" {\n  servers 2\n  scenario "x" { inject down() on server(3) for 1.s }\n}'    || 3    | 35     | 'server(3) does not exist'
        // composition
        'inside parallel { }'               | 'scenario "x" { parallel { inject packetLos(0.1) on server(1) } }'                        || 1    | 34     | "unknown word 'packetLos' in a block of steps; did you mean 'packetLoss'?"
        'inside repeat(2) { }'              | 'scenario "x" { repeat(2) { stabilize -1.s } }'                                           || 1    | 28     | 'stabilize needs a positive duration, got -1 s'
        'negative delayBefore'              | 'scenario "x" { step "x", delayBefore: -1.s, { stabilize 1.s } }'                         || 1    | 16     | 'delayBefore must not be negative, got -1 s'
        'unknown step option'               | 'scenario "x" { step "x", delay: 1.s, { stabilize 1.s } }'                                || 1    | 16     | "step has no option 'delay'; did you mean 'delayBefore'?"
        'step without a name'               | 'scenario "x" { step "s", { stabilize 1.s }; step "", { wait 1.s } }'                     || 1    | 45     | 'a step needs a name'
        'empty parallel'                    | 'scenario "x" { stabilize 1.s; parallel { } }'                                            || 1    | 31     | 'parallel { } is empty'
        'servers of two kinds'              | 'servers 3\nserver "a", "127.0.0.1:11211"'                                               || 2    | 1      | "use either 'servers N' or named 'server' lines, not both"
    }

    def "a snippet with several mistakes reports every one, in source order"() {
        when:
        def result = load('''\
servers 2
load { clients 0; mix get: 0.5, set: 0.1 }
scenario "a" {
    stabilise 30.s
    inject packetLoss(1.5) on server(3) for 1.min
    recover -5.s
    expect p99 < 5 during recover
}
scenario "a" { stabilize 1.s for 2.s }
scenari "b" { }
''')

        then:
        result.problems().collect { "${it.pos().line()}:${it.pos().column()}".toString() } ==
            ['2:8', '2:19', '4:5', '5:12', '5:31', '6:5', '7:16', '9:1', '9:30', '10:1']
        result.problems()*.message().every { it }
        result.problems()[0].message().contains('clients must be between 1 and 10000')
        result.problems()[1].message().contains('mix shares must add up to 1')
        result.problems()[2].message().contains("did you mean 'stabilize'")
        result.problems()[3].message().contains('packetLoss rate must be between 0 and 1')
        result.problems()[4].message().contains('server(3) does not exist')
        result.problems()[5].message().contains('recover needs a positive duration, got -5 s')
        result.problems()[6].message().contains('p99 is compared with a duration')
        result.problems().any { it.message().contains("duplicate scenario name 'a'") }
        result.problems().any { it.message().contains("'for' only follows") }
        result.problems()[-1].message().contains("unknown word 'scenari'")
    }

    def "a mistake in a block does not stop it: the next line's mistake is still reported"() {
        when:
        def result = load('scenario "x" {\n  wait 10\n  stabilize 0.s\n  inject down() on server(7)\n}')

        then:
        result.problems().collect { "${it.pos().line()}:${it.pos().column()}".toString() } == ['2:3', '3:3', '4:20']
    }

    def "a real for loop around a DSL for reports each iteration's mistake on the loop's line"() {
        when:
        def result = load('for (i in 1..2) { scenario "s$i" { stabilize 1.s; inject down() on server(i + 3) for 1.s } }')

        then:
        result.problems()*.message() == ['server(4) does not exist: this playbook has 3 servers (numbered 1 to 3)',
                                         'server(5) does not exist: this playbook has 3 servers (numbered 1 to 3)']
        result.problems().every { it.pos().line() == 1 && it.pos().column() == 68 }
    }

    def "a playbook that cannot be read is a problem, not an exception"() {
        when:
        def result = new PlaybookLoader().load(java.nio.file.Path.of('no/such/playbook.groovy'))

        then:
        result.playbook() == null
        result.problems().size() == 1
        result.problems()[0].message() == 'cannot read the file: no such file'
    }
}
