package io.chaosplaybooks.dsl

import io.chaosplaybooks.dsl.plan.LoadProfile
import io.chaosplaybooks.dsl.plan.Playbook
import io.chaosplaybooks.dsl.plan.Scenario
import io.chaosplaybooks.dsl.plan.Schedule
import io.chaosplaybooks.dsl.plan.ServerSpec
import io.chaosplaybooks.dsl.plan.SourcePos

import java.time.Duration
import java.time.ZoneId
import java.util.function.Supplier

import static groovy.lang.Closure.DELEGATE_FIRST

/**
 * The words at the top of a playbook file and inside {@code playbook "name" { }}: servers, load,
 * scenarios, includes and templates. Included files add to the same context.
 */
class PlaybookContext {
    static final List<String> WORDS = Vocabulary.words(Vocabulary.Block.PLAYBOOK)
    static final List<String> UNITS = Vocabulary.UNITS

    final Evaluation evaluation
    final PlaybookLoader loader
    String name
    SourcePos namePos
    String description
    Integer serverCount
    SourcePos serverCountPos
    final List<ServerSpec> namedServers = []
    LoadProfile load
    SourcePos loadPos
    /** Where {@code load none} was written, or null. */
    SourcePos noLoadPos
    String prometheus
    SourcePos prometheusPos
    final List<Scenario> scenarios = []
    /** The playbook's own schedules (the whole playbook runs). */
    final List<Schedule> schedules = []
    static final Supplier<ZoneId> MACHINE_ZONE = { ZoneId.systemDefault() } as Supplier<ZoneId>
    /** Scenarios by name: the duplicate check stays linear for playbooks that make scenarios in a loop. */
    private final Map<String, Scenario> scenariosByName = [:]
    final Map<String, Closure> templates = [:]
    final Map<String, SourcePos> templatePositions = [:]
    /** Positions of the include calls being evaluated, outermost first. */
    final List<SourcePos> includeCalls = []

    PlaybookContext(Evaluation evaluation, PlaybookLoader loader) {
        this.evaluation = evaluation
        this.loader = loader
    }

    private SourcePos here() { evaluation.here() }

    private void problem(String m) { evaluation.problem(m) }

    void playbook(String name, @DelegatesTo(value = PlaybookContext, strategy = DELEGATE_FIRST) Closure body) {
        if (this.name != null) problem("only one playbook per file; '${this.name}' was declared at ${namePos}")
        this.name = name
        this.namePos = here()
        runBlock(body, this)
    }

    void description(String text) {
        if (description != null) problem('description given twice')
        description = text
    }

    void servers(int count) {
        if (serverCount != null) problem("servers given twice (first at ${serverCountPos})")
        if (count < 1 || count > 64) problem("servers must be between 1 and 64, got ${count}")
        if (!namedServers.isEmpty()) problem("use either 'servers N' or named 'server' lines, not both")
        serverCount = Math.max(1, Math.min(64, count))
        serverCountPos = here()
    }

    void server(String name, String address) {
        server([:], name, address)
    }

    /** {@code prometheus "http://127.0.0.1:9090"}: the Prometheus that the scenarios' prometheus(...) probes ask (--prometheus overrides it). */
    void prometheus(CharSequence url) {
        if (prometheus != null) problem("prometheus given twice (first at ${prometheusPos})")
        String u = url.toString()
        URI parsed = null
        try {
            parsed = new URI(u)
        } catch (URISyntaxException ignored) {
        }
        if (parsed == null || !(parsed.scheme in ['http', 'https']) || !parsed.host) {
            problem("prometheus needs its URL, such as \"http://127.0.0.1:9090\", got \"${u}\"")
        }
        prometheus = u
        prometheusPos = here()
    }

    /** A named server the run provides (a local memcached or the stand-in). */
    void server(String name) { server([:], name, null) }

    /** {@code server "cache-a", proxy: "memcached_a"}: an existing proxy, or a provided server behind a chosen listen address. */
    void server(Map options, String name) { server(options, name, null) }

    /**
     * {@code server "cache-a", "10.0.0.5:11211", listen: "0.0.0.0:21211", toxiproxy: "http://10.0.0.5:8474"}:
     * where the proxy listens and which Toxiproxy holds it; or {@code proxy: "memcached_a"}, a proxy that exists there.
     */
    void server(Map options, String name, String address) {
        if (serverCount != null) problem("use either 'servers N' or named 'server' lines, not both")
        if (!(Words.matches(name, /[A-Za-z0-9][A-Za-z0-9_.-]*/))) problem("a server name is a single word of letters, digits, '-', '_' or '.', got \"${name}\"")
        if (namedServers.any { it.name() == name }) problem("server '${name}' is named twice")
        if (address != null) checkHostPort('a server address', address, 1)
        def opts = ServerOptions.read(options, address, evaluation)
        namedServers << new ServerSpec(name, address, here(), opts.listen, opts.toxiproxy, opts.proxy)
    }

    /** A problem unless {@code text} is host:port with a port from {@code lowest} to 65535. */
    private void checkHostPort(String what, String text, int lowest) {
        if (!(Words.matches(text, ServerOptions.HOST_PORT))) {
            problem("${what} is host:port, such as 127.0.0.1:11211, got \"${text}\"")
        } else {
            int port = text.substring(text.lastIndexOf(':') + 1) as int
            if (port < lowest || port > 65535) problem("port must be between ${lowest} and 65535, got ${port}")
        }
    }

    /** {@code load none}: faults only, the built-in load does not run. */
    void load(NoLoad none) {
        if (load != null || noLoadPos != null) { problem('load given twice'); return }
        noLoadPos = here()
    }

    /** The value of the word {@code none}, for {@code load none}. */
    NoLoad getNone() { NoLoad.INSTANCE }

    void load(@DelegatesTo(value = LoadContext, strategy = DELEGATE_FIRST) Closure body) {
        if (load != null || noLoadPos != null) problem('load given twice')
        loadPos = here()
        def ctx = new LoadContext(evaluation, LoadProfile.defaults(here()))
        runBlock(body, ctx)
        load = ctx.build()
    }

    void scenario(String name, @DelegatesTo(value = ScenarioContext, strategy = DELEGATE_FIRST) Closure body) {
        def pos = here()
        if (!name?.trim()) problem('a scenario needs a name')
        def ctx = new ScenarioContext(evaluation, this, name, pos)
        int before = evaluation.problems.size()
        runBlock(body, ctx)
        def built = ctx.build()
        if (evaluation.problems.size() > before) evaluation.blocksWithProblems << pos
        def existing = scenariosByName[name]
        if (existing != null) {
            if (!includeCalls.isEmpty()) {
                evaluation.problem(includeCalls[0], "this include brings scenario '${name}' (${pos}), which is already defined at ${existing.pos()}")
            } else {
                problem("duplicate scenario name '${name}' (first defined at ${existing.pos()})")
            }
            return
        }
        scenarios << built
        scenariosByName[name] = built
    }

    void include(String spec) {
        def pos = here()
        includeCalls << pos
        try {
            loader.include(spec, pos, this)
        } finally {
            includeCalls.removeLast()
        }
    }

    /** A reusable block: {@code template("lossScenario") { String name, rate -> scenario(name) { ... } }}. */
    void template(String name, Closure body) {
        if (!(Words.matches(name, /[A-Za-z_][A-Za-z0-9_]*/))) {
            problem("a template name is an identifier such as lossScenario, got \"${name}\"")
            return
        }
        if (templates.containsKey(name)) {
            def at = includeCalls.isEmpty() ? here() : includeCalls[0]
            evaluation.problem(at, "template '${name}' is already defined at ${templatePositions[name]}")
            return
        }
        if (WORDS.contains(name) || ScenarioContext.SCENARIO_WORDS.contains(name)) {
            problem("'${name}' is a word of the language; choose another template name")
            return
        }
        templates[name] = body
        templatePositions[name] = here()
    }


    // ---- schedules: when the whole playbook runs by itself (chaos serve) -----------------------------------

    /** {@code schedule "0 3 * * MON-FRI"}: Unix cron, in the machine's zone. */
    void schedule(String expression) { schedule([:], expression) }

    /** {@code schedule "0 0/10 * * * ?", syntax: "quartz", zone: "Europe/Paris"}. */
    void schedule(Map named, String expression) {
        addSchedule(ScheduleReader.cron(named, expression, here(), evaluation.sources[here().file()], MACHINE_ZONE))
    }

    /** {@code every 6.h}: from when the schedule is first loaded. */
    void every(Duration period) { every([:], period) }

    void every(Map named, Duration period) {
        addSchedule(ScheduleReader.every(named, period, here(), evaluation.sources[here().file()], MACHINE_ZONE))
    }

    /** {@code once at: "2027-01-15T03:00"}. */
    void once(Map named) {
        addSchedule(ScheduleReader.once(named, here(), evaluation.sources[here().file()], MACHINE_ZONE))
    }

    private void addSchedule(ScheduleReader.Read read) {
        read.problems().each { evaluation.problem(it.pos(), it.message()) }
        if (read.schedule() != null) schedules << read.schedule()
    }

    /** Runs a block against a context; a failure inside is reported where it happened and the evaluation goes on. */
    Object runBlock(Closure body, Object ctx, Object... args) {
        Closure c = body.rehydrate(ctx, body.owner, body.thisObject)
        c.resolveStrategy = DELEGATE_FIRST
        int depth = evaluation.positions.size()
        try {
            return args.length == 0 ? c.call() : c.call(*args)
        } catch (Throwable t) {
            if (t instanceof VirtualMachineError && !(t instanceof StackOverflowError)) throw t
            if (t instanceof CheckedCalls.EvaluationStopped) throw t
            if (!(t instanceof CheckedCalls.PlaybookRefused)) evaluation.problem(explain(t)) // a refusal is reported where it was written
            while (evaluation.positions.size() > depth) evaluation.pop()
            if (ctx instanceof StepsContext) ctx.aborted = true
            return Absorber.INSTANCE
        }
    }

    /** Templates and the playbook's own helper methods, reached from any context. */
    Map tryTemplateOrHelper(String name, Object[] args, Object ctx) {
        Closure t = templates[name]
        if (t != null) {
            int expected = t.maximumNumberOfParameters
            if (t.parameterTypes.length != args.length && !(args.length == 0 && expected <= 1)) {
                problem("template '${name}' takes ${t.parameterTypes.length} argument(s), got ${args.length}")
                return [found: true, value: Absorber.INSTANCE]
            }
            return [found: true, value: runBlock(t, ctx, args)]
        }
        for (Script s : evaluation.scripts.values()) {
            if (s.metaClass.respondsTo(s, name, args)) return [found: true, value: s.invokeMethod(name, args)]
        }
        [found: false]
    }

    static String explain(Throwable t) {
        if (t instanceof MissingPropertyException) {
            def type = t.type
            if (type != null && Number.isAssignableFrom(type)) {
                return "unknown unit '.${t.property}' on a number" + Words.didYouMean(t.property, UNITS)
            }
            return "'${t.property}' is not known here" + (type ? " (on ${type.simpleName})" : '')
        }
        if (t instanceof MissingMethodException) {
            def type = t.type
            if (t.method == 'call' && type != null && !Closure.isAssignableFrom(type)) {
                // `server(2)` in a template whose parameter is named `server`: the value, not the word, is called.
                return "a value (${type.simpleName}) is called like a word here: does a template parameter or variable hide a word of the language with the same name?"
            }
            String on = type && !PlaybookScript.isAssignableFrom(type) && !(type.name.startsWith('io.chaosplaybooks')) ? " on ${type.simpleName}" : ''
            return "'${t.method}' does not take ${Words.showArgs(t.arguments)}${on}"
        }
        if (t instanceof StackOverflowError) return 'evaluation recursed without end (a template calling itself?)'
        // `wait 10`: inside a closure Groovy prefers Object.wait(long) to the DSL's wait(Number); it never blocks (no monitor held).
        if (t instanceof IllegalMonitorStateException) return 'wait takes a duration such as 10.s, got a number'
        if (t instanceof ArithmeticException) return "arithmetic error: ${t.message}"
        if (t instanceof org.codehaus.groovy.runtime.typehandling.GroovyCastException) return t.message.readLines().first()
        "${t.getClass().simpleName}: ${t.message}"
    }

    def methodMissing(String name, Object args) {
        Object[] a = args instanceof Object[] ? args : [args] as Object[]
        def answered = tryTemplateOrHelper(name, a, this)
        if (answered.found) return answered.value
        if (Absorber.among(a)) return Absorber.INSTANCE
        if (this.metaClass.respondsTo(this, name) && name != 'wait') { // Object.wait is not a word here
            problem("${name} does not take ${Words.showArgs(a)}")
        } else if (ScenarioContext.SCENARIO_WORDS.contains(name)) {
            problem("'${name}' belongs inside a scenario: scenario \"name\" { ${name} ... }")
        } else {
            problem("unknown word '${name}' in a playbook" + Words.didYouMean(name, WORDS + templates.keySet()))
        }
        Absorber.INSTANCE
    }

    def propertyMissing(String name) {
        if (evaluation.binding.hasVariable(name)) return evaluation.binding.getVariable(name)
        methodMissing(name, [] as Object[])
    }

    Playbook build(String file, String defaultName) {
        List<ServerSpec> servers = namedServers
        if (servers.isEmpty()) {
            int n = serverCount ?: 3
            def at = serverCountPos ?: new SourcePos(file, 1, 1)
            servers = (1..n).collect { new ServerSpec("server-" + String.valueOf(it), null, at) }
        }
        def start = new SourcePos(file, 1, 1)
        // Without a load block, a playbook whose servers all face the user's application drives no load of its own.
        boolean builtInLoad = noLoadPos == null && (load != null || !servers.every { it.userFacing() })
        new Playbook(name ?: defaultName, description, file, servers, load ?: LoadProfile.defaults(start),
            scenarios, namePos ?: start, schedules, builtInLoad, noLoadPos ?: loadPos, prometheus)
    }
}
