package io.chaosplaybooks.dsl

import spock.lang.Specification

/**
 * Servers that face the user's application: where a proxy listens, which Toxiproxy holds it, an existing proxy,
 * and {@code load none}; each mistake at its file:line:col.
 */
class TargetsSpec extends Specification {
    static final String S = 'scenario "s" { stabilize 1.s; inject latency(100.ms) on server(1) for 1.s; recover 1.s }\n'

    static LoadResult load(String text) {
        new PlaybookLoader().loadText('t.groovy', text)
    }

    def "listen, toxiproxy and proxy reach the plan"() {
        when:
        def r = load('''\
server "cache-a", "10.0.0.5:11211", listen: "0.0.0.0:21211", toxiproxy: "http://10.0.0.5:8474/"
server "cache-b", proxy: "memcached_b", toxiproxy: "http://10.0.0.6:8474"
server "cache-c", "127.0.0.1:11211"
load none
''' + S)

        then:
        r.formatProblems() == ''
        def servers = r.playbook().servers()
        servers*.listen() == ['0.0.0.0:21211', null, null]
        servers*.toxiproxy() == ['http://10.0.0.5:8474', 'http://10.0.0.6:8474', null]
        servers*.proxy() == [null, 'memcached_b', null]
        servers*.address() == ['10.0.0.5:11211', null, '127.0.0.1:11211']
        servers*.userFacing() == [true, true, false]
        !r.playbook().builtInLoad()
        r.playbook().loadPos().line() == 4
    }

    def "the built-in load runs unless told or unless every server faces the application: #what"() {
        expect:
        load(text + S).playbook().builtInLoad() == runs

        where:
        what                                  | text                                                                                          || runs
        'plain servers'                       | 'server "a", "127.0.0.1:11211"\n'                                                             || true
        'no servers line'                     | ''                                                                                            || true
        'load none'                           | 'servers 2\nload none\n'                                                                      || false
        'all user-facing, no load block'      | 'server "a", "127.0.0.1:11211", listen: "127.0.0.1:21211"\nserver "b", proxy: "p", toxiproxy: "http://h:8474"\n' || false
        'all user-facing, a load block'       | 'server "a", "127.0.0.1:11211", listen: "127.0.0.1:21211"\nload { clients 5 }\n'             || true
        'one not user-facing'                 | 'server "a", "127.0.0.1:11211", listen: "127.0.0.1:21211"\nserver "b", "127.0.0.1:11212"\n'  || true
    }

    def "#what: reported at #line:#column"() {
        when:
        def r = load(text)

        then:
        r.problems().size() == 1
        def p = r.problems()[0]
        [p.pos().line(), p.pos().column()] == [line, column]
        p.message().contains(fragment)
        r.formatProblems().startsWith("t.groovy:${line}:${column}: ")

        where:
        what                          | text                                                                                                  || line | column | fragment
        'bad listen'                  | 'server "a", "127.0.0.1:11211", listen: "21211"\n' + S                                                || 1    | 1      | 'listen: is host:port on the proxy\'s host, such as 0.0.0.0:21211, got "21211"'
        'listen port out of range'    | 'server "a", "127.0.0.1:11211", listen: "0.0.0.0:70000"\n' + S                                        || 1    | 1      | 'listen: port must be between 1 and 65535'
        'listen port zero'            | 'server "a", "127.0.0.1:11211", listen: "0.0.0.0:0"\n' + S                                            || 1    | 1      | 'a fixed port your application connects to'
        'bad address'                 | 'server "a", "localhost", listen: "0.0.0.0:1"\n' + S                                                  || 1    | 1      | 'a server address is host:port'
        'same listen twice'           | 'server "a", "127.0.0.1:1", listen: "0.0.0.0:21211"\nserver "b", "127.0.0.1:2", listen: "0.0.0.0:21211"\n' + S || 2 | 1 | "server 'b' listens on 0.0.0.0:21211, as server 'a' (t.groovy:1:1) does on 0.0.0.0:21211"
        'wildcard and address, same port' | 'server "a", "127.0.0.1:1", listen: "10.0.0.5:21211"\nserver "b", "127.0.0.1:2", listen: "0.0.0.0:21211"\n' + S || 2 | 1 | 'give each proxy its own port'
        'existing proxy twice'        | 'server "a", proxy: "p", toxiproxy: "http://h:8474"\nserver "b", proxy: "p", toxiproxy: "http://h:8474"\n' + S || 2 | 1 | "server 'b' uses proxy 'p', as server 'a'"
        'unknown option'              | 'server "a", "127.0.0.1:1", lisen: "0.0.0.0:1"\n' + S                                                 || 1    | 1      | "a server has no option 'lisen'; did you mean 'listen'?"
        'option not a string'         | 'server "a", "127.0.0.1:1", listen: 21211\n' + S                                                      || 1    | 1      | 'listen: takes a string, got 21211 (a number)'
        'bad toxiproxy URL'           | 'server "a", "127.0.0.1:1", toxiproxy: "10.0.0.5:8474"\n' + S                                         || 1    | 1      | 'toxiproxy: is the URL of a Toxiproxy API'
        'toxiproxy URL with a path'   | 'server "a", "127.0.0.1:1", toxiproxy: "http://h:8474/api"\n' + S                                     || 1    | 1      | 'toxiproxy: is the URL of a Toxiproxy API'
        'toxiproxy without address'   | 'server "a", toxiproxy: "http://h:8474"\n' + S                                                        || 1    | 1      | 'needs its address as that Toxiproxy\'s host reaches it'
        'proxy with an address'       | 'server "a", "127.0.0.1:1", proxy: "p"\n' + S                                                         || 1    | 1      | 'takes no address'
        'proxy with a listen'         | 'server "a", proxy: "p", listen: "0.0.0.0:1"\n' + S                                                   || 1    | 1      | 'takes no listen'
        'bad proxy name'              | 'server "a", proxy: "my proxy"\n' + S                                                                 || 1    | 1      | 'proxy: is the name of an existing proxy'
        'load twice'                  | 'load none\nload { clients 2 }\n' + S                                                                 || 2    | 1      | 'load given twice'
        'metric without load'         | 'load none\nscenario "s" { stabilize 1.s; recover 1.s\n  expect errorRate < 1.percent during stabilize }' || 3 | 20 | 'judges the built-in load\'s figures, but this playbook runs no built-in load (load none at t.groovy:1:1)'
        'breaker without load'        | 'server "a", proxy: "p", toxiproxy: "http://h:8474"\nscenario "s" { inject down() on server(1) for 1.s; recover 1.s\n  expect breaker(server(1)).opened }' || 3 | 3 | 'its servers all face your application'
        'recoveredWithin without load'| 'load none\nscenario "s" { stabilize 1.s; recover 1.s\n  expect recoveredWithin(1.s) }'                || 3    | 10     | 'expect recoveredWithin(1 s) judges the built-in load'
    }

    def "validating a fleet playbook opens no socket: the Toxiproxy URLs are only read"() {
        expect:
        load('server "a", "10.255.255.1:11211", toxiproxy: "http://10.255.255.1:8474", listen: "0.0.0.0:21211"\n' + S).ok()
    }
}
