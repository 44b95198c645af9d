package io.chaosplaybooks.dsl

import groovy.transform.CompileStatic
import io.chaosplaybooks.dsl.plan.SourcePos
import org.codehaus.groovy.runtime.InvokerHelper
import org.codehaus.groovy.runtime.ScriptBytecodeAdapter

import java.nio.file.Files
import java.nio.file.Path

/**
 * The run-time half of the sandbox. The compiler ({@link SideEffectGuard}) routes every call and
 * property access whose receiver is not known when compiling ({@code x.m(..)}, {@code x.p},
 * {@code x.p = v}) through here, and puts a {@link #tick} at the head of every loop, block and method:
 * <pre>
 *   x.m(a, b)   ─►  CheckedCalls.call(this, x, "m", safe, spread, [a, b], line, col)
 *                   └─ ValueOperations.refusal(x, "m") ─► refused: problem at line:col, stop this block
 *                                                      └─ allowed: InvokerHelper.invokeMethod(x, "m", a, b)
 * </pre>
 * The name is checked after it is computed, so {@code x."$name"()} is checked like any other call.
 */
@CompileStatic
final class CheckedCalls {
    private CheckedCalls() {}

    /** The evaluation running on this thread: set by the loader around a playbook's run. */
    static final ThreadLocal<Evaluation> CURRENT = new ThreadLocal<>()

    static Object call(Object self, Object receiver, Object name, boolean safe, boolean spread, List args, int line, int col) {
        String n = String.valueOf(name)
        if (spread) {
            if (receiver == null) return null
            return ((Iterable) receiver).collect { call(self, it, n, true, false, args, line, col) }
        }
        if (receiver == null && safe) return null
        check(self, receiver, n, line, col)
        try {
            InvokerHelper.invokeMethod(receiver, n, args.toArray())
        } catch (GroovyRuntimeException e) {
            throw ScriptBytecodeAdapter.unwrap(e) // as a dynamic call site would: the playbook sees the cause
        }
    }

    static Object property(Object self, Object receiver, Object name, boolean safe, boolean spread, int line, int col) {
        String n = String.valueOf(name)
        if (spread) {
            if (receiver == null) return null
            return ((Iterable) receiver).collect { property(self, it, n, true, false, line, col) }
        }
        if (receiver == null && safe) return null
        check(self, receiver, n, line, col)
        try {
            InvokerHelper.getProperty(receiver, n)
        } catch (GroovyRuntimeException e) {
            throw ScriptBytecodeAdapter.unwrap(e)
        }
    }

    /** {@code __push} wrapped around every call (PlaybookAstCustomizer): where the call was written. */
    static boolean push(Object self, int line, int col) {
        if (self instanceof PlaybookScript) ((PlaybookScript) self).__push(line, col)
        true
    }

    /** {@code __pop}: the call's value, after its position is taken off the stack. */
    static Object pop(Object self, Object value) {
        self instanceof PlaybookScript ? ((PlaybookScript) self).__pop(value) : value
    }

    /** A playbook's {@code "...${v}..."} (see {@link PlaybookText}). */
    static GString text(Object[] values, String[] strings) {
        new PlaybookText(values, strings)
    }

    static Object setProperty(Object self, Object receiver, Object name, Object value, int line, int col) {
        String n = String.valueOf(name)
        if (!(receiver instanceof Map)) {
            refuse(self, line, col, "changing '${n}' on ${receiver == null ? 'nothing' : ValueOperations.describe(receiver.getClass())}")
        }
        ((Map) receiver).put(n, value)
        value
    }

    /**
     * At the head of every loop body, block and method: stops an evaluation that ran out of time. The
     * limit is processor time of the evaluating thread (a busy machine must not fail a good playbook);
     * the cheap wall-clock deadline says when to look at it.
     */
    static void tick(Object self, int line, int col) {
        Evaluation e = CURRENT.get()
        if (e == null || e.deadline == 0L || System.nanoTime() - e.deadline < 0) return
        long used = e.cpuAtStart < 0 ? -1L : threadCpuNanos() - e.cpuAtStart
        if (used >= 0 && used < e.limitNanos) {
            e.deadline = System.nanoTime() + (e.limitNanos - used)
            return
        }
        SourcePos at = new SourcePos(sourceOf(self, e), line, col)
        e.problem(at, "evaluation stopped here: it ran longer than ${e.limitText} (the limit; raise it with --eval-timeout)")
        throw new EvaluationStopped(at)
    }

    private static final Path SCHEDSTAT = Path.of('/proc/thread-self/schedstat')

    /** Processor time of the current thread from the kernel's counter (cheap to read); -1 where there is none. */
    static long threadCpuNanos() {
        try {
            String s = Files.readString(SCHEDSTAT)
            return Long.parseLong(s.substring(0, s.indexOf(' ')))
        } catch (IOException | RuntimeException ignored) {
            return -1L
        }
    }

    private static void check(Object self, Object receiver, String name, int line, int col) {
        String refused = ValueOperations.refusal(receiver, name)
        if (refused != null) refuse(self, line, col, refused)
    }

    private static void refuse(Object self, int line, int col, String what) {
        Evaluation e = CURRENT.get()
        SourcePos at = new SourcePos(e == null ? '?' : sourceOf(self, e), line, col)
        e?.problem(at, SideEffectGuard.refusedMessage(what))
        throw new PlaybookRefused(at)
    }

    private static String sourceOf(Object self, Evaluation e) {
        self instanceof PlaybookScript ? ((PlaybookScript) self).sourceName : e.here().file()
    }

    /**
     * Thrown after the problem is recorded; an Error, so that a playbook's {@code catch (e)} (which
     * catches Exception, and the sandbox refuses wider catches) cannot swallow it.
     */
    static class PlaybookRefused extends Error {
        final SourcePos pos

        PlaybookRefused(SourcePos pos) {
            super('refused at ' + pos, null, false, false)
            this.pos = pos
        }
    }

    /** The time limit ran out: the whole evaluation stops, not only the block it happened in. */
    static class EvaluationStopped extends PlaybookRefused {
        EvaluationStopped(SourcePos pos) { super(pos) }
    }
}
