package io.chaosplaybooks.cli.repl;

import io.chaosplaybooks.dsl.LoadResult;
import io.chaosplaybooks.dsl.PlaybookLoader;
import io.chaosplaybooks.dsl.Problem;
import io.chaosplaybooks.dsl.Vocabulary;
import io.chaosplaybooks.dsl.plan.Expectation;
import io.chaosplaybooks.dsl.plan.LoadProfile;
import io.chaosplaybooks.dsl.plan.Playbook;
import io.chaosplaybooks.dsl.plan.Scenario;
import io.chaosplaybooks.dsl.plan.ServerSpec;
import io.chaosplaybooks.dsl.plan.SourcePos;
import io.chaosplaybooks.dsl.plan.Step;
import io.chaosplaybooks.dsl.plan.Units;
import io.chaosplaybooks.runtime.run.LiveSession;
import io.chaosplaybooks.runtime.run.RunException;
import io.chaosplaybooks.runtime.verdict.ScenarioVerdict;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Statements of the language, evaluated live: each is compiled inside a wrapper playbook whose
 * servers are the session's, on one line so that the user's lines keep their numbers.
 * <pre>
 *  load { } / scenario / include ─► a playbook ─► load settings given, scenarios defined
 *  run "name"                     ─► a known scenario (the playbook's, :load-ed, defined here, the stdlib's) ─► verdict
 *  else in  scenario "repl" { }   ─► inject / heal live, expect judged now, other steps run as a small scenario
 * </pre>
 */
final class ReplStatements {
    /** The name problems carry: {@code <input>:1:8: ...}. */
    static final String INPUT = "<input>";
    /** {@code expect} without a window is judged over this much of the most recent load. */
    static final Duration EXPECT_WINDOW = Duration.ofSeconds(5);

    private final LiveSession session;
    private final PlaybookLoader loader;
    private final ReplPrinter printer;
    private final PrintWriter out;
    private final String prelude;
    /** The scenarios run knows, by name, with where each came from: the playbook, a file, "repl"; then the stdlib's. */
    private final Map<String, Scenario> scenarios = new LinkedHashMap<>();
    private final Map<String, String> origins = new LinkedHashMap<>();
    private Map<String, Scenario> stdlib;

    ReplStatements(LiveSession session, PlaybookLoader loader, ReplPrinter printer, PrintWriter out) {
        this.session = session;
        this.loader = loader;
        this.printer = printer;
        this.out = out;
        this.prelude = prelude(session.playbook());
        for (Scenario s : session.playbook().scenarios()) define(s, "playbook");
    }

    void define(Scenario s, String origin) {
        scenarios.put(s.name(), s);
        origins.put(s.name(), origin);
    }

    /** Every scenario known: the playbook's, :load-ed files', the REPL's, then the stdlib's. */
    Map<String, Scenario> allScenarios() {
        if (stdlib == null) {
            stdlib = new LinkedHashMap<>();
            LoadResult r = loader.loadText("stdlib", prelude + "\ninclude \"stdlib:all\"\n");
            if (r.playbook() != null) for (Scenario s : r.playbook().scenarios()) stdlib.put(s.name(), s);
        }
        Map<String, Scenario> all = new LinkedHashMap<>(scenarios);
        stdlib.forEach(all::putIfAbsent);
        return all;
    }

    void listScenarios() {
        Map<String, Scenario> all = allScenarios();
        for (Scenario s : all.values()) {
            out.printf(Locale.ROOT, "  %-40s %-9s %s%n", s.name(), origins.getOrDefault(s.name(), "stdlib"),
                Objects.requireNonNullElse(s.description(), ""));
        }
        out.println(all.size() + " scenarios; run one with: run \"NAME\"");
    }

    /** The servers as a playbook declares them: {@code servers 3}, or one {@code server "name"[, "address"]} each. */
    /**
     * The playbook's servers as statements; with {@code whole}, everything a server says (address, listen,
     * toxiproxy, proxy), as {@code :save} must keep where the faults go.
     */
    static String servers(Playbook pb, String separator, boolean whole) {
        boolean numbered = true;
        for (int i = 0; i < pb.servers().size(); i++) {
            ServerSpec s = pb.servers().get(i);
            numbered &= s.name().equals("server-" + (i + 1)) && (!whole || s.address() == null && s.listen() == null
                && s.toxiproxy() == null && s.proxy() == null);
        }
        if (numbered) return "servers " + pb.servers().size();
        return String.join(separator, pb.servers().stream().map(s -> {
            StringBuilder b = new StringBuilder("server ").append(literal(s.name()));
            if (whole) {
                if (s.address() != null) b.append(", ").append(literal(s.address()));
                if (s.listen() != null) b.append(", listen: ").append(literal(s.listen()));
                if (s.toxiproxy() != null) b.append(", toxiproxy: ").append(literal(s.toxiproxy()));
                if (s.proxy() != null) b.append(", proxy: ").append(literal(s.proxy()));
            }
            return b.toString();
        }).toList());
    }

    /** A Groovy string literal of {@code text}: single quotes, so nothing in it is interpolated. */
    static String literal(String text) {
        return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }

    /** The servers as the wrapper declares them, on one line so that the user's lines keep their numbers. */
    static String prelude(Playbook pb) {
        return servers(pb, "; ", false);
    }

    /** Wraps a statement in a scenario; the user's line 1 is the wrapper's line 3. */
    void statement(String text) throws RunException {
        String wrapped = prelude + "\nscenario \"repl\" { wait 1.s\n" + text + "\n}\n";
        LoadResult r = loader.loadText(INPUT, wrapped);
        if (!r.ok()) {
            printProblems(r, text, 2);
            return;
        }
        Scenario s = r.playbook().scenarios().get(0);
        List<Step> steps = s.steps().subList(1, s.steps().size());
        if (!s.expectations().isEmpty()) {
            expect(s.expectations(), steps);
        } else if (steps.size() == 1 && steps.get(0) instanceof Step.Inject inject) {
            printer.started();
            LiveSession.ActiveFault a = session.inject(inject.faults(), inject.target(), inject.duration(), text);
            out.println("on: " + ReplPrinter.describe(a.faults()) + " on " + String.join(", ", a.servers())
                + (inject.duration() == null ? " (until heal)" : " for " + Units.format(inject.duration())
                + " (ends by itself; see status)"));
        } else if (steps.size() == 1 && steps.get(0) instanceof Step.Heal heal) {
            boolean before = session.started();
            int n = session.heal(heal.target(), text);
            out.println(!before ? "nothing to heal (the session has not started)"
                : n == 0 ? "nothing to heal" : "healed " + n + (n == 1 ? " fault" : " faults")
                + (heal.target() == null ? "" : " on " + heal.target().describe()));
        } else if (!steps.isEmpty()) {
            boolean healFirst = steps.stream().anyMatch(x -> x instanceof Step.Recover || x instanceof Step.Stabilize);
            Scenario adHoc = new Scenario("repl", null, List.of(), steps, List.of(), s.pos());
            printer.started();
            ScenarioVerdict v = session.run(adHoc, printer.progress(), healFirst);
            out.println(v.errors().isEmpty() ? "done" : "ended with errors: " + String.join("; ", v.errors()));
        }
    }

    private void expect(List<Expectation> expectations, List<Step> steps) throws RunException {
        if (!steps.isEmpty()) {
            out.println("write an expect on its own line: it is judged now, over the last " + Units.format(EXPECT_WINDOW) + " of load");
            return;
        }
        printer.started();
        for (Expectation e : expectations) {
            if (e instanceof Expectation.RecoveredWithin || e.phase() != null) {
                out.println("expect " + e.describe() + ": only in a scenario (it needs its phases); "
                    + "here an expectation is judged over the last " + Units.format(EXPECT_WINDOW) + " of load");
                continue;
            }
            ScenarioVerdict.Result res = session.expect(e, EXPECT_WINDOW);
            String measured = res.measured().startsWith("no ") ? res.measured() : "measured " + res.measured();
            out.println((res.ok() ? "PASS " : "FAIL ") + res.expectation() + ": " + measured
                + " (the last " + Units.format(EXPECT_WINDOW) + " of load)");
        }
    }

    /** {@code load { }}, {@code scenario}, {@code include}, {@code template}: compiled as a playbook of its own. */
    void playbookLevel(String text) throws RunException {
        LoadResult r = loader.loadText(INPUT, prelude + "\n" + text + "\n");
        if (!r.ok()) {
            printProblems(r, text, 1);
            return;
        }
        Playbook pb = r.playbook();
        if (text.startsWith("load") && !pb.builtInLoad()) {
            session.stopLoad();
            out.println("load: none (faults only; a load { } block starts it again)");
        } else if (text.startsWith("load")) {
            // The settings written replace the current ones, whatever their value (a default too); the others stay.
            LoadProfile merged = session.load().merge(pb.load());
            session.setLoad(merged);
            out.println("load: " + merged.describe() + (session.started() ? "" : " (from the start of the session)"));
        }
        for (Scenario s : pb.scenarios()) {
            define(s, "repl");
            out.println("scenario '" + s.name() + "' defined; run it with: run \"" + s.name() + "\"");
        }
    }

    void run(String name) throws RunException {
        Scenario s = allScenarios().get(name);
        if (s == null) {
            out.println("no scenario '" + name + "'" + Vocabulary.didYouMean(name, allScenarios().keySet()) + "; 'scenarios' lists them");
            return;
        }
        printer.started();
        out.println("running '" + s.name() + "' (Ctrl-C stops it and removes its faults); the session's faults are healed first");
        printer.verdict(s.name(), session.run(s, printer.progress(), true));
    }

    /** Problems of the wrapper, moved back onto the user's own lines and shown with the user's text. */
    private void printProblems(LoadResult r, String text, int linesBefore) {
        String[] lines = text.split("\r?\n", -1);
        List<Problem> mine = new ArrayList<>();
        for (Problem p : r.problems()) {
            SourcePos pos = p.pos();
            if (!pos.file().equals(INPUT)) {
                mine.add(p);
                continue;
            }
            int line = pos.line() - linesBefore;
            int col = pos.column();
            if (line < 1) {
                line = 1;
                col = 1;
            } else if (line > lines.length) {
                line = lines.length;
                col = lines[lines.length - 1].length() + 1;
            }
            mine.add(new Problem(new SourcePos(INPUT, line, col), p.message().replace("scenario 'repl'", "this statement")));
        }
        Map<String, String> sources = new LinkedHashMap<>(r.sources());
        sources.put(INPUT, text);
        out.print(new LoadResult(null, mine, sources).formatProblems());
    }
}
