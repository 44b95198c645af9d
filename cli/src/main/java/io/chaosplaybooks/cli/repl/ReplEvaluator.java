package io.chaosplaybooks.cli.repl;

import io.chaosplaybooks.dsl.LoadResult;
import io.chaosplaybooks.dsl.PlaybookLoader;
import io.chaosplaybooks.dsl.Problem;
import io.chaosplaybooks.dsl.plan.Expectation;
import io.chaosplaybooks.dsl.plan.Fault;
import io.chaosplaybooks.dsl.plan.LoadProfile;
import io.chaosplaybooks.dsl.plan.Playbook;
import io.chaosplaybooks.dsl.plan.Scenario;
import io.chaosplaybooks.dsl.plan.ServerSpec;
import io.chaosplaybooks.dsl.plan.SourcePos;
import io.chaosplaybooks.dsl.plan.Step;
import io.chaosplaybooks.dsl.plan.Units;
import io.chaosplaybooks.runtime.events.RunEvent;
import io.chaosplaybooks.runtime.exec.RunListener;
import io.chaosplaybooks.runtime.load.BreakerState;
import io.chaosplaybooks.runtime.load.LoadWindow;
import io.chaosplaybooks.runtime.load.ServerWindow;
import io.chaosplaybooks.runtime.run.LiveSession;
import io.chaosplaybooks.runtime.run.RunException;
import io.chaosplaybooks.runtime.verdict.ScenarioVerdict;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Evaluates one REPL input against a {@link LiveSession}: a command ({@code status}, {@code :save}, ...)
 * or a statement of the playbook language.
 * <pre>
 *  input ─► command?  ─yes─► status / scenarios / help / :load / :save / :reset / :quit
 *          │ no
 *          ├─ load { } / scenario / include ─► loaded as a playbook ─► load profile, scenarios
 *          ├─ run "name" ─► a scenario of the playbook, :load-ed files, the REPL or the stdlib ─► verdict
 *          └─ else wrapped in  scenario "repl" { ... }  ─► inject / heal live, expect judged now,
 *                                                          other steps run as a small scenario
 * </pre>
 * A mistake is printed as {@code <input>:line:col: message} with the line and a caret, the line
 * and column being the user's own; the session goes on. Not thread-safe: one input at a time.
 */
public final class ReplEvaluator {
    /** What the shell does after an input. */
    public enum Next { CONTINUE, QUIT }

    /** The name problems carry: {@code <input>:1:8: ...}. */
    static final String INPUT = "<input>";
    /** {@code expect} without a window is judged over this much of the most recent load. */
    static final Duration EXPECT_WINDOW = Duration.ofSeconds(5);

    private static final Pattern RUN = Pattern.compile("run\\s*\\(?\\s*[\"']([^\"']+)[\"']\\s*\\)?\\s*;?");
    private static final Pattern PLAYBOOK_LEVEL = Pattern.compile("(load|scenario|include|template|playbook)\\b.*", Pattern.DOTALL);

    private final LiveSession session;
    private final PlaybookLoader loader;
    private final PrintWriter out;
    private final Map<String, Scenario> scenarios = new LinkedHashMap<>();
    private final Map<String, String> origins = new LinkedHashMap<>();
    private Map<String, Scenario> stdlib;
    private final String prelude;

    public ReplEvaluator(LiveSession session, PlaybookLoader loader, PrintWriter out) {
        this.session = session;
        this.loader = loader;
        this.out = out;
        this.prelude = prelude(session.playbook());
        for (Scenario s : session.playbook().scenarios()) add(s, "playbook");
    }

    public LiveSession session() {
        return session;
    }

    private void add(Scenario s, String origin) {
        scenarios.put(s.name(), s);
        origins.put(s.name(), origin);
    }

    /** The servers as the wrapper declares them, on one line so that the user's lines keep their numbers. */
    static String prelude(Playbook pb) {
        boolean numbered = true;
        for (int i = 0; i < pb.servers().size(); i++) {
            if (!pb.servers().get(i).name().equals("server-" + (i + 1))) numbered = false;
        }
        if (numbered) return "servers " + pb.servers().size();
        StringBuilder sb = new StringBuilder();
        for (ServerSpec s : pb.servers()) {
            if (!sb.isEmpty()) sb.append("; ");
            sb.append("server \"").append(s.name()).append('"');
        }
        return sb.toString();
    }

    /** Evaluates one complete input (possibly several lines). */
    public Next eval(String input) {
        String text = input.strip();
        if (text.isEmpty() || text.startsWith("//")) return Next.CONTINUE;
        try {
            return dispatch(text);
        } catch (RunException e) {
            out.println("error: " + e.getMessage());
        } finally {
            if (Thread.interrupted()) out.println("cancelled; no fault of that statement is left on");
            out.flush();
        }
        return Next.CONTINUE;
    }

    private Next dispatch(String text) throws RunException {
        String[] words = text.split("\\s+", 2);
        String first = words[0];
        String rest = words.length > 1 ? words[1].strip() : "";
        switch (first) {
            case ":quit", ":q", ":exit", "quit", "exit" -> {
                return Next.QUIT;
            }
            case "status" -> {
                if (rest.isEmpty()) {
                    status();
                    return Next.CONTINUE;
                }
            }
            case "scenarios" -> {
                if (rest.isEmpty()) {
                    listScenarios();
                    return Next.CONTINUE;
                }
            }
            case "help", ":help", "?" -> {
                out.print(ReplHelp.help(rest));
                return Next.CONTINUE;
            }
            case ":reset" -> {
                session.reset();
                out.println("every fault removed; the recorded statements are forgotten (servers and load keep running)");
                return Next.CONTINUE;
            }
            case ":save" -> {
                save(rest);
                return Next.CONTINUE;
            }
            case ":load" -> {
                loadFile(rest);
                return Next.CONTINUE;
            }
            default -> {
                if (first.startsWith(":")) {
                    out.println("unknown command '" + first + "'; the commands are: " + String.join(", ", ReplHelp.COMMANDS));
                    return Next.CONTINUE;
                }
            }
        }
        Matcher run = RUN.matcher(text);
        if (run.matches()) {
            runScenario(run.group(1));
        } else if (PLAYBOOK_LEVEL.matcher(text).matches()) {
            playbookLevel(text);
        } else {
            statement(text);
        }
        return Next.CONTINUE;
    }

    // ---- statements ---------------------------------------------------------------------------

    /** Wraps a statement in a scenario; the user's line 1 is the wrapper's line 3. */
    private void statement(String text) throws RunException {
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
            return;
        }
        if (steps.size() == 1 && steps.get(0) instanceof Step.Inject inject) {
            inject(inject, text);
        } else if (steps.size() == 1 && steps.get(0) instanceof Step.Heal heal) {
            boolean before = session.started();
            int n = session.heal(heal.target(), text);
            out.println(!before ? "nothing to heal (the session has not started)"
                : n == 0 ? "nothing to heal" : "healed " + n + (n == 1 ? " fault" : " faults")
                + (heal.target() == null ? "" : " on " + heal.target().describe()));
        } else if (!steps.isEmpty()) {
            boolean healFirst = steps.stream().anyMatch(x -> x instanceof Step.Recover || x instanceof Step.Stabilize);
            Scenario adHoc = new Scenario("repl", null, List.of(), steps, List.of(), s.pos());
            started();
            ScenarioVerdict v = session.run(adHoc, listener(), healFirst);
            out.println(v.errors().isEmpty() ? "done" : "ended with errors: " + String.join("; ", v.errors()));
        }
    }

    private void inject(Step.Inject inject, String text) throws RunException {
        started();
        LiveSession.ActiveFault a = session.inject(inject.faults(), inject.target(), inject.duration(), text);
        out.println("on: " + describe(a.faults()) + " on " + String.join(", ", a.servers())
            + (inject.duration() == null ? " (until heal)" : " for " + Units.format(inject.duration())
            + " (ends by itself; see status)"));
    }

    private void expect(List<Expectation> expectations, List<Step> steps) throws RunException {
        if (!steps.isEmpty()) {
            out.println("write an expect on its own line: it is judged now, over the last " + Units.format(EXPECT_WINDOW) + " of load");
            return;
        }
        started();
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

    private void playbookLevel(String text) throws RunException {
        String wrapped = prelude + "\n" + text + "\n";
        LoadResult r = loader.loadText(INPUT, wrapped);
        if (!r.ok()) {
            printProblems(r, text, 1);
            return;
        }
        Playbook pb = r.playbook();
        if (text.startsWith("load")) {
            LoadProfile merged = merge(session.load(), pb.load());
            session.setLoad(merged);
            out.println("load: " + describe(merged) + (session.started() ? "" : " (from the start of the session)"));
        }
        for (Scenario s : pb.scenarios()) {
            add(s, "repl");
            out.println("scenario '" + s.name() + "' defined; run it with: run \"" + s.name() + "\"");
        }
    }

    /** What {@code load { }} gave replaces the current load; what it left at its default keeps the current value. */
    static LoadProfile merge(LoadProfile current, LoadProfile given) {
        LoadProfile d = LoadProfile.defaults(given.pos());
        return new LoadProfile(
            given.clients() != d.clients() ? given.clients() : current.clients(),
            given.ratePerSecond() != null ? given.ratePerSecond() : current.ratePerSecond(),
            !given.mix().equals(d.mix()) ? given.mix() : current.mix(),
            given.keys() != d.keys() ? given.keys() : current.keys(),
            !given.keyDistribution().equals(d.keyDistribution()) ? given.keyDistribution() : current.keyDistribution(),
            given.valueSizeBytes() != d.valueSizeBytes() ? given.valueSizeBytes() : current.valueSizeBytes(),
            !given.timeout().equals(d.timeout()) ? given.timeout() : current.timeout(),
            !given.breaker().equals(d.breaker()) ? given.breaker() : current.breaker(),
            current.pos());
    }

    static String describe(LoadProfile p) {
        return (p.ratePerSecond() == null ? p.clients() + " clients (closed loop)"
            : Units.formatNumber(p.ratePerSecond()) + " ops/s (open loop, up to " + p.clients() + " in flight)")
            + ", " + p.keys() + " keys, timeout " + Units.format(p.timeout());
    }

    private void runScenario(String name) throws RunException {
        Scenario s = scenario(name);
        if (s == null) {
            List<String> all = new ArrayList<>(allScenarios().keySet());
            out.println("no scenario '" + name + "'" + didYouMean(name, all) + "; 'scenarios' lists them");
            return;
        }
        started();
        out.println("running '" + s.name() + "' (Ctrl-C stops it and removes its faults); the session's faults are healed first");
        ScenarioVerdict v = session.run(s, listener(), true);
        if (v.errors().contains("interrupted")) {
            out.println(s.name() + ": stopped before its end; no verdict");
            return;
        }
        out.println(s.name() + ": " + v.status().label());
        for (ScenarioVerdict.Result res : v.results()) {
            out.println("  " + (res.ok() ? "ok   " : "FAIL ") + res.expectation() + ": expected " + res.expected()
                + ", measured " + res.measured());
        }
        for (String e : v.errors()) out.println("  error: " + e);
    }

    /** Prints the scenario's phases and fault changes as they happen, with seconds from its start. */
    private RunListener listener() {
        return event -> {
            switch (event) {
                case RunEvent.PhaseStart p -> line(p.actualMs(), (p.step() == null || p.step().equals(p.phase()) ? p.phase() : p.phase() + " " + p.step())
                    + (p.lengthMs() > 0 ? " " + Units.format(Duration.ofNanos(Math.round(p.lengthMs() * 1e6))) : ""));
                case RunEvent.FaultApplied f -> line(f.actualMs(), "  on: " + f.fault() + " on " + f.server());
                case RunEvent.FaultRemoved f -> line(f.actualMs(), "  off: " + f.fault() + " on " + f.server() + " (" + f.why() + ")");
                case RunEvent.ActionFailed f -> line(f.actualMs(), "  error: " + f.what());
                default -> { }
            }
        };
    }

    private void line(double ms, String s) {
        out.printf(Locale.ROOT, "  [%6.1fs] %s%n", ms / 1e3, s);
        out.flush();
    }

    /** Says that the session has started, the first time a statement starts it. */
    private void started() throws RunException {
        if (session.started()) return;
        out.println("starting the session: " + session.serverNames().size() + " servers, a proxy in front of each, load "
            + describe(session.load()) + " ...");
        out.flush();
        session.start();
        LiveSession.Status st = session.status();
        out.println("session " + session.id() + ": " + st.targets().toLowerCase(Locale.ROOT).replace('_', ' ')
            + " servers, " + st.backend() + " proxies; 'status' shows them");
    }

    // ---- scenarios ------------------------------------------------------------------------------

    Scenario scenario(String name) {
        Scenario s = scenarios.get(name);
        return s != null ? s : stdlib().get(name);
    }

    /** Every scenario known: the playbook's, :load-ed files', the REPL's, then the stdlib's. */
    public Map<String, Scenario> allScenarios() {
        Map<String, Scenario> all = new LinkedHashMap<>(scenarios);
        stdlib().forEach(all::putIfAbsent);
        return all;
    }

    private Map<String, Scenario> stdlib() {
        if (stdlib == null) {
            stdlib = new LinkedHashMap<>();
            LoadResult r = loader.loadText("stdlib", prelude + "\ninclude \"stdlib:all\"\n");
            if (r.playbook() != null) for (Scenario s : r.playbook().scenarios()) stdlib.put(s.name(), s);
        }
        return stdlib;
    }

    private void listScenarios() {
        Map<String, Scenario> all = allScenarios();
        for (Scenario s : all.values()) {
            String origin = origins.getOrDefault(s.name(), "stdlib");
            out.printf(Locale.ROOT, "  %-40s %-9s %s%n", s.name(), origin, Objects.requireNonNullElse(s.description(), ""));
        }
        out.println(all.size() + " scenarios; run one with: run \"NAME\"");
    }

    private void loadFile(String arg) {
        if (arg.isEmpty()) {
            out.println("usage: :load FILE (a playbook: its scenarios become available to run)");
            return;
        }
        LoadResult r = loader.load(Path.of(unquote(arg)));
        if (!r.ok()) {
            out.print(r.formatProblems());
            out.println(r.problems().size() + (r.problems().size() == 1 ? " problem" : " problems") + "; nothing was loaded");
            return;
        }
        Playbook pb = r.playbook();
        if (pb.serverCount() != session.serverNames().size()) {
            out.println("note: " + arg + " declares " + pb.serverCount() + " servers; this session has "
                + session.serverNames().size() + " (targets beyond them fail when run)");
        }
        for (Scenario s : pb.scenarios()) add(s, Path.of(unquote(arg)).getFileName().toString());
        out.println("loaded " + pb.scenarios().size() + " scenario" + (pb.scenarios().size() == 1 ? "" : "s") + " from " + arg
            + ": " + String.join(", ", pb.scenarios().stream().map(Scenario::name).toList()));
    }

    // ---- :save ----------------------------------------------------------------------------------

    private void save(String arg) {
        if (arg.isEmpty()) {
            out.println("usage: :save FILE (the session's fault statements, with the waits between them, as a scenario)");
            return;
        }
        Path file = Path.of(unquote(arg));
        String text = savedScenario(session.playbook(), session.recorded(), Instant.now());
        try {
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            out.println("error: cannot write " + file + ": " + e.getMessage());
            return;
        }
        out.println("saved " + session.recorded().size() + " statements to " + file + " (check it with: chaos validate " + file + ")");
    }

    /**
     * The recorded statements as a scenario: each followed by a wait up to the next one. A timed
     * inject is a phase of its own length in a scenario, so the wait after it is shortened by that much.
     */
    static String savedScenario(Playbook pb, List<LiveSession.Recorded> recorded, Instant now) {
        StringBuilder sb = new StringBuilder();
        sb.append("// Saved by chaos repl at ").append(now).append(": the session's fault statements with the waits between them.\n");
        boolean numbered = prelude(pb).startsWith("servers ");
        if (numbered) {
            sb.append("servers ").append(pb.serverCount()).append('\n');
        } else {
            for (ServerSpec s : pb.servers()) {
                sb.append("server \"").append(s.name()).append('"');
                if (s.address() != null) sb.append(", \"").append(s.address()).append('"');
                sb.append('\n');
            }
        }
        sb.append("\nscenario \"repl-session\" {\n");
        sb.append("    description \"Recorded in chaos repl\"\n");
        if (recorded.isEmpty()) sb.append("    wait 1.s\n");
        for (int i = 0; i < recorded.size(); i++) {
            LiveSession.Recorded r = recorded.get(i);
            for (String line : r.statement().split("\r?\n")) sb.append("    ").append(line.strip()).append('\n');
            if (i + 1 < recorded.size()) {
                Duration gap = Duration.between(r.at(), recorded.get(i + 1).at());
                if (r.lasts() != null) gap = gap.minus(r.lasts());
                String w = waitLiteral(gap);
                if (w != null) sb.append("    wait ").append(w).append('\n');
            }
        }
        sb.append("}\n");
        return sb.toString();
    }

    /** {@code 12.s}, {@code 1.5.s}; null when under a tenth of a second. */
    static String waitLiteral(Duration d) {
        long tenths = Math.round(d.toMillis() / 100.0);
        if (tenths <= 0) return null;
        return tenths % 10 == 0 ? (tenths / 10) + ".s" : String.format(Locale.ROOT, "%.1f.s", tenths / 10.0);
    }

    // ---- status ---------------------------------------------------------------------------------

    private void status() {
        LiveSession.Status st = session.status();
        if (!st.started()) {
            out.println("not started: " + session.serverNames().size() + " servers (" + String.join(", ", session.serverNames())
                + "), load " + describe(session.load()) + "; the first inject, run or expect starts them");
            return;
        }
        out.println("session " + session.id() + ": " + st.targets().toLowerCase(Locale.ROOT).replace('_', ' ') + " servers, "
            + st.backend() + " proxies");
        out.printf(Locale.ROOT, "  %-14s %-22s %-22s %s%n", "server", "address", "proxy", "breaker");
        for (LiveSession.ServerLine s : st.servers()) {
            BreakerState b = st.breakers().get(s.name());
            out.printf(Locale.ROOT, "  %-14s %-22s %-22s %s%n", s.name(), s.address(), s.proxy(),
                b == null ? "-" : b.name().toLowerCase(Locale.ROOT).replace('_', ' '));
        }
        Instant now = Instant.now();
        if (st.faults().isEmpty()) {
            out.println("faults: none");
        } else {
            out.println("faults:");
            for (LiveSession.ActiveFault f : st.faults()) {
                Duration left = f.left(now);
                out.println("  " + describe(f.faults()) + " on " + String.join(", ", f.servers())
                    + (left == null ? "  until heal" : "  " + String.format(Locale.ROOT, "%.1f s left", left.toMillis() / 1000.0)));
            }
        }
        out.println("load: " + describe(session.load()));
        LoadWindow w = st.lastSecond();
        if (w != null) out.println("last second: " + figures(w));
    }

    static String figures(LoadWindow w) {
        ServerWindow t = w.total();
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%.0f ops/s, %.2f%% errors", w.opsPerSecond(), t.errorRate() * 100));
        if (t.latency() != null) sb.append(String.format(Locale.ROOT, ", p50 %.2f ms, p99 %.2f ms", t.latency().p50Ms(), t.latency().p99Ms()));
        return sb.toString();
    }

    // ---- helpers --------------------------------------------------------------------------------

    private static String describe(List<Fault> faults) {
        return String.join(" + ", faults.stream().map(Fault::describe).toList());
    }

    private static String unquote(String s) {
        String t = s.strip();
        if (t.length() >= 2 && (t.startsWith("\"") && t.endsWith("\"") || t.startsWith("'") && t.endsWith("'"))) {
            return t.substring(1, t.length() - 1);
        }
        return t;
    }

    /** Problems of the wrapper, moved back onto the user's own lines and shown with the user's text. */
    private void printProblems(LoadResult r, String text, int linesBefore) {
        int lastLine = text.split("\r?\n", -1).length;
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
            } else if (line > lastLine) {
                line = lastLine;
                col = text.split("\r?\n", -1)[lastLine - 1].length() + 1;
            }
            mine.add(new Problem(new SourcePos(INPUT, line, col), p.message().replace("scenario 'repl'", "this statement")));
        }
        Map<String, String> sources = new LinkedHashMap<>(r.sources());
        sources.put(INPUT, text);
        out.print(new LoadResult(null, mine, sources).formatProblems());
    }

    private static String didYouMean(String name, List<String> known) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String k : known) {
            int d = distance(name.toLowerCase(Locale.ROOT), k.toLowerCase(Locale.ROOT));
            if (d < bestDistance) {
                best = k;
                bestDistance = d;
            }
        }
        return best != null && bestDistance <= Math.max(2, name.length() / 3) ? "; did you mean '" + best + "'?" : "";
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) prev[j] = j;
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
