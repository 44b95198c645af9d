package io.chaosplaybooks.dsl

import groovy.transform.PackageScope

/** Messages about words: "did you mean" (the rule is {@link Vocabulary#didYouMean}), and how a value reads in an error. */
@PackageScope
@groovy.transform.CompileStatic
final class Words {
    private Words() {}

    static String didYouMean(String word, Collection<String> known) {
        Vocabulary.didYouMean(word, known)
    }

    /** {@code 30 (a number)}, {@code "x" (a string)}: how a wrong argument is named back. */
    static String show(Object v) {
        if (v == null) return 'nothing'
        if (v instanceof CharSequence) return "\"${v}\" (a string)"
        if (v instanceof java.time.Duration) return "${io.chaosplaybooks.dsl.plan.Units.format(v)} (a duration)"
        if (v instanceof Number) return "${v} (a number)"
        if (v instanceof Closure) return 'a { } block'
        if (v instanceof Map) return "${v} (named arguments)"
        if (v instanceof Describable) return "${v.describe()}"
        "${v} (${v.getClass().simpleName})"
    }

    static String showArgs(Object args) {
        Object[] a = args instanceof Object[] ? (Object[]) args : [args] as Object[]
        a.length == 0 ? 'no arguments' : a.collect { show(it) }.join(', ')
    }
}

/** A DSL value that can say how it was written. */
@PackageScope
interface Describable {
    String describe()
}
