package io.chaosplaybooks.cli.repl;

import io.chaosplaybooks.dsl.LoadResult;
import io.chaosplaybooks.dsl.PlaybookLoader;
import io.chaosplaybooks.dsl.plan.Playbook;
import io.chaosplaybooks.dsl.plan.Scenario;
import io.chaosplaybooks.runtime.run.LiveSession;
import io.chaosplaybooks.runtime.run.RunException;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Evaluates one REPL input against a {@link LiveSession}: a command, or a statement of the
 * playbook language ({@link ReplStatements}).
 * <pre>
 *  input ─► command?  ─yes─► status / scenarios / help / :load / :save / :reset / :quit
 *          │ no
 *          ├─ run "name"                          ─► ReplStatements.run
 *          ├─ load { } / scenario / include / ... ─► ReplStatements.playbookLevel
 *          └─ else                                ─► ReplStatements.statement
 * </pre>
 * A mistake is printed as {@code <input>:line:col: message} with the line and a caret, the line
 * and column being the user's own; the session goes on. Not thread-safe: one input at a time.
 */
public final class ReplEvaluator {
    /** What the shell does after an input. */
    public enum Next { CONTINUE, QUIT }

    private static final Pattern RUN = Pattern.compile("run\\s*\\(?\\s*[\"']([^\"']+)[\"']\\s*\\)?\\s*;?");
    private static final Pattern PLAYBOOK_LEVEL = Pattern.compile("(load|scenario|include|template|playbook)\\b.*", Pattern.DOTALL);

    private final LiveSession session;
    private final PlaybookLoader loader;
    private final PrintWriter out;
    private final ReplPrinter printer;
    private final ReplStatements statements;

    public ReplEvaluator(LiveSession session, PlaybookLoader loader, PrintWriter out) {
        this.session = session;
        this.loader = loader;
        this.out = out;
        this.printer = new ReplPrinter(session, out);
        this.statements = new ReplStatements(session, loader, printer, out);
    }

    public LiveSession session() {
        return session;
    }

    /** Every scenario known: the playbook's, :load-ed files', the REPL's, then the stdlib's. */
    public Map<String, Scenario> allScenarios() {
        return statements.allScenarios();
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
                    printer.status();
                    return Next.CONTINUE;
                }
            }
            case "scenarios" -> {
                if (rest.isEmpty()) {
                    statements.listScenarios();
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
            statements.run(run.group(1));
        } else if (PLAYBOOK_LEVEL.matcher(text).matches()) {
            statements.playbookLevel(text);
        } else {
            statements.statement(text);
        }
        return Next.CONTINUE;
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
        for (Scenario s : pb.scenarios()) statements.define(s, Path.of(unquote(arg)).getFileName().toString());
        out.println("loaded " + pb.scenarios().size() + " scenario" + (pb.scenarios().size() == 1 ? "" : "s") + " from " + arg
            + ": " + String.join(", ", pb.scenarios().stream().map(Scenario::name).toList()));
    }

    private void save(String arg) {
        if (arg.isEmpty()) {
            out.println("usage: :save FILE (the session's load settings and fault statements, with the waits between them)");
            return;
        }
        Path file = Path.of(unquote(arg));
        var recorded = session.recorded();
        try {
            Files.writeString(file, ReplRecording.savedPlaybook(session.playbook(), session.load(), session.loadOn(), recorded, Instant.now()),
                StandardCharsets.UTF_8);
        } catch (IOException e) {
            out.println("error: cannot write " + file + ": " + e.getMessage());
            return;
        }
        out.println("saved " + recorded.size() + " statements" + (!session.loadOn() ? " and load none"
            : session.load().given().isEmpty() ? "" : " and the load settings")
            + " to " + file + " (check it with: chaos validate " + file + ")");
    }

    private static String unquote(String s) {
        String t = s.strip();
        if (t.length() >= 2 && (t.startsWith("\"") && t.endsWith("\"") || t.startsWith("'") && t.endsWith("'"))) {
            return t.substring(1, t.length() - 1);
        }
        return t;
    }
}
