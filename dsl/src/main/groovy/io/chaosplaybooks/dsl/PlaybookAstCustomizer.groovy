package io.chaosplaybooks.dsl

import groovy.transform.PackageScope
import org.codehaus.groovy.ast.ClassCodeExpressionTransformer
import org.codehaus.groovy.ast.ClassNode
import org.codehaus.groovy.ast.expr.*
import org.codehaus.groovy.ast.stmt.ExpressionStatement
import org.codehaus.groovy.classgen.GeneratorContext
import org.codehaus.groovy.control.CompilePhase
import org.codehaus.groovy.control.SourceUnit
import org.codehaus.groovy.control.customizers.CompilationCustomizer
import org.codehaus.groovy.syntax.Types

/**
 * The compile-time half of the language:
 * <ol>
 * <li>{@code scenario "name" { }} parses as {@code scenario(this."name"({ }))}: rewritten to
 *     {@code scenario("name", { })} (also for playbook, step, template and any misspelling).</li>
 * <li>In {@code expect a < b}, Groovy would reduce the comparison to a boolean; it becomes
 *     {@code __compare(a, "<", b)} so the expectation keeps its metric and threshold.</li>
 * <li>Every call {@code m(..)} becomes {@code this.__pop(this.__push(line, col) ? m(..) : null)}:
 *     arguments are evaluated after the push and pop their own positions, so inside {@code m}
 *     the top of the stack is where {@code m} was written. Bare words used as statements
 *     ({@code heal}) are wrapped the same way.</li>
 * </ol>
 */
@PackageScope
class PlaybookAstCustomizer extends CompilationCustomizer {
    static final Set<String> COMPARISONS = ['<', '<=', '>', '>=', '=='] as Set

    PlaybookAstCustomizer() { super(CompilePhase.CONVERSION) }

    @Override
    void call(SourceUnit source, GeneratorContext context, ClassNode classNode) {
        if (!classNode.isScript()) return
        def transformer = new Transformer(source)
        classNode.methods.each { transformer.visitMethod(it) }
    }

    private static class Transformer extends ClassCodeExpressionTransformer {
        final SourceUnit sourceUnit

        Transformer(SourceUnit su) { sourceUnit = su }

        @Override
        protected SourceUnit getSourceUnit() { sourceUnit }

        @Override
        void visitExpressionStatement(ExpressionStatement es) {
            def e = es.expression
            if (e instanceof VariableExpression && !e.isThisExpression() && !e.isSuperExpression()) {
                es.expression = track(e, e.lineNumber, e.columnNumber)
                return
            }
            super.visitExpressionStatement(es)
        }

        @Override
        Expression transform(Expression e) {
            if (e == null) return null
            if (e instanceof ClosureExpression) {
                e.code?.visit(this)
                return e
            }
            if (e instanceof MethodCallExpression) {
                def call = rewriteNamedBlock(e)
                if (call.implicitThis && call.methodAsString == 'expect') call = rewriteComparisons(call)
                MethodCallExpression t = (MethodCallExpression) call.transformExpression(this)
                def m = t.method
                int line = m.lineNumber > 0 ? m.lineNumber : t.lineNumber
                int col = m.lineNumber > 0 ? m.columnNumber : t.columnNumber
                if (line <= 0) return t
                return track(t, line, col)
            }
            return e.transformExpression(this)
        }

        private static Expression track(Expression e, int line, int col) {
            def push = new MethodCallExpression(new VariableExpression('this'), '__push',
                new ArgumentListExpression(new ConstantExpression(line), new ConstantExpression(col)))
            push.implicitThis = false
            def tern = new TernaryExpression(new BooleanExpression(push), e, ConstantExpression.NULL)
            def pop = new MethodCallExpression(new VariableExpression('this'), '__pop', new ArgumentListExpression(tern))
            pop.implicitThis = false
            pop.sourcePosition = e
            pop
        }

        /** {@code word(this."name"({..}))} becomes {@code word("name", {..})}. */
        private static MethodCallExpression rewriteNamedBlock(MethodCallExpression outer) {
            if (!outer.implicitThis) return outer
            def args = outer.arguments
            if (!(args instanceof ArgumentListExpression) || args.expressions.size() != 1) return outer
            def inner = args.expressions[0]
            if (!(inner instanceof MethodCallExpression) || !inner.implicitThis) return outer
            def innerArgs = inner.arguments
            if (!(innerArgs instanceof ArgumentListExpression) || innerArgs.expressions.size() != 1
                || !(innerArgs.expressions[0] instanceof ClosureExpression)) return outer
            Expression name
            if (inner.method instanceof ConstantExpression && inner.method.value instanceof String) {
                name = new ConstantExpression(inner.method.value)
            } else if (inner.method instanceof GStringExpression) {
                name = inner.method
            } else {
                return outer
            }
            name.sourcePosition = inner
            def rewritten = new MethodCallExpression(outer.objectExpression, outer.method,
                new ArgumentListExpression(name, innerArgs.expressions[0]))
            rewritten.implicitThis = true
            rewritten.sourcePosition = outer
            rewritten
        }

        private static MethodCallExpression rewriteComparisons(MethodCallExpression call) {
            def args = call.arguments
            if (!(args instanceof ArgumentListExpression)) return call
            def list = args.expressions.collect { Expression a -> comparisonCall(a) }
            def r = new MethodCallExpression(call.objectExpression, call.method, new ArgumentListExpression(list))
            r.implicitThis = call.implicitThis
            r.sourcePosition = call
            r
        }

        private static Expression comparisonCall(Expression a) {
            if (!(a instanceof BinaryExpression)) return a
            String op = a.operation.text
            if (!COMPARISONS.contains(op)) return a
            def cmp = new MethodCallExpression(VariableExpression.THIS_EXPRESSION, '__compare',
                new ArgumentListExpression(a.leftExpression, new ConstantExpression(op), a.rightExpression))
            cmp.implicitThis = true
            cmp.sourcePosition = a
            def name = new ConstantExpression('__compare')
            name.lineNumber = a.operation.startLine
            name.columnNumber = a.operation.startColumn
            cmp.method = name
            cmp
        }
    }
}
