package io.chaosplaybooks.dsl

import groovy.transform.PackageScope

/** Messages about words: "did you mean", and how a value reads in an error. */
@PackageScope
@groovy.transform.CompileStatic
final class Words {
    private Words() {}

    static String didYouMean(String word, Collection<String> known) {
        String best = null
        int bestDistance = Integer.MAX_VALUE
        for (String k : known) {
            int d = distance(word.toLowerCase(), k.toLowerCase())
            if (d < bestDistance) { best = k; bestDistance = d }
        }
        int allowed = Math.max(2, word.length().intdiv(3))
        if (best != null && (bestDistance <= allowed || best.toLowerCase().startsWith(word.toLowerCase())
            || word.toLowerCase().startsWith(best.toLowerCase()))) {
            return "; did you mean '${best}'?"
        }
        ''
    }

    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1]
        int[] cur = new int[b.length() + 1]
        for (int j = 0; j <= b.length(); j++) prev[j] = j
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost)
            }
            int[] t = prev; prev = cur; cur = t
        }
        prev[b.length()]
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
