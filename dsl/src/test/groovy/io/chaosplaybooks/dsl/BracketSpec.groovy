package io.chaosplaybooks.dsl

import spock.lang.Specification

/**
 * A syntax error caused by a bracket or string left open, or closed by the wrong kind, is reported where
 * that bracket or string starts (Groovy's parser gives up later, often at the enclosing block), with
 * Groovy's own message on a second line.
 */
class BracketSpec extends Specification {

    def "#what: reported at #line:#column"() {
        when:
        def result = new PlaybookLoader().loadText('t.groovy', snippet)

        then:
        result.problems().size() == 1
        def p = result.problems()[0]
        "${p.pos().line()}:${p.pos().column()}" == "${line}:${column}"
        p.message().readLines()[0] == 'syntax error: ' + message
        p.message().readLines()[1].startsWith('  Groovy says, at ')

        where:
        what                            | snippet                                                                                    || line | column | message
        "unclosed '(' (the issue's)"    | 'scenario "x" {\n  stabilize 1.s\n  recover 1.s\n  inject latency(100.ms on server(1) for 5.s\n}' || 4 | 17 | "'(' is never closed: the '}' at 5:1 comes first"
        "unclosed '{'"                  | 'scenario "x" {\n  stabilize 1.s\n'                                                        || 1    | 14     | "'{' is never closed"
        "unclosed '[' before a block"   | 'def xs = [1, 2\nscenario "x" { stabilize 1.s }'                                            || 1    | 10     | "'[' is never closed"
        "stray '}'"                     | 'scenario "x" { stabilize 1.s }\n}'                                                          || 2    | 1      | "'}' closes nothing: there is no '{' open before it"
        "stray ')'"                     | 'servers 3)\nscenario "x" { stabilize 1.s }'                                                 || 1    | 10     | "')' closes nothing: there is no '(' open before it"
        "'(' closed by ']'"             | 'servers(3]\nscenario "x" { stabilize 1.s }'                                                 || 1    | 8      | "'(' is never closed: the ']' at 1:10 comes first"
        "unclosed '(' in expect"        | 'scenario "x" { stabilize 1.s; expect(errorRate < 1.percent }'                              || 1    | 37     | "'(' is never closed: the '}' at 1:60 comes first"
        "unclosed string"               | 'scenario "x { stabilize 1.s }'                                                              || 1    | 10     | 'this string is never closed'
        "unclosed single-quoted string" | "scenario 'x { stabilize 1.s }"                                                              || 1    | 10     | 'this string is never closed'
        "unclosed triple-quoted string" | 'scenario "x" {\n  description """abc\n  stabilize 1.s\n}'                                  || 2    | 15     | 'this string is never closed'
        "unclosed '\${' in a GString"   | 'def n = 1\nscenario "s-${n" { stabilize 1.s }'                                             || 2    | 13     | "the '\${' of this string is never closed"
        "unclosed '[' of named values"  | 'load {\n  mix([get: 0.9, set: 0.1)\n}'                                                      || 2    | 7      | "'[' is never closed: the ')' at 2:26 comes first"
        "unclosed nested block"         | 'scenario "x" {\n  parallel {\n    wait 1.s\n  recover 1.s\n}'                                || 1    | 14     | "'{' is never closed"
    }
}
