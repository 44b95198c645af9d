package io.chaosplaybooks.cli.repl;

import io.chaosplaybooks.runtime.load.LoadWindow;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.terminal.Attributes;
import org.jline.terminal.Terminal;
import org.jline.utils.NonBlockingReader;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;

/**
 * The REPL's loop on a JLine terminal (a real one, or a dumb one on given streams in tests and for
 * piped input):
 * <pre>
 *  readLine ─► an open { or ( ? ─yes─► read the next line onto it ("...>")
 *           │ complete
 *           └─► stats? ─► live figures ; else ─► ReplEvaluator.eval ─► QUIT? ─► return
 *  Ctrl-C while reading: the line is dropped.  Ctrl-C while evaluating: the statement is cancelled.
 *  Ctrl-D (end of input): return.
 * </pre>
 * The caller closes the session after {@link #run()} returns, whichever way it ended.
 */
public final class ReplShell {
    static final String PROMPT = "chaos> ";
    static final String CONTINUATION = "  ...> ";

    private final Terminal terminal;
    private final Function<PrintWriter, ReplEvaluator> evaluators;
    private final Path historyFile;
    private final boolean echoInput;
    private final PrintWriter out;
    private volatile Thread evaluating;
    private volatile LineReader reader;

    /**
     * @param evaluators makes the evaluator, given where it prints (the terminal's writer)
     * @param historyFile where history is kept, or null for none kept (tests, piped input)
     * @param echoInput    write each line read with its prompt to {@code out} (piped input, whose terminal writes nowhere)
     * @param out          where results go: the terminal's writer, or for piped input a writer of our own on the
     *                     same stream (a dumb terminal on streams stops writing once its input has ended)
     */
    public ReplShell(Terminal terminal, Function<PrintWriter, ReplEvaluator> evaluators, Path historyFile, boolean echoInput,
                     PrintWriter out) {
        this.terminal = terminal;
        this.out = out != null ? out : terminal.writer();
        this.evaluators = evaluators;
        this.historyFile = historyFile;
        this.echoInput = echoInput;
    }

    /** Interrupts the statement being evaluated; false when none is. */
    public boolean interruptStatement() {
        Thread t = evaluating;
        if (t == null) return false;
        t.interrupt();
        return true;
    }

    /** Prints a line without breaking the one being typed (timed faults ending, from another thread). */
    public void printAbove(String message) {
        LineReader r = reader;
        if (r != null && !echoInput && r.isReading()) {
            r.printAbove(message);
        } else {
            synchronized (out) {
                out.println(message);
                out.flush();
            }
        }
    }

    public void run() {
        ReplEvaluator evaluator = evaluators.apply(out);
        LineReaderBuilder b = LineReaderBuilder.builder().terminal(terminal).appName("chaos")
            .completer(new ReplCompleter(evaluator))
            .highlighter(new ReplHighlighter())
            .variable(LineReader.SECONDARY_PROMPT_PATTERN, CONTINUATION)
            .option(LineReader.Option.DISABLE_EVENT_EXPANSION, true)
            .option(LineReader.Option.HISTORY_IGNORE_DUPS, true);
        if (historyFile != null) b.variable(LineReader.HISTORY_FILE, historyFile);
        reader = b.build();
        terminal.handle(Terminal.Signal.INT, s -> interruptStatement());
        out.println("chaos repl: statements of the playbook language run live; 'help' explains, Ctrl-D or :quit ends.");
        out.flush();
        StringBuilder pending = new StringBuilder();
        try {
            while (true) {
                String line;
                try {
                    line = reader.readLine(pending.isEmpty() ? PROMPT : CONTINUATION);
                } catch (UserInterruptException e) {
                    pending.setLength(0);
                    continue;
                } catch (EndOfFileException e) {
                    if (!pending.isEmpty()) out.println("(end of input inside an open block; that block is not run)");
                    return;
                }
                if (echoInput) {
                    out.println((pending.isEmpty() ? PROMPT : CONTINUATION) + line);
                    out.flush();
                }
                pending.append(line).append('\n');
                if (Braces.open(pending) > 0) continue;
                String input = pending.toString();
                pending.setLength(0);
                if (input.strip().equals("stats")) {
                    stats(evaluator);
                    continue;
                }
                evaluating = Thread.currentThread();
                ReplEvaluator.Next next;
                try {
                    next = evaluator.eval(input);
                } finally {
                    evaluating = null;
                    Thread.interrupted();
                }
                if (next == ReplEvaluator.Next.QUIT) return;
            }
        } finally {
            try {
                reader.getHistory().save();
            } catch (IOException e) {
                out.println("(history not saved: " + e.getMessage() + ")");
            }
            out.flush();
        }
    }

    /** Live figures once a second until a key is pressed; on a dumb terminal (piped input) for 5 seconds. */
    private void stats(ReplEvaluator evaluator) {
        if (!evaluator.session().started()) {
            out.println("not started: the first inject, run or expect starts the servers and the load");
            out.flush();
            return;
        }
        boolean dumb = Terminal.TYPE_DUMB.equals(terminal.getType()) || Terminal.TYPE_DUMB_COLOR.equals(terminal.getType());
        out.println(dumb ? "live figures for 5 s:" : "live figures; press a key to stop:");
        out.flush();
        Attributes saved = dumb ? null : terminal.enterRawMode();
        try {
            NonBlockingReader keys = terminal.reader();
            LoadWindow last = null;
            for (int i = 0; !dumb || i < 5; i++) {
                if (dumb) {
                    Thread.sleep(1000);
                } else if (keys.read(1000) >= 0) {
                    break;
                }
                List<LoadWindow> recent = evaluator.session().recentWindows();
                LoadWindow w = recent.isEmpty() ? null : recent.get(recent.size() - 1);
                if (w != null && w != last) {
                    out.println("  " + ReplPrinter.figures(w) + "  faults: " + evaluator.session().activeFaults().size()
                        + "  breakers: " + evaluator.session().status().breakers());
                    out.flush();
                    last = w;
                }
            }
        } catch (IOException | InterruptedException e) {
            Thread.interrupted();
        } finally {
            if (saved != null) terminal.setAttributes(saved);
        }
    }
}
