package io.chaosplaybooks.dsl

import io.chaosplaybooks.dsl.plan.Step
import spock.lang.Specification
import spock.lang.TempDir

import java.nio.file.Files
import java.nio.file.Path

/** include of files, of the shipped stdlib: and of library roots; its mistakes point at the include line. */
class IncludeSpec extends Specification {
    @TempDir
    Path dir

    Path write(String name, String text) {
        Path p = dir.resolve(name)
        Files.createDirectories(p.parent)
        Files.writeString(p, text)
        p
    }

    LoadResult load(Path file, List<Path> roots = []) {
        new PlaybookLoader(roots).load(file)
    }

    def "a relative include adds the other file's scenarios, in order, with their own file and position"() {
        given:
        write('lib/team-cache.groovy', '// a team library\nscenario "team-1" { stabilize 1.s }\n')
        def main = write('main.groovy', '''playbook "p" {
    scenario "first" { stabilize 1.s }
    include "lib/team-cache.groovy"
    include "lib/team-cache"          // the same file again, without .groovy: nothing new
    scenario "last" { stabilize 1.s }
}''')

        when:
        def r = load(main)

        then:
        r.problems().isEmpty()
        r.playbook().scenarios()*.name() == ['first', 'team-1', 'last']
        def team = r.playbook().scenarios()[1]
        team.pos().file().endsWith('team-cache.groovy')
        team.pos().line() == 2
        team.pos().column() == 1
        r.sources().keySet().any { it.endsWith('team-cache.groovy') }
    }

    def "an include in an included file is relative to that file"() {
        given:
        write('lib/a.groovy', 'include "sub/b.groovy"')
        write('lib/sub/b.groovy', 'scenario "b" { stabilize 1.s }')
        def main = write('main.groovy', 'include "lib/a.groovy"')

        expect:
        load(main).playbook().scenarios()*.name() == ['b']
        load(main).ok()
    }

    def "include stdlib:#name brings #count scenarios"() {
        when:
        def r = new PlaybookLoader().loadText('t.groovy', "include \"stdlib:${name}\"")

        then:
        r.problems().isEmpty()
        r.playbook().scenarios().size() == count
        r.playbook().scenarios()*.pos()*.file().every { it.startsWith('stdlib:') }

        where:
        name            || count
        'packet-loss'   || 6
        'latency'       || 6
        'multi-failure' || 2
        'all'           || 14
    }

    def "library roots from the loader's constructor are searched after the including file's folder"() {
        given:
        Path roots = Files.createDirectories(dir.resolve('roots'))
        Path first = Files.createDirectories(roots.resolve('first'))
        Path second = Files.createDirectories(roots.resolve('second'))
        Files.writeString(second.resolve('shared.groovy'), 'scenario "from-second" { stabilize 1.s }')
        Files.writeString(first.resolve('mine.groovy'), 'scenario "from-first" { stabilize 1.s }')
        Files.writeString(second.resolve('mine.groovy'), 'scenario "shadowed" { stabilize 1.s }')
        def main = write('play/main.groovy', 'include "shared"\ninclude "mine.groovy"')

        when:
        def r = load(main, [first, second])

        then:
        r.problems().isEmpty()
        r.playbook().scenarios()*.name() == ['from-second', 'from-first']
    }

    def "a template defined in an included library is called with the playbook's own values"() {
        given:
        write('lib/loss.groovy', '''
template("lossOn") { String name, int index, rate ->
    scenario(name) { stabilize 1.s; inject packetLoss(rate) on server(index) for 2.s; recover 1.s }
}''')
        def main = write('main.groovy', '''
include "lib/loss"
include "stdlib:packet-loss"
lossOn "loss-on-2", 2, 30.percent
packetLossScenario "packet-loss-30-pct", 0.3
''')

        when:
        def r = load(main)
        def scenarios = r.playbook().scenarios()

        then:
        r.problems().isEmpty()
        scenarios.size() == 8
        scenarios*.name()[6..7] == ['loss-on-2', 'packet-loss-30-pct']
        def inject = (Step.Inject) scenarios[6].steps()[1]
        inject.target().indexes() == [2]
        inject.faults()[0].attributes().rate == 0.3d
        scenarios[-1].name() == 'packet-loss-30-pct'
        scenarios[-1].description() == '30% packet loss on server 1 for 1 min'
        ((Step.Inject) scenarios[-1].steps()[1]).faults()[0].attributes().rate == 0.3d
    }

    def "an include cycle is reported at the include that closes it"() {
        given:
        def a = write('a.groovy', 'scenario "a" { stabilize 1.s }\ninclude "b.groovy"')
        write('b.groovy', '\n\n  include "a.groovy"\nscenario "b" { stabilize 1.s }')

        when:
        def r = load(a)

        then:
        r.problems().size() == 1
        def p = r.problems()[0]
        p.pos().file().endsWith('b.groovy')
        p.pos().line() == 3
        p.pos().column() == 3
        p.message() == 'include cycle: a.groovy -> b.groovy -> a.groovy'
        r.playbook().scenarios()*.name() == ['a', 'b']
    }

    def "a file that includes itself is a cycle"() {
        given:
        def a = write('self.groovy', 'include "self"')

        expect:
        load(a).problems()*.message() == ['include cycle: self.groovy -> self.groovy']
    }

    def "a missing file is reported at the include line with every place looked in"() {
        given:
        Path root = Files.createDirectories(dir.resolve('root'))
        def main = write('main.groovy', 'scenario "a" { stabilize 1.s }\n\ninclude "lib/nope.groovy"')

        when:
        def r = load(main, [root])

        then:
        r.problems().size() == 1
        def p = r.problems()[0]
        p.pos() == new io.chaosplaybooks.dsl.plan.SourcePos(main.toString(), 3, 1)
        p.message().startsWith("cannot find 'lib/nope.groovy'; looked in: ")
        p.message().contains(dir.resolve('lib/nope.groovy').toString())
        p.message().contains(root.resolve('lib/nope.groovy').toString())

        when: 'no library roots: say where they come from'
        r = load(main)

        then:
        r.problems()[0].message().endsWith('(library roots come from --lib DIR and CHAOS_PATH)')
    }

    def "an unknown stdlib name is reported with a did-you-mean and the shipped names"() {
        when:
        def r = new PlaybookLoader().loadText('t.groovy', 'servers 3\n  include "stdlib:packet-los"')

        then:
        r.problems().size() == 1
        r.problems()[0].pos().line() == 2
        r.problems()[0].pos().column() == 3
        r.problems()[0].message() == "no shipped library 'stdlib:packet-los'; did you mean 'packet-loss'?; the shipped libraries are: " +
            'stdlib:packet-loss, stdlib:latency, stdlib:multi-failure, stdlib:all'
    }

    def "a scenario name in two files is reported at the include line"() {
        given:
        write('other.groovy', '\nscenario "same" { stabilize 2.s }')
        def main = write('main.groovy', 'scenario "same" { stabilize 1.s }\ninclude "other"')

        when:
        def r = load(main)

        then:
        r.problems().size() == 1
        def p = r.problems()[0]
        p.pos().file() == main.toString()
        p.pos().line() == 2
        p.pos().column() == 1
        p.message().startsWith("this include brings scenario 'same' (")
        p.message().contains("other.groovy:2:1), which is already defined at ${main}:1:1")
        r.playbook().scenarios().size() == 1
    }

    def "a mistake inside an included file is reported in that file, at its line and column"() {
        given:
        def lib = write('lib/broken.groovy', 'scenario "b" {\n    stabilize 1.s\n    inject packetLoss(1.5) on server(1)\n}')
        def main = write('main.groovy', 'playbook "p" {\n  include "lib/broken"\n}')

        when:
        def r = load(main)

        then:
        r.problems().size() == 1
        def p = r.problems()[0]
        p.pos().file() == lib.toString()
        p.pos().line() == 3
        p.pos().column() == 12
        p.message().contains('packetLoss rate must be between 0 and 1')
        r.formatProblems().readLines()[1] == '      inject packetLoss(1.5) on server(1)'
        r.formatProblems().readLines()[2] == '  ' + ' ' * 11 + '^'
    }

    def "a syntax error inside an included file is reported in that file"() {
        given:
        def lib = write('lib/syntax.groovy', 'scenario "b" { stabilize 1.s\n')
        def main = write('main.groovy', 'include "lib/syntax"\nscenario "a" { stabilize 1.s }')

        when:
        def r = load(main)

        then:
        r.problems().size() == 1
        r.problems()[0].pos().file() == lib.toString()
        r.problems()[0].pos().line() == 1
        r.problems()[0].message().startsWith('syntax error: ')
        r.playbook().scenarios()*.name() == ['a']
    }

    @spock.lang.Requires({ Files.isReadable(Path.of('/etc/passwd')) })
    def "a .groovy link to a file that is not a playbook is not read, and no line of it is quoted"() {
        given:
        Files.createSymbolicLink(dir.resolve('users.groovy'), Path.of('/etc/passwd'))
        def main = write('main.groovy', 'include "users.groovy"\n')
        String firstLine = Files.readAllLines(Path.of('/etc/passwd'))[0]

        when:
        def r = load(main)

        then:
        r.problems().size() == 1
        r.problems()[0].pos().line() == 1
        r.problems()[0].message() == "'users.groovy' is a link to /etc/passwd, which is not a playbook (a .groovy file); it was not read"
        !r.formatProblems().contains(firstLine)
        !r.sources().containsKey('users.groovy')

        when: 'named directly'
        def direct = load(dir.resolve('users.groovy'))

        then:
        direct.problems()*.message() == ["'${dir.resolve('users.groovy')}' is a link to /etc/passwd, which is not a playbook (a .groovy file); it was not read".toString()]
        !direct.formatProblems().contains(firstLine)
    }

    def "a directory, a fifo or a device named by include is reported as what it is, not as missing"() {
        given:
        Files.createDirectories(dir.resolve('folder.groovy'))
        def fifo = dir.resolve('pipe.groovy')
        def mkfifo = new ProcessBuilder('mkfifo', fifo.toString()).start()
        mkfifo.waitFor()
        Files.createSymbolicLink(dir.resolve('null.groovy'), Path.of('/dev/null'))
        def main = write('main.groovy', 'include "folder"\ninclude "pipe"\ninclude "null.groovy"\n')

        when:
        def r = load(main)

        then: 'each at its include, and the fifo is not opened (reading it would wait forever)'
        r.problems()*.pos()*.line() == [1, 2, 3]
        r.problems()[0].message().startsWith("'folder' names a directory")
        r.problems()[1].message().startsWith("'pipe' names a named pipe (fifo)")
        r.problems()[2].message().startsWith("'null.groovy' names a character device")
        r.problems().every { !it.message().contains('cannot find') }
    }
}
