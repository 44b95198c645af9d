package io.chaosplaybooks.dsl

import io.chaosplaybooks.dsl.plan.SourcePos

/**
 * Base class of every compiled playbook. Top-level DSL words go to the {@link PlaybookContext};
 * {@code __push}/{@code __pop} are the calls the compiler wraps around every call so that a DSL
 * word knows the line and column it was written at.
 */
abstract class PlaybookScript extends Script {
    Evaluation evaluation
    String sourceName
    PlaybookContext context

    boolean __push(int line, int column) {
        evaluation.push(new SourcePos(sourceName, line, column))
        true
    }

    Object __pop(Object value) {
        evaluation.pop()
        value
    }

    /** {@code wait} outside a block of steps (see PlaybookAstCustomizer): the playbook context says where it belongs. */
    Object __wait(Object... args) {
        context.invokeMethod('wait', args)
    }

    def methodMissing(String name, Object args) {
        context.invokeMethod(name, args)
    }

    def propertyMissing(String name) {
        // Script.println asks for `out` and falls back to System.out when there is none: not a DSL word.
        if (name == 'out') throw new MissingPropertyException(name, getClass())
        context.getProperty(name)
    }
}
