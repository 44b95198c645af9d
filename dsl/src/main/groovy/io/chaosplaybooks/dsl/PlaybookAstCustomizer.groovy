package io.chaosplaybooks.dsl

import groovy.transform.PackageScope
import org.codehaus.groovy.ast.ClassCodeExpressionTransformer
import org.codehaus.groovy.ast.ClassNode
import org.codehaus.groovy.ast.CodeVisitorSupport
import org.codehaus.groovy.ast.stmt.ForStatement
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
 * <li>{@code stabilize -5.s} parses as the subtraction {@code stabilize - 5.s}; as a statement whose left side
 *     is a word of the language it becomes {@code stabilize(-5.s)}, so the negative value reaches the word
 *     that checks it (otherwise {@code clients -5} would subtract from a field and be lost).</li>
 * <li>{@code wait(..)} becomes {@code __wait(..)}, which the contexts turn back into their {@code wait}.</li>
 * <li>Every call {@code m(..)} becomes {@code this.__pop(this.__push(line, col) ? m(..) : null)}:
 *     arguments are evaluated after the push and pop their own positions, so inside {@code m}
 *     the top of the stack is where {@code m} was written. Bare words used as statements
 *     ({@code heal}) are wrapped the same way.</li>
 * </ol>
 */
@PackageScope
class PlaybookAstCustomizer extends CompilationCustomizer {
    static final Set<String> COMPARISONS = ['<', '<=', '>', '>=', '=='] as Set
    /** Words whose argument is a comparison kept as an expectation: {@code expect a < b}, {@code require ...}, {@code abortWhen ...}. */
    static final Set<String> CONDITION_WORDS = ['expect', 'require', 'abortWhen'] as Set
    /** Words that take one value, where {@code word -x} means a negative argument, not a subtraction. */
    static final Set<String> VALUE_WORDS = (PlaybookContext.WORDS + StepsContext.WORDS + LoadContext.WORDS
        + ScenarioContext.SCENARIO_WORDS) as Set

    PlaybookAstCustomizer() { super(CompilePhase.CONVERSION) }

    @Override
    void call(SourceUnit source, GeneratorContext context, ClassNode classNode) {
        if (!classNode.isScript()) return
        def declared = new DeclaredNames()
        classNode.methods.each { m ->
            m.parameters.each { declared.names << it.name }
            m.code?.visit(declared)
        }
        def transformer = new Transformer(source, declared.names, classNode.methods*.name as Set<String>)
        classNode.methods.each { transformer.visitMethod(it) }
    }

    /** Every parameter, local and loop variable the script declares: `keys - 1` on one of them is a subtraction. */
    private static class DeclaredNames extends CodeVisitorSupport {
        final Set<String> names = []

        @Override
        void visitClosureExpression(ClosureExpression e) {
            e.parameters?.each { names << it.name }
            super.visitClosureExpression(e)
        }

        @Override
        void visitDeclarationExpression(DeclarationExpression e) {
            if (e.multipleAssignmentDeclaration) e.tupleExpression.expressions.each { names << ((VariableExpression) it).name }
            else names << e.variableExpression.name
            super.visitDeclarationExpression(e)
        }

        @Override
        void visitForLoop(ForStatement loop) {
            if (loop.variable != null) names << loop.variable.name
            super.visitForLoop(loop)
        }
    }

    private static class Transformer extends ClassCodeExpressionTransformer {
        final SourceUnit sourceUnit
        final Set<String> declared

        final Set<String> scriptMethods

        Transformer(SourceUnit su, Set<String> declared, Set<String> scriptMethods) {
            sourceUnit = su
            this.declared = declared
            this.scriptMethods = scriptMethods
        }

        /**
         * {@code expct a < b}, {@code abortWhn x > y}: a word a typo away from expect, require or abortWhen keeps
         * its comparison too, so the mistake is reported as the unknown word it is (with "did you mean"), not as
         * Groovy failing to compare a metric with a number.
         */
        private boolean misspeltCondition(String name) {
            name != null && !Vocabulary.all().contains(name) && !scriptMethods.contains(name) && !declared.contains(name) &&
                !Vocabulary.didYouMean(name, CONDITION_WORDS).isEmpty()
        }

        @Override
        protected SourceUnit getSourceUnit() { sourceUnit }

        @Override
        void visitExpressionStatement(ExpressionStatement es) {
            def e = es.expression
            if (isNegativeArgument(e)) {
                BinaryExpression b = (BinaryExpression) e
                def word = (VariableExpression) b.leftExpression
                def negative = new UnaryMinusExpression(b.rightExpression)
                negative.sourcePosition = b.rightExpression
                def call = new MethodCallExpression(VariableExpression.THIS_EXPRESSION, word.name, new ArgumentListExpression(negative))
                call.implicitThis = true
                call.sourcePosition = b
                call.method.sourcePosition = word
                es.expression = transform(call)
                return
            }
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
                if (call.implicitThis && call.methodAsString == 'wait') call = renamed(call, '__wait')
                if (call.implicitThis && (call.methodAsString in CONDITION_WORDS || misspeltCondition(call.methodAsString))) {
                    call = rewriteComparisons(call)
                }
                MethodCallExpression t = (MethodCallExpression) call.transformExpression(this)
                def m = t.method
                int line = m.lineNumber > 0 ? m.lineNumber : t.lineNumber
                int col = m.lineNumber > 0 ? m.columnNumber : t.columnNumber
                if (line <= 0) return t
                return track(t, line, col)
            }
            if (e instanceof PropertyExpression && e.propertyAsString == ForKeywordRewriter.WORD && e.property.lineNumber > 0) {
                // `inject f on t for` with nothing after: a property, not a call; still report at the `for`.
                return track(e.transformExpression(this), e.property.lineNumber, e.property.columnNumber)
            }
            if (e instanceof PropertyExpression && e.objectExpression instanceof ConstantExpression
                && e.objectExpression.value instanceof Number && e.property.lineNumber > 0) {
                // `30.sec`: an unknown unit is reported at the unit, not at the word it is an argument of.
                return track(e.transformExpression(this), e.property.lineNumber, e.property.columnNumber)
            }
            return e.transformExpression(this)
        }

        private boolean isNegativeArgument(Expression e) {
            e instanceof BinaryExpression && e.operation.type == Types.MINUS
                && e.leftExpression instanceof VariableExpression
                && !e.leftExpression.isThisExpression() && !e.leftExpression.isSuperExpression()
                && VALUE_WORDS.contains(((VariableExpression) e.leftExpression).name)
                && !declared.contains(((VariableExpression) e.leftExpression).name)
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

        /**
         * {@code wait 10}: inside a closure Groovy would call the closure's own Object.wait(long) before
         * asking the delegate, and fail with IllegalMonitorStateException; {@code __wait} always reaches the DSL.
         */
        private static MethodCallExpression renamed(MethodCallExpression call, String name) {
            def method = new ConstantExpression(name)
            method.sourcePosition = call.method
            def r = new MethodCallExpression(call.objectExpression, method, call.arguments)
            r.implicitThis = call.implicitThis
            r.sourcePosition = call
            r
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
