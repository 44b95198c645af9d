package io.chaosplaybooks.dsl

import spock.lang.Requires
import spock.lang.Specification

import java.nio.file.Files
import java.nio.file.Path

/**
 * Evaluating a playbook builds the plan and nothing else: `chaos validate` never opens a socket or
 * starts a thread. Loading the real playbooks is watched from outside (live threads, and on Linux
 * the process's socket descriptors); a playbook that tries to reach out is refused with the position
 * of the attempt.
 *
 * The sandbox itself (an allow list, checked at compile time and at run time) is tested with hostile
 * snippets in SandboxSpec.
 */
class NoSideEffectsSpec extends Specification {
    static final Path PLAYBOOKS = Path.of('').toAbsolutePath().parent.resolve('playbooks')

    static Set<Thread> liveThreads() {
        Thread.getAllStackTraces().keySet().findAll { it.alive } as Set
    }

    static long openSockets() {
        Files.list(Path.of('/proc/self/fd')).withCloseable { fds ->
            fds.filter { fd ->
                try { Files.readSymbolicLink(fd).toString().startsWith('socket:') } catch (IOException ignored) { false }
            }.count()
        }
    }

    static LoadResult loadEverything() {
        def loader = new PlaybookLoader()
        def results = [loader.load(PLAYBOOKS.resolve('all.groovy')), loader.load(PLAYBOOKS.resolve('smoke.groovy')),
                       loader.loadText('t.groovy', 'include "stdlib:all"')]
        assert results.every { it.ok() }
        results[0]
    }

    def "loading the playbooks starts no thread"() {
        given: 'a first load, so that class loading is behind us'
        loadEverything()
        def before = liveThreads()

        when:
        loadEverything()
        def started = liveThreads() - before

        then:
        started.isEmpty()
        Thread.activeCount() <= before.size()
    }

    @Requires({ Files.isDirectory(Path.of('/proc/self/fd')) })
    def "loading the playbooks opens no socket"() {
        given:
        loadEverything()
        long before = openSockets()

        when:
        loadEverything()

        then:
        openSockets() <= before
    }

    def "a playbook that opens a socket is refused where it tries, and nothing connects"() {
        given:
        def server = new ServerSocket(0, 1, InetAddress.loopbackAddress)
        server.soTimeout = 300

        when:
        def result = new PlaybookLoader().loadText('t.groovy', """scenario "x" {
    stabilize 1.s
    def s = new java.net.Socket("127.0.0.1", ${server.localPort})
}""")

        then:
        result.playbook() == null
        result.problems().size() == 1
        result.problems()[0].pos().line() == 3
        result.problems()[0].pos().column() == 13
        result.problems()[0].message().startsWith('not allowed in a playbook: new java.net.Socket')

        when:
        server.accept()

        then:
        thrown(SocketTimeoutException)

        cleanup:
        server?.close()
    }

    def "refused: #what at #line:#column"() {
        when:
        def result = new PlaybookLoader().loadText('t.groovy', snippet)

        then:
        result.problems().size() == 1
        result.problems()[0].pos().line() == line
        result.problems()[0].pos().column() == column
        result.problems()[0].message().startsWith("not allowed in a playbook: ${what}")

        where:
        snippet                                                              || line | column | what
        'new java.net.Socket("localhost", 1)'                                || 1    | 1      | 'new java.net.Socket'
        'new ServerSocket(0)'                                                || 1    | 1      | 'new java.net.ServerSocket'
        'def u = "http://example.com".toURL()'                               || 1    | 30     | "'toURL' on a string"
        'new URL("http://example.com").text'                                 || 1    | 1      | 'new java.net.URL'
        'scenario "x" { stabilize 1.s; new Thread({}).start() }'             || 1    | 31     | 'new java.lang.Thread'
        'Thread.start { }'                                                   || 1    | 1      | 'java.lang.Thread.start'
        'java.util.concurrent.Executors.newSingleThreadExecutor()'           || 1    | 1      | 'java.util.concurrent.Executors.newSingleThreadExecutor'
        'scenario "x" {\n  stabilize 1.s\n  "touch /tmp/x".execute()\n}'     || 3    | 18     | "'execute' on a string"
        'System.exit(1)'                                                     || 1    | 1      | 'java.lang.System.exit'
        'Class.forName("java.net.Socket")'                                   || 1    | 1      | 'java.lang.Class.forName'
        'new File("/tmp/x").text = "y"'                                      || 1    | 1      | 'new java.io.File'
    }

    def "templates, helper methods, Math, String and java.time still work"() {
        when:
        def result = new PlaybookLoader().loadText('t.groovy', '''
def seconds(int n) { Math.max(n, 1) }
template("t") { String name, java.time.Duration d -> scenario(name) { stabilize d; description String.format("%d s", d.seconds) } }
t "a", seconds(3).s
t "b", java.time.Duration.ofSeconds(2)
servers((System.getenv("CHAOS_TEST_NO_SUCH_VARIABLE") ?: "2") as int)
scenario "printing" { stabilize 1.s; println "a playbook may print" }
''')

        then:
        result.problems().isEmpty()
        result.playbook().scenarios()*.name() == ['a', 'b', 'printing']
        result.playbook().scenarios()[0].description() == '3 s'
        result.playbook().serverCount() == 2
    }
}
