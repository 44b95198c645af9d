package io.chaosplaybooks.dsl

import io.chaosplaybooks.dsl.plan.FaultType
import spock.lang.Specification

import java.lang.reflect.Modifier

import static io.chaosplaybooks.dsl.Vocabulary.Block.*

/** The language's words live in one table: a context that grows a word the table lacks fails here. */
class VocabularySpec extends Specification {
    /** Public methods of contexts that are machinery, not words a playbook writes. */
    static final Set<String> MACHINERY = ['methodMissing', 'propertyMissing', 'build', 'buildSteps', 'runBlock',
                                          'tryTemplateOrHelper', 'explain', '__wait', '__compare'] as Set

    def "every word #context.simpleName understands is in the table under #blocks"() {
        expect:
        wordsOf(context) - blocks.collectMany { Vocabulary.words(it) } == [] as Set

        where:
        context         | blocks
        PlaybookContext | [PLAYBOOK]
        LoadContext     | [LOAD]
        StepsContext    | [STEPS]
        ScenarioContext | [SCENARIO, STEPS]   // `during stabilize` reads the phase words as values
    }

    def "the table is not a list of strings only: each context's words are found, faults included"() {
        expect:
        wordsOf(StepsContext).containsAll(['stabilize', 'inject', 'heal', 'latency', 'allServers'])
        wordsOf(LoadContext) == Vocabulary.words(LOAD) as Set
        FaultType.values()*.word().every { it in Vocabulary.words(STEPS) }
        Vocabulary.ALL.every { it.what() && (it.usage() || it.example() || it.word() in ['on', 'for']) }
    }

    def "did you mean uses one rule"() {
        expect:
        Vocabulary.didYouMean('recovr', Vocabulary.words(STEPS)) == "; did you mean 'recover'?"
        Vocabulary.didYouMean('zzzzzz', Vocabulary.words(STEPS)) == ''
        Words.didYouMean('clinets', Vocabulary.words(LOAD)) == "; did you mean 'clients'?"
    }

    /** The DSL words a context class declares: its public instance methods, getters read as properties. */
    static Set<String> wordsOf(Class c) {
        Set<String> fields = c.declaredFields*.name as Set
        Set<String> words = []
        for (def m : c.declaredMethods) {
            if (!Modifier.isPublic(m.modifiers) || Modifier.isStatic(m.modifiers) || m.synthetic) continue
            String n = m.name
            def accessor = n =~ /^(get|set|is)([A-Z].*)$/
            if (accessor) {
                String property = accessor[0][2].with { it.length() > 1 && Character.isUpperCase(it[1] as char) ? it : it[0].toLowerCase() + it.substring(1) }
                if (property in fields || property == 'metaClass' || property == 'property') continue
                if (accessor[0][1] == 'get' && m.parameterCount == 0) { words << property; continue }
            }
            if (n in MACHINERY || n == 'invokeMethod') continue
            words << n
        }
        words
    }
}
