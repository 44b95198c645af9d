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

    /**
     * {@code text ==~ regex} without Groovy's operator, which converts through Groovy's string formatting, whose
     * first use in a process scans the class path (about 0.15 s of a validate). Patterns are compiled once.
     */
    static boolean matches(Object text, String regex) {
        text != null && PATTERNS.computeIfAbsent(regex, { String r -> java.util.regex.Pattern.compile(r) }).matcher(String.valueOf(text)).matches()
    }

    private static final Map<String, java.util.regex.Pattern> PATTERNS = new java.util.concurrent.ConcurrentHashMap<>()

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
