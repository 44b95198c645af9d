package io.chaosplaybooks.dsl

import io.chaosplaybooks.dsl.plan.SourcePos
import org.codehaus.groovy.control.CompilationUnit
import org.codehaus.groovy.control.CompilerConfiguration
import org.codehaus.groovy.control.Phases
import org.codehaus.groovy.control.customizers.SecureASTCustomizer
import org.codehaus.groovy.ast.expr.AttributeExpression
import org.codehaus.groovy.ast.expr.MethodPointerExpression
import org.codehaus.groovy.ast.stmt.SynchronizedStatement
import java.time.Duration
import org.codehaus.groovy.tools.GroovyClass
import org.codehaus.groovy.control.MultipleCompilationErrorsException
import org.codehaus.groovy.control.messages.ExceptionMessage
import org.codehaus.groovy.control.messages.SyntaxErrorMessage
import org.codehaus.groovy.syntax.SyntaxException

import java.nio.charset.StandardCharsets
import java.nio.file.Files
import java.nio.file.Path

/**
 * Reads a playbook into a validated plan. The pipeline:
 * <pre>
 *  text ─► for-rewrite (same length) ─► groovyc with PlaybookAstCustomizer ─► run against PlaybookContext
 *       ─► includes (relative, stdlib:, --lib roots, CHAOS_PATH) ─► Playbook record ─► PlanValidator
 * </pre>
 * Every problem on the way is collected with its position; nothing is thrown for a user's mistake.
 * Evaluation builds the plan and nothing else: no socket, server or thread is started; the
 * {@link SideEffectGuard} refuses, at compile time, playbooks that try the obvious ways to.
 */
@groovy.transform.CompileStatic
class PlaybookLoader {
    static final String STDLIB_PREFIX = 'stdlib:'
    static final String STDLIB_RESOURCE = '/stdlib/'

    final List<Path> libraryRoots
    /** How long evaluating one playbook (with its includes) may take; {@code --eval-timeout}. */
    Duration evalTimeout = Duration.ofSeconds(10)
    private CompilerConfiguration config
    private GroovyClassLoader classLoader
    private final CompiledPlaybookCache diskCache = CompiledPlaybookCache.fromEnvironment()
    /** Compiled playbooks by source text: a library included by many files compiles once per loader. */
    private final Map<String, Class<?>> compiled = [:]
    private int classCounter

    PlaybookLoader(List<Path> libraryRoots = []) {
        this.libraryRoots = List.copyOf(libraryRoots)
    }

    /** The compiler, made on first need: a run whose playbooks are all in the compile cache never loads it. */
    private CompilerConfiguration config() {
        if (config == null) {
            config = new CompilerConfiguration()
            config.scriptBaseClass = PlaybookScript.name
            config.addCompilationCustomizers(new PlaybookAstCustomizer(), new SideEffectGuard(), structureGuard())
            // Global transformations run on every compilation whatever the source says (Grab's fetches jars).
            config.disabledGlobalASTTransformations = globalTransformations()
            classLoader = new GroovyClassLoader(PlaybookLoader.classLoader, config)
        }
        config
    }

    /** What Groovy's own guard checks besides ours: no imports, no package, no synchronized blocks. */
    private static SecureASTCustomizer structureGuard() {
        def secure = new SecureASTCustomizer()
        secure.allowedImports = []
        secure.allowedStarImports = []
        secure.allowedStaticImports = []
        secure.allowedStaticStarImports = []
        secure.packageAllowed = false
        secure.disallowedStatements = [SynchronizedStatement]
        secure.disallowedExpressions = [MethodPointerExpression, AttributeExpression]
        secure
    }

    /** Every global AST transformation on the class path, by class name. */
    private static Set<String> globalTransformations() {
        Set<String> names = new HashSet<>()
        PlaybookLoader.classLoader.getResources('META-INF/services/org.codehaus.groovy.transform.ASTTransformation').each { URL u ->
            u.openStream().withCloseable { it.getText('UTF-8').readLines()*.trim().findAll { it && !it.startsWith('#') }.each { names << it } }
        }
        names
    }

    /** Library roots from {@code --lib} first, then the entries of {@code CHAOS_PATH}. */
    static PlaybookLoader withEnvironment(List<Path> libs) {
        List<Path> roots = new ArrayList<>(libs)
        String env = System.getenv('CHAOS_PATH')
        if (env) env.split(File.pathSeparator).findAll { it }.each { roots << Path.of(it) }
        new PlaybookLoader(roots)
    }

    /** The names that {@code include "stdlib:NAME"} accepts. */
    static List<String> stdlibNames() {
        def index = PlaybookLoader.getResourceAsStream(STDLIB_RESOURCE + 'index.txt')
        if (index == null) return []
        index.withCloseable { it.getText('UTF-8').readLines()*.trim().findAll { it && !it.startsWith('#') } }
    }

    LoadResult load(Path file) {
        String display = file.toString()
        String notPlaybook = notAPlaybook(file, display)
        if (notPlaybook != null) return new LoadResult(null, [new Problem(new SourcePos(display, 0, 0), notPlaybook)], [:])
        String text
        try {
            text = Files.readString(file, StandardCharsets.UTF_8)
        } catch (IOException e) {
            def p = new Problem(new SourcePos(display, 0, 0), "cannot read the file: ${e.class.simpleName == 'NoSuchFileException' ? 'no such file' : e.message}")
            return new LoadResult(null, [p], [:])
        }
        loadText(display, text, file.toAbsolutePath().parent)
    }

    /** For text that is not a file (tests, the REPL, README examples): includes resolve against {@code dir}. */
    LoadResult loadText(String name, String text, Path dir = Path.of('').toAbsolutePath()) {
        def evaluation = new Evaluation()
        evaluation.fallback = new SourcePos(name, 1, 1)
        if (evalTimeout != null && !evalTimeout.isZero() && !evalTimeout.isNegative()) {
            evaluation.limitNanos = evalTimeout.toNanos()
            evaluation.deadline = System.nanoTime() + evaluation.limitNanos
            evaluation.cpuAtStart = CheckedCalls.threadCpuNanos()
            evaluation.limitText = io.chaosplaybooks.dsl.plan.Units.format(evalTimeout)
        }
        def ctx = new PlaybookContext(evaluation, this)
        String id = dir == null ? name : dir.resolve(Path.of(name).fileName.toString()).normalize().toString()
        evaluation.included << id
        evaluation.includeStack << id
        def outer = CheckedCalls.CURRENT.get()
        CheckedCalls.CURRENT.set(evaluation)
        boolean compiled
        try {
            compiled = evaluate(name, text, dir, ctx, evaluation)
        } catch (CheckedCalls.EvaluationStopped stopped) {
            compiled = false // the problem is recorded; a plan cut short would only add noise
        } finally {
            CheckedCalls.CURRENT.set(outer)
        }
        def playbook = null
        if (compiled) {
            String base = Path.of(name).fileName.toString().replaceFirst(/\.groovy$/, '')
            playbook = ctx.build(name, base)
            PlanValidator.validate(playbook, evaluation.blocksWithProblems).each { evaluation.problem(it.pos(), it.message()) }
        }
        new LoadResult(playbook, evaluation.problems.sort(false), evaluation.sources)
    }

    /** Compiles and runs one source against the context; false if it did not compile. */
    private boolean evaluate(String name, String text, Path dir, PlaybookContext ctx, Evaluation evaluation) {
        evaluation.sources[name] = text
        Class<?> type = compiled[text]
        if (type == null) {
            // An annotation needs an '@': text without one is not run through Groovy's lexer to look for them.
            def annotations = text.indexOf('@') < 0 ? [] : ForKeywordRewriter.annotations(text)
            if (!annotations.isEmpty()) {
                annotations.each { a ->
                    evaluation.problem(new SourcePos(name, a.line(), a.column()),
                        SideEffectGuard.refusedMessage("an annotation (${a.name()}): annotations start compile-time transformations"))
                }
                return false
            }
            try {
                type = compile(text)
            } catch (MultipleCompilationErrorsException e) {
                reportCompileErrors(name, text, e, evaluation)
                return false
            } catch (LinkageError | TypeNotPresentException e) {
                evaluation.problem(new SourcePos(name, 1, 1), "cannot load the compiled playbook: ${e.message}")
                return false
            }
            compiled[text] = type
        }
        def ps = (PlaybookScript) type.getDeclaredConstructor().newInstance()
        ps.binding = evaluation.binding
        ps.evaluation = evaluation
        ps.sourceName = name
        ps.context = ctx
        evaluation.scripts[name] = ps
        int depth = evaluation.positions.size()
        try {
            ps.run()
        } catch (CheckedCalls.EvaluationStopped stopped) {
            throw stopped
        } catch (CheckedCalls.PlaybookRefused refused) {
            while (evaluation.positions.size() > depth) evaluation.pop() // already reported where it was written
        } catch (OutOfMemoryError oom) {
            ps = null
            evaluation.problem("evaluation ran out of memory (a loop or a value too large for a plan?)")
            throw new CheckedCalls.EvaluationStopped(evaluation.here())
        } catch (Throwable t) {
            if (t instanceof VirtualMachineError && !(t instanceof StackOverflowError)) throw t
            evaluation.problem(PlaybookContext.explain(t))
            while (evaluation.positions.size() > depth) evaluation.pop()
        }
        true
    }

    /** Compiles a playbook, or defines it from the on-disk cache of earlier compilations. */
    private Class<?> compile(String text) {
        if (diskCache == null) {
            config()
            return classLoader.parseClass(ForKeywordRewriter.rewrite(text), "Playbook${++classCounter}.groovy")
        }
        // Keyed by the text as written: a cached playbook needs neither the lexer nor the compiler.
        String key = diskCache.key(text)
        String mainName = 'Playbook_' + key
        Map<String, byte[]> classes = diskCache.read(key)
        if (classes == null) {
            def unit = new CompilationUnit(config(), null, new GroovyClassLoader(PlaybookLoader.classLoader, config()))
            unit.addSource(mainName + '.groovy', ForKeywordRewriter.rewrite(text))
            unit.compile(Phases.CLASS_GENERATION)
            classes = new LinkedHashMap<>()
            unit.classes.each { GroovyClass gc -> classes[gc.name] = gc.bytes }
            diskCache.write(key, classes)
        }
        new CompiledPlaybookCache.BytecodeClassLoader(PlaybookLoader.classLoader, classes).loadClass(mainName)
    }

    /**
     * Refusals and errors with their positions. A syntax error caused by a bracket or string left open
     * (or closed by the wrong kind) is reported where that bracket is, with Groovy's message below.
     */
    private static void reportCompileErrors(String name, String text, MultipleCompilationErrorsException e, Evaluation evaluation) {
        def errors = e.errorCollector.errors
        boolean positioned = errors.any { it instanceof SyntaxErrorMessage }
        def syntax = errors.findAll { it instanceof SyntaxErrorMessage && !(it.cause instanceof SideEffectGuard.SideEffectException) }
        def mismatch = syntax ? ForKeywordRewriter.bracketMismatch(text) : null
        if (mismatch != null) {
            def first = (SyntaxErrorMessage) syntax[0]
            evaluation.problem(new SourcePos(name, mismatch.line(), mismatch.column()), 'syntax error: ' + mismatch.message()
                + "\n  Groovy says, at ${first.cause.line}:${first.cause.startColumn}: " + first.cause.originalMessage.replace(ForKeywordRewriter.WORD, 'for'))
        }
        errors.each { msg ->
            if (mismatch != null && msg in syntax) return
            // Groovy's own guard has no positions: when ours reported the same thing with one, that suffices.
            if (positioned && msg instanceof ExceptionMessage && msg.cause instanceof SecurityException) return
            evaluation.problem(compilePosition(name, msg), compileMessage(msg))
        }
    }

    private static SourcePos compilePosition(String name, Object msg) {
        if (msg instanceof SyntaxErrorMessage) {
            SyntaxException se = msg.cause
            return new SourcePos(name, se.line, se.startColumn)
        }
        new SourcePos(name, 1, 1)
    }

    private static String compileMessage(Object msg) {
        if (msg instanceof SyntaxErrorMessage && msg.cause instanceof SideEffectGuard.SideEffectException) {
            return msg.cause.originalMessage
        }
        if (msg instanceof SyntaxErrorMessage) {
            return 'syntax error: ' + msg.cause.originalMessage.replace(ForKeywordRewriter.WORD, 'for')
        }
        if (msg instanceof ExceptionMessage && msg.cause instanceof SecurityException) return SideEffectGuard.refusedMessage(msg.cause.message)
        if (msg instanceof ExceptionMessage) return "cannot compile: ${msg.cause.message}"
        msg.toString()
    }

    /** Called by {@code include "..."}: resolves, detects cycles, evaluates into the same context. */
    void include(String spec, SourcePos at, PlaybookContext ctx) {
        def evaluation = ctx.evaluation
        String id
        String display
        String text
        Path dir = null
        if (spec.startsWith(STDLIB_PREFIX)) {
            String libName = spec.substring(STDLIB_PREFIX.length()).replaceFirst(/\.groovy$/, '')
            def stream = Words.matches(libName, /[A-Za-z0-9_-]+/) ? PlaybookLoader.getResourceAsStream(STDLIB_RESOURCE + libName + '.groovy') : null
            if (stream == null) {
                evaluation.problem(at, "no shipped library '${spec}'" + Words.didYouMean(libName, stdlibNames())
                    + "; the shipped libraries are: " + stdlibNames().collect { STDLIB_PREFIX + it }.join(', '))
                return
            }
            text = stream.withCloseable { it.getText('UTF-8') }
            id = display = STDLIB_PREFIX + libName
        } else {
            String fileName = spec.endsWith('.groovy') ? spec : spec + '.groovy'
            String includer = evaluation.includeStack.last()
            List<Path> candidates = []
            Path including = includer.startsWith(STDLIB_PREFIX) ? null : Path.of(includer).parent
            if (Path.of(fileName).isAbsolute()) {
                candidates << Path.of(fileName)
            } else {
                if (including != null) candidates << including.resolve(fileName)
                libraryRoots.each { candidates << it.resolve(fileName) }
            }
            Path found = candidates.find { Files.isRegularFile(it) }
            Path other = found == null ? candidates.find { Files.exists(it) } : null
            if (other != null) {
                evaluation.problem(at, "'${spec}' names ${kindOf(other)} (${other.normalize()}), not a playbook file")
                return
            }
            String notPlaybook = found == null ? null : notAPlaybook(found, spec)
            if (notPlaybook != null) {
                evaluation.problem(at, notPlaybook)
                return
            }
            if (found == null) {
                evaluation.problem(at, "cannot find '${spec}'; looked in: " + candidates.collect { it.normalize().toString() }.join(', ')
                    + (libraryRoots.isEmpty() ? ' (library roots come from --lib DIR and CHAOS_PATH)' : ''))
                return
            }
            found = found.toAbsolutePath().normalize()
            id = found.toString()
            def cwd = Path.of('').toAbsolutePath()
            display = found.startsWith(cwd) ? cwd.relativize(found).toString() : found.toString()
            dir = found.parent
            try {
                text = Files.readString(found, StandardCharsets.UTF_8)
            } catch (IOException e) {
                evaluation.problem(at, "cannot read '${spec}': ${e.message}")
                return
            }
        }
        if (evaluation.includeStack.contains(id)) {
            def chain = (evaluation.includeStack.dropWhile { it != id } + [id]).collect { shortName(it) }.join(' -> ')
            evaluation.problem(at, "include cycle: ${chain}")
            return
        }
        if (!evaluation.included.add(id)) return // already included once: nothing new to add
        evaluation.includeStack << id
        try {
            evaluate(display, text, dir, ctx, evaluation)
        } finally {
            evaluation.includeStack.removeLast()
        }
    }

    /**
     * Null for a playbook: a regular file whose real name (links followed) ends in .groovy. Anything else
     * is never read, so no line of it is ever quoted in an error (a link named x.groovy to /etc/passwd).
     */
    private static String notAPlaybook(Path file, String spec) {
        if (!Files.exists(file)) return null // reported as missing where it is read
        if (!Files.isRegularFile(file)) return "'${spec}' is ${kindOf(file)}, not a playbook file"
        try {
            Path real = file.toRealPath()
            if (!real.fileName.toString().endsWith('.groovy')) {
                return "'${spec}' is a link to ${real}, which is not a playbook (a .groovy file); it was not read"
            }
        } catch (IOException e) {
            return "cannot read '${spec}': ${e.message}"
        }
        null
    }

    /** What a path that is not a regular file is: a directory, a fifo, a device or a socket. */
    private static String kindOf(Path p) {
        if (Files.isDirectory(p)) return 'a directory'
        try {
            int mode = (Files.getAttribute(p, 'unix:mode') as Integer) & 0170000
            switch (mode) {
                case 0010000: return 'a named pipe (fifo)'
                case 0020000: return 'a character device'
                case 0060000: return 'a block device'
                case 0140000: return 'a socket'
            }
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException ignored) {
        }
        'a special file'
    }

    private static String shortName(String id) {
        id.startsWith(STDLIB_PREFIX) ? id : Path.of(id).fileName.toString()
    }
}
