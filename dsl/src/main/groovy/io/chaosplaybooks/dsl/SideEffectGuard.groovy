package io.chaosplaybooks.dsl

import groovy.transform.PackageScope
import org.codehaus.groovy.ast.ASTNode
import org.codehaus.groovy.ast.ClassCodeVisitorSupport
import org.codehaus.groovy.ast.ClassNode
import org.codehaus.groovy.ast.expr.ClassExpression
import org.codehaus.groovy.ast.expr.ClosureExpression
import org.codehaus.groovy.ast.expr.ConstructorCallExpression
import org.codehaus.groovy.ast.expr.MethodCallExpression
import org.codehaus.groovy.ast.expr.PropertyExpression
import org.codehaus.groovy.ast.expr.StaticMethodCallExpression
import org.codehaus.groovy.classgen.GeneratorContext
import org.codehaus.groovy.control.CompilePhase
import org.codehaus.groovy.control.SourceUnit
import org.codehaus.groovy.control.customizers.CompilationCustomizer
import org.codehaus.groovy.syntax.SyntaxException

/**
 * Evaluating a playbook builds a plan and nothing else. This rejects, at compile time and at the
 * line and column written, the obvious ways a playbook could reach outside: sockets and URLs,
 * threads and executors, processes, reflection, System.exit. It is a guard against mistakes and
 * surprises in {@code chaos validate}, not a sandbox: Groovy's dynamic dispatch can still get
 * around a list of names (e.g. through a helper object's methods).
 */
@PackageScope
class SideEffectGuard extends CompilationCustomizer {
    /** Types (exact, or a package when ending in '.') whose construction, static calls or class literals are refused. */
    static final List<String> FORBIDDEN_TYPES = [
        'java.net.', 'java.nio.channels.', 'java.nio.file.Files', 'java.io.File', 'java.io.FileOutputStream',
        'java.io.FileWriter', 'java.io.RandomAccessFile', 'java.lang.Thread', 'java.lang.ThreadGroup',
        'java.lang.ProcessBuilder', 'java.lang.Runtime', 'java.lang.Class', 'java.lang.ClassLoader',
        'java.lang.reflect.', 'java.lang.invoke.', 'java.util.concurrent.', 'java.util.Timer', 'javax.net.', 'java.rmi.',
        'groovy.lang.GroovyShell', 'groovy.lang.GroovyClassLoader', 'groovy.util.Eval', 'groovy.lang.Script']
    /** Static methods refused on a type that is otherwise fine: System.getenv may parameterise a playbook. */
    static final Set<String> FORBIDDEN_STATIC = ['java.lang.System.exit', 'java.lang.System.setProperty', 'java.lang.System.load',
        'java.lang.System.loadLibrary', 'java.lang.System.setOut', 'java.lang.System.setErr', 'java.lang.System.setIn'] as Set
    /** GDK methods that reach outside whatever their receiver: "ls".execute(), "http://x".toURL(). */
    static final Set<String> FORBIDDEN_METHODS = ['execute', 'toURL', 'toURI', 'getClass', 'forName', 'getClassLoader', 'newInstance'] as Set

    SideEffectGuard() { super(CompilePhase.CANONICALIZATION) }

    @Override
    void call(SourceUnit source, GeneratorContext context, ClassNode classNode) {
        def visitor = new Visitor(source)
        visitor.visitClass(classNode)
    }

    static boolean forbidden(ClassNode type) {
        String name = type.name
        FORBIDDEN_TYPES.any { it.endsWith('.') ? name.startsWith(it) : name == it || name.startsWith(it + '$') }
    }

    /** A mistake reported as a compile error that is not a syntax error. */
    static class SideEffectException extends SyntaxException {
        SideEffectException(String message, ASTNode node) {
            super(message, node.lineNumber, node.columnNumber, node.lastLineNumber, node.lastColumnNumber)
        }
    }

    private static class Visitor extends ClassCodeVisitorSupport {
        final SourceUnit sourceUnit

        Visitor(SourceUnit su) { sourceUnit = su }

        @Override
        protected SourceUnit getSourceUnit() { sourceUnit }

        private void refuse(ASTNode node, String what) {
            sourceUnit.errorCollector.addErrorAndContinue(new SideEffectException(
                "a playbook builds a plan and nothing else; ${what} is not allowed here", node), sourceUnit)
        }

        @Override
        void visitConstructorCallExpression(ConstructorCallExpression call) {
            if (forbidden(call.type)) refuse(call, "new ${call.type.name}")
            super.visitConstructorCallExpression(call)
        }

        @Override
        void visitStaticMethodCallExpression(StaticMethodCallExpression call) {
            if (forbidden(call.ownerType) || FORBIDDEN_STATIC.contains(call.ownerType.name + '.' + call.method)) refuse(call, "${call.ownerType.name}.${call.method}")
            super.visitStaticMethodCallExpression(call)
        }

        @Override
        void visitMethodCallExpression(MethodCallExpression call) {
            if (call.objectExpression instanceof ClassExpression && (forbidden(call.objectExpression.type)
                || FORBIDDEN_STATIC.contains(call.objectExpression.type.name + '.' + call.methodAsString))) {
                refuse(call, "${call.objectExpression.type.name}.${call.methodAsString}")
                call.arguments.visit(this) // not the receiver: one report per call
                return
            } else if (!call.implicitThis && FORBIDDEN_METHODS.contains(call.methodAsString)) {
                refuse(call.method, ".${call.methodAsString}()")
            }
            super.visitMethodCallExpression(call)
        }

        @Override
        void visitPropertyExpression(PropertyExpression e) {
            if (e.objectExpression instanceof ClassExpression && forbidden(e.objectExpression.type)) {
                refuse(e, "${e.objectExpression.type.name}.${e.propertyAsString}")
                return
            } else if (e.propertyAsString in ['class', 'classLoader']) {
                refuse(e.property, ".${e.propertyAsString}")
            }
            super.visitPropertyExpression(e)
        }

        @Override
        void visitClosureExpression(ClosureExpression e) {
            e.code?.visit(this)
        }
    }
}
