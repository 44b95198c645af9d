package io.chaosplaybooks.dsl

import groovy.transform.CompileStatic
import groovy.transform.PackageScope
import org.codehaus.groovy.runtime.GStringUtil

/**
 * A playbook's {@code "text ${value}"}: Groovy's GString (same equality, same text), made by the compiled playbook
 * instead of Groovy's own (SideEffectGuard rewrites the expression). When every value is a string, a number, a
 * boolean, a character or null, the text is built here, exactly as Groovy would write it; other values (lists,
 * maps, closures, the language's values) go to Groovy's formatting. Groovy's formatting scans the class path the
 * first time a process uses it (about 0.15 s), which most playbooks then never pay.
 */
@PackageScope
@CompileStatic
final class PlaybookText extends GString {
    private final String[] strings

    PlaybookText(Object[] values, String[] strings) {
        super(values)
        this.strings = strings
    }

    @Override
    String[] getStrings() { strings }

    @Override
    String toString() {
        Object[] values = getValues()
        if (!simple(values)) {
            StringWriter out = new StringWriter()
            GStringUtil.writeToImpl(out, values, strings)
            return out.toString()
        }
        StringBuilder text = new StringBuilder()
        for (int i = 0; i < strings.length; i++) {
            text.append(strings[i])
            if (i < values.length) text.append(String.valueOf(values[i]))
        }
        text.toString()
    }

    @Override
    Writer writeTo(Writer out) throws IOException {
        Object[] values = getValues()
        if (!simple(values)) return GStringUtil.writeToImpl(out, values, strings)
        out.write(toString())
        out
    }

    /** {@code "a ${x}" + "b"} stays a PlaybookText (Groovy's own would make a GStringImpl). */
    @Override
    GString plus(GString that) {
        GString joined = super.plus(that)
        new PlaybookText(joined.values, joined.strings)
    }

    private static boolean simple(Object[] values) {
        for (Object v : values) {
            if (!(v == null || v instanceof String || v instanceof Number || v instanceof Boolean || v instanceof Character)) return false
        }
        true
    }
}
