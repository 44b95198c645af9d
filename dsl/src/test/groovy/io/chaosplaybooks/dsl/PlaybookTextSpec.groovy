package io.chaosplaybooks.dsl

import spock.lang.Specification
import spock.lang.Unroll

/** A playbook's "text ${value}" reads exactly as Groovy's own GString would, whatever the values. */
class PlaybookTextSpec extends Specification {

    /** The description a snippet gives its one scenario. */
    static String described(String prelude, String expression) {
        def r = new PlaybookLoader().loadText('t.groovy', "${prelude}\nscenario \"s\" { description(${expression}); stabilize 1.s }")
        assert r.problems().isEmpty(), r.formatProblems()
        r.playbook().scenarios()[0].description()
    }

    @Unroll
    def "#expression with #prelude reads as Groovy writes it: #expected"() {
        expect:
        described(prelude, expression) == expected
        // Groovy's own GString, with the same values, as the control.
        Eval.me(prelude + '\n' + expression).toString() == expected

        where:
        prelude                              | expression                                    | expected
        'def n = 3'                          | '"${n} servers"'                              | '3 servers'
        'def r = 0.05'                       | '"${(r * 100).toInteger()}% loss"'            | '5% loss'
        'def r = 0.05'                       | '"${r * 100}% loss"'                          | '5.00% loss'
        'def d = 2.5d'                       | '"x ${d}"'                                    | 'x 2.5'
        'def s = "a"; def c = (char) 98'     | '"${s}${c}${true}${null}"'                    | 'abtruenull'
        'def l = [1, "two", [3]]'            | '"list ${l}"'                                 | 'list [1, two, [3]]'
        'def m = [a: 1, b: "x"]'             | '"map ${m}"'                                  | 'map [a:1, b:x]'
        'def a = 1'                          | '"${a}" + " and " + "${a + 1}"'               | '1 and 2'
        'def a = 1'                          | '"lazy ${-> a + 1}"'                          | 'lazy 2'
        'def l = [1, 2]'                     | '"${l.collect { "<${it}>" }.join(",")}"'      | '<1>,<2>'
        'def n = 7'                          | '"n=${n}".toUpperCase()'                      | 'N=7'
    }

    def "it is a GString to the playbook: equal to Groovy's, usable as a string"() {
        when:
        def r = new PlaybookLoader().loadText('t.groovy', '''
            def n = 2
            def g = "s-${n}"
            scenario "s" {
                description "${g == 's-2'} ${g instanceof GString} ${g.length()} ${g.startsWith('s-')} ${[(g.toString()): 1]['s-2']}"
                stabilize 1.s
            }
        ''')

        then:
        r.problems().isEmpty()
        r.playbook().scenarios()[0].description() == 'true true 3 true 1'
    }
}
