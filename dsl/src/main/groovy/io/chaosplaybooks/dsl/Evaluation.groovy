package io.chaosplaybooks.dsl

import groovy.transform.PackageScope
import io.chaosplaybooks.dsl.plan.SourcePos

/**
 * The state of one playbook evaluation: problems found so far, the position of the DSL call
 * being evaluated (a stack maintained by calls the compiler inserts around every call), the
 * sources read (for carets), and the include stack.
 */
@PackageScope
@groovy.transform.CompileStatic
class Evaluation {
    final List<Problem> problems = []
    final Map<String, String> sources = [:]
    final Deque<SourcePos> positions = new ArrayDeque<>()
    final List<String> includeStack = []
    final Set<String> included = new HashSet<>()
    final Map<String, Script> scripts = [:]
    /** Scenarios and blocks (by position) whose evaluation reported a problem: "is empty" would only repeat it. */
    final Set<SourcePos> blocksWithProblems = new HashSet<>()
    Binding binding = new Binding()
    SourcePos fallback = SourcePos.UNKNOWN
    /** System.nanoTime() after which evaluation stops (0: no limit), and the limit as the user gave it. */
    long deadline
    long limitNanos
    /** The thread's processor time when evaluation started; -1 when the system does not say. */
    long cpuAtStart = -1
    String limitText = ''
    /** The problems as a set: a playbook that repeats one mistake 100,000 times stays linear. */
    private final Set<Problem> seen = new HashSet<>()

    void push(SourcePos pos) { positions.push(pos) }

    void pop() { if (!positions.isEmpty()) positions.pop() }

    SourcePos here() { positions.isEmpty() ? fallback : positions.peek() }

    void problem(String message) { problem(here(), message) }

    void problem(SourcePos pos, String message) {
        Problem p = new Problem(pos, message)
        if (seen.add(p)) problems << p
    }
}
