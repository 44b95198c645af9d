package io.chaosplaybooks.dsl

import groovy.transform.PackageScope
import org.codehaus.groovy.ast.ASTNode
import org.codehaus.groovy.ast.ClassCodeExpressionTransformer
import org.codehaus.groovy.ast.ClassHelper
import org.codehaus.groovy.ast.ClassNode
import org.codehaus.groovy.ast.DynamicVariable
import org.codehaus.groovy.ast.MethodNode
import org.codehaus.groovy.ast.Parameter
import org.codehaus.groovy.ast.VariableScope
import org.codehaus.groovy.ast.expr.*
import org.codehaus.groovy.ast.stmt.BlockStatement
import org.codehaus.groovy.ast.stmt.CatchStatement
import org.codehaus.groovy.ast.stmt.DoWhileStatement
import org.codehaus.groovy.ast.stmt.ExpressionStatement
import org.codehaus.groovy.ast.stmt.ForStatement
import org.codehaus.groovy.ast.stmt.Statement
import org.codehaus.groovy.ast.stmt.SynchronizedStatement
import org.codehaus.groovy.ast.stmt.WhileStatement
import org.codehaus.groovy.classgen.GeneratorContext
import org.codehaus.groovy.control.CompilePhase
import org.codehaus.groovy.control.SourceUnit
import org.codehaus.groovy.control.customizers.CompilationCustomizer
import org.codehaus.groovy.runtime.InvokerHelper
import org.codehaus.groovy.syntax.SyntaxException
import org.codehaus.groovy.syntax.Types

/**
 * The compile-time half of the sandbox: a playbook may call the language's words and the value
 * operations of {@link ValueOperations}, nothing else. After {@link PlaybookAstCustomizer} has
 * rewritten the language's forms, this pass, on the whole script:
 * <ul>
 * <li>refuses, at the line and column written, what can be judged now: a call or property on
 *     {@code this} or without a receiver whose name reaches the script's, a block's or a context's own
 *     machinery ({@code evaluate}, {@code binding}, {@code metaClass}, {@code delegate}, {@code sleep}...)
 *     instead of a word; a name computed at run time without a receiver; static calls and class literals
 *     of types not allowed; {@code new} of a type not allowed; variables, parameters and casts of such types
 *     (Groovy casts by calling a constructor); method pointers, {@code .@field}, {@code super}, declared classes,
 *     imports, {@code synchronized}, and {@code catch} wider than Exception (the sandbox stops by Errors);</li>
 * <li>routes every other call and property access through {@link CheckedCalls}, which checks the
 *     receiver it meets at run time;</li>
 * <li>puts a {@link CheckedCalls#tick} at the head of every loop body, block and method (the time limit).</li>
 * </ul>
 * Annotations, and with them every AST transformation, are refused before compiling
 * ({@link PlaybookLoader}): {@code @ASTTest} and {@code @Grab} would run at compile time.
 */
@PackageScope
class SideEffectGuard extends CompilationCustomizer {
    private static final ClassNode CHECKED = ClassHelper.make(CheckedCalls)
    /** Internal calls the language's own rewriting inserts. */
    private static final Set<String> INTERNAL = ['__push', '__pop', '__wait', '__compare'] as Set

    /** A playbook may print a line to standard output (the script's print, not a value's). */
    private static final Set<String> PRINTING = ['print', 'println', 'printf'] as Set

    /** The language's words, as the contexts list them. */
    static final Set<String> WORDS = (PlaybookContext.WORDS + PlaybookContext.UNITS + ScenarioContext.SCENARIO_WORDS
        + LoadContext.WORDS + LoadContext.OPERATIONS + LoadContext.BREAKER_OPTIONS + [ForKeywordRewriter.WORD]) as Set

    /**
     * Names that, without a receiver, would reach a real method or property of the script, a block or a
     * context rather than a word (and so are refused there); every other name without a receiver ends in
     * the contexts' methodMissing: a word, a template, a helper, or "unknown word".
     */
    @Lazy
    static Set<String> machinery = {
        Set<String> names = new HashSet<>(ValueOperations.NEVER)
        [PlaybookScript, Closure, PlaybookContext, StepsContext, ScenarioContext, LoadContext].each { Class c ->
            def mc = InvokerHelper.getMetaClass(c)
            mc.methods.each { names << it.name }
            mc.properties.each { names << it.name }
        }
        names.removeAll(WORDS)
        names.removeAll(INTERNAL)
        names.removeAll(PRINTING)
        names.asImmutable()
    }()

    SideEffectGuard() { super(CompilePhase.CANONICALIZATION) }

    static String refusedMessage(String what) {
        "not allowed in a playbook: ${what} (a playbook may use the language's words and plain value operations only)"
    }

    @Override
    void call(SourceUnit source, GeneratorContext context, ClassNode classNode) {
        if (!classNode.isScript()) {
            refuse(source, classNode, "declaring ${classNode.isInterface() ? 'an interface' : 'a class'} (${classNode.nameWithoutPackage})")
            return
        }
        def module = classNode.module
        (module.imports + module.starImports + module.staticImports.values() + module.staticStarImports.values()).each {
            refuse(source, it, "import ${it.text.replaceFirst(/^import\s+/, '')}")
        }
        if (module.package != null) refuse(source, module.package, 'a package declaration')
        Set<String> declared = classNode.methods*.name as Set
        def transformer = new Transformer(source, declared)
        classNode.methods.each { MethodNode m ->
            if (m.name == 'main' && m.static) return
            if (!m.scriptBody && m.name != 'run') {
                checkType(source, m.returnType, m, 'a result')
                m.parameters.each { checkType(source, it.originType, it, 'a parameter') }
            }
            transformer.visitMethod(m)
            if (!m.scriptBody && m.name != 'run' && m.code instanceof BlockStatement) {
                ((BlockStatement) m.code).statements.add(0, transformer.tick(m))
            }
        }
    }

    private static void refuse(SourceUnit source, ASTNode node, String what) {
        source.errorCollector.addErrorAndContinue(new SideEffectException(refusedMessage(what), node), source)
    }

    private static void checkType(SourceUnit source, ClassNode type, ASTNode at, String role) {
        if (type == null || type.isGenericsPlaceHolder() || ClassHelper.isDynamicTyped(type)) return
        Class c
        try {
            c = type.typeClass
        } catch (Throwable ignored) {
            refuse(source, at, "${role} of type ${type.name}")
            return
        }
        if (!ValueOperations.declarable(c)) refuse(source, at, "${role} of type ${type.name}")
    }

    /** A mistake reported as a compile error that is not a syntax error. */
    static class SideEffectException extends SyntaxException {
        SideEffectException(String message, ASTNode node) {
            super(message, node.lineNumber, node.columnNumber, node.lastLineNumber, node.lastColumnNumber)
        }
    }

    private static class Transformer extends ClassCodeExpressionTransformer {
        final SourceUnit sourceUnit
        final Set<String> declaredMethods

        Transformer(SourceUnit su, Set<String> declaredMethods) {
            sourceUnit = su
            this.declaredMethods = declaredMethods
        }

        @Override
        protected SourceUnit getSourceUnit() { sourceUnit }

        private void refuse(ASTNode node, String what) { SideEffectGuard.refuse(sourceUnit, node, what) }

        Statement tick(ASTNode at) {
            new ExpressionStatement(checked('tick', at,
                VariableExpression.THIS_EXPRESSION, new ConstantExpression(at.lineNumber), new ConstantExpression(at.columnNumber)))
        }

        private Statement ticked(ASTNode loop, Statement body) {
            def block = new BlockStatement([tick(loop), body] as List<Statement>, new VariableScope())
            block.sourcePosition = body
            block
        }

        @Override
        void visitWhileLoop(WhileStatement loop) {
            super.visitWhileLoop(loop)
            loop.loopBlock = ticked(loop, loop.loopBlock)
        }

        @Override
        void visitDoWhileLoop(DoWhileStatement loop) {
            super.visitDoWhileLoop(loop)
            loop.loopBlock = ticked(loop, loop.loopBlock)
        }

        @Override
        void visitForLoop(ForStatement loop) {
            if (loop.variable != null && loop.variable != ForStatement.FOR_LOOP_DUMMY) {
                checkType(sourceUnit, loop.variable.originType, loop, 'a loop variable')
            }
            super.visitForLoop(loop)
            loop.loopBlock = ticked(loop, loop.loopBlock)
        }

        @Override
        void visitCatchStatement(CatchStatement c) {
            def t = c.exceptionType
            boolean narrow = false
            try {
                narrow = ClassHelper.isDynamicTyped(t) || Exception.isAssignableFrom(t.typeClass)
            } catch (Throwable ignored) {
            }
            if (!narrow) refuse(c, "catching ${t.name} (catch Exception or narrower)")
            super.visitCatchStatement(c)
        }

        @Override
        void visitSynchronizedStatement(SynchronizedStatement s) {
            refuse(s, 'synchronized')
            super.visitSynchronizedStatement(s)
        }

        @Override
        Expression transform(Expression e) {
            if (e == null) return null
            if (e instanceof ClosureExpression) {
                e.parameters?.each { Parameter p -> checkType(sourceUnit, p.originType, p.lineNumber > 0 ? p : e, 'a parameter') }
                e.code?.visit(this)
                if (e.code instanceof BlockStatement) ((BlockStatement) e.code).statements.add(0, tick(e))
                return e
            }
            if (e instanceof GStringExpression) {
                def g = (GStringExpression) e
                return checked('text', g, new ArrayExpression(ClassHelper.OBJECT_TYPE, g.values.collect { transform(it) }),
                    new ArrayExpression(ClassHelper.STRING_TYPE, g.strings.collect { (Expression) new ConstantExpression(it.value) }))
            }
            if (e instanceof MethodPointerExpression) { refuse(e, 'a method pointer (.&)'); return e }
            if (e instanceof AttributeExpression) { refuse(e, 'a field read with .@'); return e }
            if (e instanceof MethodCallExpression) return transformCall((MethodCallExpression) e)
            if (e instanceof StaticMethodCallExpression) {
                def s = (StaticMethodCallExpression) e
                if (!isScriptClass(s.ownerType)) {
                    String refused = staticRefusal(s.ownerType, s.method)
                    if (refused) refuse(s, refused)
                }
                return s.transformExpression(this)
            }
            if (e instanceof ConstructorCallExpression) {
                def c = (ConstructorCallExpression) e
                if (c.usingAnonymousInnerClass) refuse(c, "an anonymous class (new ${c.type.name}() { })")
                else if (!constructible(c.type)) refuse(c, "new ${c.type.name}")
                return c.transformExpression(this)
            }
            if (e instanceof CastExpression) {
                checkType(sourceUnit, e.type, e, 'a cast')
                return e.transformExpression(this)
            }
            if (e instanceof DeclarationExpression) {
                def d = (DeclarationExpression) e
                if (d.multipleAssignmentDeclaration) d.tupleExpression.expressions.each { checkType(sourceUnit, ((VariableExpression) it).originType, d, 'a variable') }
                else checkType(sourceUnit, d.variableExpression.originType, d, 'a variable')
                return d.transformExpression(this)
            }
            if (e instanceof BinaryExpression) return transformBinary((BinaryExpression) e)
            if ((e instanceof PrefixExpression && e.expression instanceof PropertyExpression)
                || (e instanceof PostfixExpression && e.expression instanceof PropertyExpression)) {
                refuse(e, 'changing a property with ++ or --')
                return e
            }
            if (e instanceof PropertyExpression) return transformProperty((PropertyExpression) e)
            if (e instanceof VariableExpression) {
                checkName((VariableExpression) e)
                return e
            }
            if (e instanceof ClassExpression) {
                String refused = staticRefusal(e.type, null)
                if (refused) refuse(e, "the class ${e.type.name}")
                return e
            }
            e.transformExpression(this)
        }

        private boolean isScriptClass(ClassNode c) { c == sourceUnit.AST.classes.find { it.isScript() } }

        private void checkName(VariableExpression v) {
            if (v.isThisExpression()) return
            if (v.isSuperExpression()) { refuse(v, 'super'); return }
            if (v.accessedVariable instanceof DynamicVariable && machinery.contains(v.name)) refuse(v, "'${v.name}'")
        }

        private static boolean constructible(ClassNode type) {
            try {
                Class c = type.typeClass
                return ValueOperations.CONSTRUCTIBLE.contains(c) || c.name.startsWith('io.chaosplaybooks.dsl.plan.')
            } catch (Throwable ignored) {
                return false
            }
        }

        /** Null when Type.name (a static call or constant; null name: the class itself) is allowed. */
        private static String staticRefusal(ClassNode type, String name) {
            Class c
            try {
                c = type.typeClass
            } catch (Throwable ignored) {
                return "${type.name}" + (name ? ".${name}" : '')
            }
            if (name == null) {
                return ValueOperations.STATIC_OWNERS.contains(c) || ValueOperations.isDslStaticOwner(c) || c == System ? null : c.name
            }
            ValueOperations.staticRefusal(c, name)
        }

        private Expression transformBinary(BinaryExpression b) {
            int op = b.operation.type
            def left = b.leftExpression
            if (op == Types.ASSIGN && left instanceof PropertyExpression && !(left instanceof AttributeExpression)) {
                def p = (PropertyExpression) left
                if (p.objectExpression instanceof VariableExpression && ((VariableExpression) p.objectExpression).isThisExpression()) {
                    checkMachinery(p.property, p.propertyAsString, p)
                    return new BinaryExpression(left, b.operation, transform(b.rightExpression)).tap { it.sourcePosition = b }
                }
                return checked('setProperty', b,
                    VariableExpression.THIS_EXPRESSION, transform(p.objectExpression), transform(p.property), transform(b.rightExpression),
                    new ConstantExpression(p.property.lineNumber > 0 ? p.property.lineNumber : p.lineNumber),
                    new ConstantExpression(p.property.lineNumber > 0 ? p.property.columnNumber : p.columnNumber))
            }
            if (Types.ofType(op, Types.ASSIGNMENT_OPERATOR) && op != Types.ASSIGN && left instanceof PropertyExpression) {
                refuse(b, "changing a property with ${b.operation.text}")
                return b
            }
            if (op == Types.KEYWORD_INSTANCEOF && b.rightExpression instanceof ClassExpression) {
                return new BinaryExpression(transform(left), b.operation, b.rightExpression).tap { it.sourcePosition = b }
            }
            b.transformExpression(this)
        }

        private void checkMachinery(Expression nameExpr, String name, ASTNode at) {
            if (name == null) refuse(nameExpr.lineNumber > 0 ? nameExpr : at, 'a name computed at run time without a receiver')
            else if (machinery.contains(name) && !declaredMethods.contains(name)) refuse(nameExpr.lineNumber > 0 ? nameExpr : at, "'${name}'")
        }

        private Expression transformCall(MethodCallExpression call) {
            def receiver = call.objectExpression
            boolean onThis = call.implicitThis || (receiver instanceof VariableExpression && ((VariableExpression) receiver).isThisExpression())
            if (receiver instanceof VariableExpression && ((VariableExpression) receiver).isSuperExpression()) {
                refuse(receiver, 'super')
                return call
            }
            if (onThis) {
                String name = call.methodAsString
                // The position bookkeeping PlaybookAstCustomizer wraps around every call, compiled as plain calls.
                if (name == '__push') return checked('push', call, [VariableExpression.THIS_EXPRESSION] + argumentsOf(call) as Expression[])
                if (name == '__pop') return checked('pop', call, [VariableExpression.THIS_EXPRESSION] + argumentsOf(call) as Expression[])
                if (!(name in INTERNAL)) checkMachinery(call.method, name, call)
                return call.transformExpression(this)
            }
            if (receiver instanceof ClassExpression) {
                String refused = staticRefusal(receiver.type, call.methodAsString ?: '?')
                if (refused) {
                    refuse(call, refused)
                    return call
                }
                return new MethodCallExpression(receiver, call.method, transform(call.arguments)).tap {
                    it.sourcePosition = call
                    it.implicitThis = false
                    it.safe = call.safe
                    it.spreadSafe = call.spreadSafe
                }
            }
            def args = []
            def a = call.arguments
            if (a instanceof TupleExpression) {
                ((TupleExpression) a).expressions.each { Expression x ->
                    if (x instanceof NamedArgumentListExpression) args << transform(new MapExpression(x.mapEntryExpressions))
                    else args << transform(x)
                }
            } else {
                args << transform(a)
            }
            ASTNode at = call.method.lineNumber > 0 ? call.method : call
            checked('call', call,
                VariableExpression.THIS_EXPRESSION, transform(receiver), transform(call.method),
                new ConstantExpression(call.safe), new ConstantExpression(call.spreadSafe), new ListExpression(args),
                new ConstantExpression(at.lineNumber), new ConstantExpression(at.columnNumber))
        }

        private List<Expression> argumentsOf(MethodCallExpression call) {
            ((TupleExpression) call.arguments).expressions.collect { transform(it) }
        }

        /**
         * A call of {@link CheckedCalls}'s static {@code method}, compiled as a plain static call: a dynamic call
         * site costs its first run a bootstrap and a method lookup, and these calls are most of a playbook's sites.
         * (Only the compiler sets a method target: a playbook cannot name CheckedCalls, the guard refuses it.)
         */
        private static Expression checked(String method, ASTNode at, Expression... args) {
            def target = CHECKED.getDeclaredMethods(method)
            if (target.size() != 1) throw new IllegalStateException("CheckedCalls.${method}: expected one method, found ${target.size()}")
            def call = new MethodCallExpression(new ClassExpression(CHECKED), method, new ArgumentListExpression(args))
            call.methodTarget = target[0]
            call.implicitThis = false
            call.sourcePosition = at
            call
        }

        private Expression transformProperty(PropertyExpression p) {
            def receiver = p.objectExpression
            if (receiver instanceof VariableExpression && ((VariableExpression) receiver).isThisExpression()) {
                checkMachinery(p.property, p.propertyAsString, p)
                return p
            }
            if (receiver instanceof VariableExpression && ((VariableExpression) receiver).isSuperExpression()) {
                refuse(receiver, 'super')
                return p
            }
            if (receiver instanceof ClassExpression) {
                String refused = staticRefusal(receiver.type, p.propertyAsString ?: '?')
                if (refused) refuse(p, refused)
                return p
            }
            ASTNode at = p.property.lineNumber > 0 ? p.property : p
            checked('property', p,
                VariableExpression.THIS_EXPRESSION, transform(receiver), transform(p.property),
                new ConstantExpression(p.safe), new ConstantExpression(p.spreadSafe),
                new ConstantExpression(at.lineNumber), new ConstantExpression(at.columnNumber))
        }
    }
}
