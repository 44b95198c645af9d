package io.chaosplaybooks.dsl

import spock.lang.Specification

import java.nio.file.Files
import java.nio.file.Path

/** Every ```groovy block of docs/probes.md is a playbook that validates, with the probes, gates and aborts it shows. */
class ProbesDocSpec extends Specification {
    static final Path PAGE = Path.of('..', 'docs', 'probes.md')

    static List<String> groovyBlocks() {
        def blocks = []
        (Files.readString(PAGE) =~ /(?s)```groovy\n(.*?)```/).each { blocks << it[1] }
        blocks
    }

    def "docs/probes.md example #index validates and has probes, gates and aborts"() {
        when:
        def r = new PlaybookLoader().loadText("probes.md#${index}", block, PAGE.toAbsolutePath().parent)

        then:
        r.formatProblems() == ''
        def s = r.playbook().scenarios()[0]
        !s.probeReaders().isEmpty()
        !s.gates().isEmpty()
        !s.aborts().isEmpty()

        where:
        [index, block] << groovyBlocks().withIndex().collect { b, i -> [i + 1, b] }
    }
}
