package io.chaosplaybooks.dsl

import spock.lang.AutoCleanup
import spock.lang.Shared
import spock.lang.Specification

import java.nio.file.Files
import java.nio.file.Path
import java.time.Duration

/**
 * Playbooks as hostile input. Each snippet tries to reach outside the plan in another way; each must
 * be refused at the line and column where it tries, and nothing may happen: the marker file is not
 * created, the listening socket accepts no connection, and the test JVM does not exit (if one
 * System.exit got through, the whole run would stop here). MARK and PORT in a snippet are replaced
 * by the marker file's path and the socket's port.
 */
class SandboxSpec extends Specification {
    @Shared
    @AutoCleanup
    ServerSocket listener = new ServerSocket(0, 50, InetAddress.getByName('127.0.0.1'))
    @Shared
    Path dir = Files.createTempDirectory('chaos-sandbox')

    def setupSpec() {
        listener.soTimeout = 50
    }

    def cleanupSpec() {
        dir.toFile().deleteDir()
    }

    static final String REFUSED = 'not allowed in a playbook: '

    def "refused, #what at #line:#column, and nothing happened"() {
        given:
        Path mark = dir.resolve('mark-' + line + '-' + column + '-' + what.hashCode())
        String port = listener.localPort.toString()
        String text = snippet.replace('MARK', mark.toString()).replace('PORT', port)
        // Columns in the table are those of the snippet as written: shift them by what was put in before them.
        String before = snippet.readLines()[line - 1].take(column - 1)
        int shifted = column + before.count('MARK') * (mark.toString().length() - 4) + before.count('PORT') * (port.length() - 4)

        when:
        def result = new PlaybookLoader().loadText('t.groovy', text)

        then: 'refused where it is written, naming what was refused'
        !result.ok()
        def here = result.problems().find { it.pos().line() == line && it.pos().column() == shifted }
        result.problems().collect { "${it.pos().line()}:${it.pos().column()} ${it.message()}" }.any { it.startsWith("${line}:${shifted} ") }
        here.message().startsWith(REFUSED)
        here.message().contains(what)
        result.problems().every { it.message().startsWith(REFUSED) }

        and: 'no file, no connection'
        !Files.exists(mark)
        noConnection()

        where:
        snippet                                                                        || line | column | what
        // evaluate, in every spelling
        'evaluate(\'"touch MARK".execute()\')'                                         || 1    | 1      | "'evaluate'"
        'this.evaluate(\'"touch MARK".execute()\')'                                    || 1    | 6      | "'evaluate'"
        'scenario "x" { stabilize 1.s; evaluate(\'new File("MARK").text = "y"\') }'   || 1    | 31     | "'evaluate'"
        'evaluate(\'new Socket("127.0.0.1", PORT).close()\')'                          || 1    | 1      | "'evaluate'"
        'def n = "eval" + "uate"; this."$n"(\'"touch MARK".execute()\')'               || 1    | 31     | 'a name computed at run time'
        'def n = "eval" + "uate"; "$n"(\'"touch MARK".execute()\')'                    || 1    | 26     | 'a name computed at run time'
        'this.invokeMethod("evaluate", \'"touch MARK".execute()\')'                    || 1    | 6      | "'invokeMethod'"
        'super.evaluate(\'"touch MARK".execute()\')'                                   || 1    | 1      | 'super'
        // execute on strings and lists, however the name or the receiver is made
        '"touch MARK".execute()'                                                       || 1    | 14     | "'execute' on a string"
        '["touch", "MARK"].execute()'                                                  || 1    | 19     | "'execute' on a list"
        '("touch " + "MARK").execute()'                                                || 1    | 21     | "'execute' on a string"
        'def f = "MARK"; "touch ${f}".execute()'                                       || 1    | 30     | "'execute' on a string"
        'def m = "exe" + "cute"; "touch MARK"."$m"()'                                  || 1    | 38     | "'execute' on a string"
        '"touch MARK".invokeMethod("execute", null)'                                   || 1    | 14     | "'invokeMethod'"
        'def c = { it.execute() }; c("touch MARK")'                                    || 1    | 14     | "'execute' on a string"
        '"${-> "touch MARK".execute() }".toString()'                                   || 1    | 20     | "'execute' on a string"
        // closures passed around and rebound
        'def c = { execute() }; c.delegate = "touch MARK"; c()'                        || 1    | 11     | "'execute'"
        'def c = { size() }; c.delegate = "touch MARK"; c()'                           || 1    | 23     | 'changing \'delegate\''
        'def c = { size() }; c.setDelegate("touch MARK"); c()'                         || 1    | 23     | "'setDelegate'"
        'def c = { size() }.rehydrate("touch MARK", null, null); c()'                  || 1    | 20     | "'rehydrate'"
        '"touch MARK".with { size() }'                                                 || 1    | 14     | "'with'"
        '"touch MARK".tap { size() }'                                                  || 1    | 14     | "'tap'"
        // method pointers and references
        'def r = Runtime.&getRuntime; r().exec("touch MARK")'                          || 1    | 9      | 'a method pointer'
        'def m = "touch MARK".&execute; m()'                                           || 1    | 9      | 'a method pointer'
        'def m = System.&exit; m(3)'                                                   || 1    | 9      | 'a method pointer'
        // a class held in a variable, reflection, class loaders
        'def s = System; s.exit(3)'                                                    || 1    | 19     | 'java.lang.System.exit'
        'def s = Math; s.getClass().forName("java.lang.Runtime")'                      || 1    | 17     | 'getClass'
        'Class.forName("java.lang.Runtime")'                                           || 1    | 1      | 'java.lang.Class.forName'
        '"".getClass().forName("java.lang.Runtime")'                                   || 1    | 4      | "'getClass' on a string"
        '"".class.forName("java.lang.Runtime")'                                        || 1    | 4      | "'class' on a string"
        'this.class.classLoader.loadClass("java.lang.Runtime")'                        || 1    | 6      | "'class'"
        'Runtime.runtime.exec("touch MARK")'                                           || 1    | 8      | 'java.lang.Runtime.runtime'
        'System.exit(3)'                                                               || 1    | 1      | 'java.lang.System.exit'
        '[1].each { System.exit(4) }'                                                  || 1    | 12     | 'java.lang.System.exit'
        // metaclasses, bindings, the evaluation's own machinery
        '"x".metaClass.foo = 1'                                                        || 1    | 5      | "'metaClass' on a string"
        'metaClass.invokeMethod = { n, a -> "touch MARK".execute() }'                  || 1    | 1      | "'metaClass'"
        'binding.setVariable("x", 1)'                                                  || 1    | 1      | "'binding'"
        'getBinding().setVariable("x", 1)'                                             || 1    | 1      | "'getBinding'"
        'this.getProperty("binding")'                                                  || 1    | 6      | "'getProperty'"
        'scenario "x" { stabilize 1.s; delegate.evaluation.problems.clear() }'         || 1    | 31     | "'delegate'"
        'scenario "x" { def e = latency(1.ms).evaluation; e.problems.clear() }'        || 1    | 52     | "'problems' on an Evaluation"
        'scenario "x" { latency(1.ms).getMetaClass() }'                                || 1    | 30     | "'getMetaClass'"
        // constructors, casts and typed variables (Groovy casts a list by calling a constructor)
        'new ProcessBuilder("touch", "MARK").start()'                                  || 1    | 1      | 'new java.lang.ProcessBuilder'
        'new File("MARK").text = "y"'                                                  || 1    | 1      | 'new java.io.File'
        'new FileWriter("MARK").close()'                                               || 1    | 1      | 'new java.io.FileWriter'
        'java.nio.file.Files.createFile(java.nio.file.Path.of("MARK"))'                || 1    | 1      | 'java.nio.file.Files.createFile'
        'new Socket("127.0.0.1", PORT)'                                                || 1    | 1      | 'new java.net.Socket'
        'def s = ["127.0.0.1", PORT] as Socket'                                        || 1    | 9      | 'a cast of type java.net.Socket'
        'Socket s = ["127.0.0.1", PORT]'                                               || 1    | 1      | 'a variable of type java.net.Socket'
        'Socket open() { ["127.0.0.1", PORT] }\nopen()'                                || 1    | 1      | 'a result of type java.net.Socket'
        'new URL("http://127.0.0.1:PORT/").text'                                       || 1    | 1      | 'new java.net.URL'
        '"http://127.0.0.1:PORT/".toURL().text'                                        || 1    | 26     | "'toURL' on a string"
        'Eval.me(\'"touch MARK".execute()\')'                                          || 1    | 1      | 'groovy.util.Eval.me'
        'new GroovyShell().evaluate(\'"touch MARK".execute()\')'                       || 1    | 1      | 'new groovy.lang.GroovyShell'
        // threads, sleeping, blocking
        'Thread.start { new File("MARK").text = "y" }'                                 || 1    | 1      | 'java.lang.Thread.start'
        'sleep(100000)'                                                                || 1    | 1      | "'sleep'"
        '1.sleep(100000)'                                                              || 1    | 3      | "'sleep' on a number"
        'synchronized (this) { }'                                                      || 1    | 1      | 'synchronized'
        // classes, imports, annotations (AST transformations run while compiling)
        'class Evil { static { new File("MARK").text = "y" } }\nnew Evil()'            || 1    | 1      | 'declaring a class (Evil)'
        'new Object() { String toString() { "touch MARK".execute(); "x" } }.toString()' || 1   | 1      | 'an anonymous class'
        'import java.net.Socket\nnew Socket("127.0.0.1", PORT)'                        || 1    | 1      | 'import java.net.Socket'
        '@groovy.transform.ASTTest(value = { new File("MARK").text = "y" })\ndef x = 1' || 1   | 1      | 'an annotation (@groovy.transform.ASTTest)'
        '@groovy.transform.ASTTest(value = { System.exit(5) })\ndef x = 1'             || 1    | 1      | 'an annotation (@groovy.transform.ASTTest)'
        '@Grab("org.example:nothing:1.0")\ndef x = 1'                                  || 1    | 1      | 'an annotation (@Grab)'
        'scenario "x" { stabilize 1.s }\n@groovy.transform.ASTTest(value = { System.exit(5) }) def f() { }' || 2 | 1 | 'an annotation'
        // swallowing the refusal
        'try { "touch MARK".execute() } catch (Throwable t) { }'                       || 1    | 32     | 'catching java.lang.Throwable'
        'try { System.exit(3) } catch (Error t) { }'                                   || 1    | 24     | 'catching java.lang.Error'
    }

    private boolean noConnection() {
        try {
            listener.accept().close()
            return false
        } catch (SocketTimeoutException expected) {
            return true
        }
    }

    def "a refusal caught by the playbook is still reported, and evaluation goes on to other mistakes"() {
        when:
        def result = new PlaybookLoader().loadText('t.groovy', '''
scenario "a" { stabilize 1.s; try { "touch x".execute() } catch (e) { } }
scenario "b" { stabilise 1.s }
''')

        then:
        result.problems()*.pos()*.line() == [2, 3]
        result.problems()[0].message().startsWith(REFUSED)
        result.problems()[1].message().contains("unknown word 'stabilise'")
    }

    def "what a playbook may do still works: values, collections, ranges, durations, java.time, Math, maps, closures"() {
        when:
        def result = new PlaybookLoader().loadText('t.groovy', '''
def names = ["a", "b", "c"].collect { it.toUpperCase() }.findAll { it != "B" }
def byName = [A: 1, C: 3]
byName.D = 4
def total = (1..4).sum() + Math.max(2, 3) + "abc".size() + byName.D
def d = java.time.Duration.ofSeconds(total) + 2.s
def day = java.time.LocalDate.of(2026, 12, 2).plusDays(1).dayOfWeek.toString()
def twice = { x -> x * 2 }
def sq = twice.curry(21)
names.eachWithIndex { n, i -> scenario "s-${n}-${i}" { stabilize((i + 1).s); description "${day} ${sq()} ${d.toMillis()}" } }
''')

        then:
        result.problems().isEmpty()
        result.playbook().scenarios()*.name() == ['s-A-0', 's-C-1']
        result.playbook().scenarios()[0].description() == 'THURSDAY 42 22000'
    }

    def "an endless loop, recursion or a long sleep-like loop is stopped at the time limit, where it runs"() {
        given:
        def loader = new PlaybookLoader()
        loader.evalTimeout = Duration.ofMillis(300)

        when:
        def result = loader.loadText('t.groovy', snippet)

        then:
        result.problems().size() == 1
        result.problems()[0].pos().line() == line
        result.problems()[0].pos().column() == column
        result.problems()[0].message().startsWith('evaluation stopped here: it ran longer than 300 ms')

        where:
        snippet                                                                 || line | column
        'while (true) { }'                                                      || 1    | 1
        'scenario "x" {\n  stabilize 1.s\n  for (;;) { }\n}'                    || 3    | 3
        'def f(n) { n <= 0 ? 0 : f(n - 1) + f(n - 2) }\nf(60)'                 || 1    | 1
        'int i = 0\ndo { i++ } while (true)'                                    || 2    | 1
        '(1..Integer.MAX_VALUE).each { it * 2 }'                                || 1    | 29
        'try { while (true) { } } catch (e) { }\nwhile (true) { }'              || 1    | 7
    }
}
