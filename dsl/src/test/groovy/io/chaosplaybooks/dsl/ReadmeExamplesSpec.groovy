package io.chaosplaybooks.dsl

import spock.lang.Specification

import java.nio.file.Files
import java.nio.file.Path

/** Every ```groovy block of the README is a playbook that validates. */
class ReadmeExamplesSpec extends Specification {
    static final Path README = Path.of('..', 'README.md')

    static List<String> groovyBlocks() {
        def blocks = []
        def m = Files.readString(README) =~ /(?s)```groovy\n(.*?)```/
        m.each { blocks << it[1] }
        blocks
    }

    def "the README has playbook examples"() {
        expect:
        groovyBlocks().size() >= 4
    }

    def "README example #index validates"() {
        when:
        def r = new PlaybookLoader().loadText("README.md#${index}", block, README.toAbsolutePath().parent)

        then:
        r.formatProblems() == ''
        r.ok()
        !r.playbook().scenarios().isEmpty()

        where:
        [index, block] << groovyBlocks().withIndex().collect { b, i -> [i + 1, b] }
    }

    def "the card line in the README is the one the design promises"() {
        expect:
        groovyBlocks()[0].trim() == 'scenario "packet-loss-10" { stabilize 30.s; inject packetLoss(0.1) on server(1) for 1.min; recover 60.s }'
    }
}
