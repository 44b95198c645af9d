package io.chaosplaybooks.cli;

import io.chaosplaybooks.cli.repl.ReplEvaluator;
import io.chaosplaybooks.cli.repl.ReplShell;
import io.chaosplaybooks.dsl.LoadResult;
import io.chaosplaybooks.dsl.PlaybookLoader;
import io.chaosplaybooks.dsl.plan.Playbook;
import io.chaosplaybooks.runtime.control.ControlEndpoint;
import io.chaosplaybooks.runtime.run.LiveSession;
import org.jline.terminal.Attributes;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import sun.misc.Signal;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;

@Command(name = "repl", mixinStandardHelpOptions = true,
    description = {
        "Interactive chaos: statements of the playbook language run live against servers behind proxies,",
        "with load running through them. Without a playbook: 3 servers and a modest load, started on the",
        "first statement that needs them. Reads statements line by line from a pipe too, and exits at its end.",
    },
    footer = {
        "",
        "Examples:",
        "  chaos repl",
        "  chaos repl playbooks/smoke.groovy",
        "  printf 'inject latency(200.ms) on server(2)\\nstatus\\nheal\\n' | chaos repl",
        "",
        "In the REPL: inject ... [for d], heal [T], load { ... }, run \"name\", expect ..., status, stats,",
        "scenarios, help [word], :load FILE, :save FILE, :reset, :quit (or Ctrl-D). History: ~/.chaos_history.",
    })
final class ReplCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin PlaybookFiles files;

    @Parameters(index = "0", arity = "0..1", paramLabel = "PLAYBOOK", description = "A playbook whose servers, load and scenarios the session uses.")
    Path playbook;

    @Option(names = "--toxiproxy", paramLabel = "URL", description = "Use a real Toxiproxy server (e.g. http://127.0.0.1:8474) instead of the embedded engine.")
    URI toxiproxy;

    @Option(names = "--servers", split = ",", paramLabel = "HOST:PORT[,...]", description = "Use these servers (one per playbook server, in order; without a playbook, as many as given).")
    List<String> servers = new ArrayList<>();

    @Option(names = "--seed", description = "Seed for random targets (default: random).")
    Long seed;

    @Option(names = "--journal", paramLabel = "FILE", description = "Record the session as a run's journal (faults applied and removed, load changes, "
        + "the load's seconds): chaos replay plays it back, chaos replay --to-playbook writes it as a playbook.")
    Path journal;

    /**
     * Piped input: a dumb terminal that reads the pipe and writes nowhere; the shell writes each
     * statement with its prompt and the results on standard output, in order, as a transcript.
     */
    static Terminal pipedTerminal() throws IOException {
        Attributes quiet = new Attributes();
        quiet.setLocalFlag(Attributes.LocalFlag.ECHO, false);
        return TerminalBuilder.builder().system(false).streams(System.in, java.io.OutputStream.nullOutputStream()).type(Terminal.TYPE_DUMB)
            .encoding(StandardCharsets.UTF_8).attributes(quiet).build();
    }

    @Override
    public Integer call() throws Exception {
        PlaybookLoader loader = files.loader();
        LoadResult r = playbook != null ? loader.load(playbook)
            : loader.loadText("repl", "servers " + (servers.isEmpty() ? 3 : servers.size()) + "\n");
        if (!r.ok()) {
            spec.commandLine().getErr().print(r.formatProblems());
            spec.commandLine().getErr().flush();
            throw new UserFacingException.Invalid(r.problems().size() + (r.problems().size() == 1 ? " problem" : " problems")
                + "; no session was started");
        }
        Playbook pb = r.playbook();
        boolean interactive = LoadCommand.isTerminal();
        Terminal terminal = interactive
            ? TerminalBuilder.builder().system(true).build()
            : pipedTerminal();
        AtomicReference<ReplShell> shell = new AtomicReference<>();
        LiveSession session = new LiveSession(pb, LiveSession.Config.of(toxiproxy, servers,
            seed != null ? seed : new java.util.Random().nextLong() & 0xffff_ffffL, m -> {
                ReplShell s = shell.get();
                if (s != null) s.printAbove(m);
                else System.out.println(m);
            }));
        io.chaosplaybooks.runtime.journal.Journal recording = null;
        if (journal != null) {
            try {
                recording = new io.chaosplaybooks.runtime.journal.Journal(journal);
            } catch (IOException e) {
                throw new UserFacingException.Failed("cannot write the journal " + journal + ": " + e.getMessage());
            }
            session.record(recording);
        }
        io.chaosplaybooks.runtime.journal.Journal recordingToClose = recording;
        // SIGTERM: the JVM exits through this hook.
        Thread cleanup = new Thread(() -> {
            session.close();
            if (recordingToClose != null) recordingToClose.close();
        }, "chaos-repl-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
        String home = System.getenv("HOME") != null && !System.getenv("HOME").isBlank() ? System.getenv("HOME") : System.getProperty("user.home");
        Path history = interactive ? Path.of(home, ".chaos_history") : null;
        PrintWriter out = interactive ? terminal.writer()
            : new PrintWriter(new java.io.OutputStreamWriter(System.out, StandardCharsets.UTF_8), true);
        ReplShell s = new ReplShell(terminal, w -> new ReplEvaluator(session, loader, w), history, !interactive, out);
        shell.set(s);
        AtomicReference<String> stoppedBy = new AtomicReference<>();
        Thread waiting = Thread.currentThread();
        // Reachable from other shells: chaos status lists the session, chaos stop ends it as Ctrl-C does.
        ReplControl control = new ReplControl(session, by -> {
            if (stoppedBy.compareAndSet(null, by)) waiting.interrupt();
        });
        ControlEndpoint endpoint = null;
        try {
            endpoint = ControlEndpoint.open("repl");
            endpoint.register(control);
        } catch (IOException | RuntimeException e) {
            System.err.println("chaos: this session cannot be reached by chaos status/stop: " + e.getMessage());
        }
        // The shell reads on a thread of its own, so that a stop ends the session by returning here, not by exiting.
        AtomicReference<RuntimeException> failure = new AtomicReference<>();
        Thread reading = Thread.ofPlatform().daemon().name("chaos-repl").start(() -> {
            try {
                s.run();
            } catch (RuntimeException e) {
                failure.set(e);
            }
        });
        if (!interactive) {
            // A piped session has no terminal to catch Ctrl-C: the statement running is cancelled, else the session ends.
            try {
                Signal.handle(new Signal("INT"), sig -> {
                    if (!s.interruptStatement() && stoppedBy.compareAndSet(null, "SIGINT")) waiting.interrupt();
                });
            } catch (IllegalArgumentException unsupported) {
                // no SIGINT here: the default (exit through the cleanup hook) stays
            }
        }
        try {
            reading.join();
        } catch (InterruptedException stopped) {
            // the session ends below; the reading thread is a daemon blocked on input
        } finally {
            out.println("ending the session: removing every fault, stopping the load and the servers ...");
            out.flush();
            session.close();
            if (recording != null) recording.close();
            control.ended();
            if (endpoint != null) endpoint.close();
            out.println("session ended; nothing is left running" + (journal == null ? "" : "; recorded in " + journal));
            out.flush();
            // A terminal on System.in/System.out is left open: closing it would close them under the JVM's feet.
            if (interactive) {
                try {
                    terminal.close();
                } catch (IOException ignored) {
                    // exiting anyway
                }
            }
        }
        if (stoppedBy.get() != null) throw new Interruptible.Stopped(stoppedBy.get());
        if (failure.get() != null) throw failure.get();
        return ExitCodes.OK;
    }
}
