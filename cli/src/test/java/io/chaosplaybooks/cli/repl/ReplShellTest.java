package io.chaosplaybooks.cli.repl;

import io.chaosplaybooks.dsl.LoadResult;
import io.chaosplaybooks.dsl.PlaybookLoader;
import io.chaosplaybooks.runtime.faults.EmbeddedBackend;
import io.chaosplaybooks.runtime.proxy.FaultEngine;
import io.chaosplaybooks.runtime.run.LiveSession;
import io.chaosplaybooks.runtime.targets.MemcachedStandIn;
import org.jline.terminal.Attributes;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Layer 2 of the REPL's tests: the shell's loop and commands on a JLine dumb terminal fed from a
 * script (never a system terminal), against a session on the embedded engine and stand-ins.
 */
class ReplShellTest {
    final FaultEngine engine = new FaultEngine();
    final List<MemcachedStandIn> standIns = new ArrayList<>();
    LiveSession session;

    @AfterEach
    void tearDown() {
        if (session != null) session.close();
        standIns.forEach(MemcachedStandIn::close);
        engine.close();
    }

    /** Runs the shell over a script and returns what it printed; the session is closed as ReplCommand closes it. */
    String run(String script) throws Exception {
        PlaybookLoader loader = new PlaybookLoader();
        LoadResult r = loader.loadText("test.groovy", "servers 2");
        List<String> addresses = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            MemcachedStandIn s = MemcachedStandIn.start("127.0.0.1", 0, 16 << 20);
            standIns.add(s);
            addresses.add("127.0.0.1:" + s.port());
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Attributes quiet = new Attributes();
        quiet.setLocalFlag(Attributes.LocalFlag.ECHO, false);
        try (Terminal terminal = TerminalBuilder.builder().system(false).type(Terminal.TYPE_DUMB)
                .streams(new ByteArrayInputStream(script.getBytes(StandardCharsets.UTF_8)), java.io.OutputStream.nullOutputStream())
                .encoding(StandardCharsets.UTF_8).attributes(quiet).build()) {
            session = new LiveSession(r.playbook(), new LiveSession.Config(addresses, 1, false,
                id -> new EmbeddedBackend(engine, id, m -> {}), m -> {}));
            // As ReplCommand does for piped input: results on a writer of its own, on the same stream.
            java.io.PrintWriter out = new java.io.PrintWriter(new java.io.OutputStreamWriter(bytes, StandardCharsets.UTF_8), true);
            ReplShell shell = new ReplShell(terminal, w -> new ReplEvaluator(session, loader, w), null, true, out);
            shell.run();
            session.close();
            out.flush();
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    int toxics() {
        return engine.proxies().values().stream().mapToInt(p -> p.toxics().size()).sum();
    }

    @Test
    void aScriptOfStatementsAndCommandsRunsToItsEnd(@TempDir Path dir) throws Exception {
        Path saved = dir.resolve("saved.groovy");
        String out = run("""
            help heal
            status
            inject latency(50.ms) on server(1)
            inject latency(5.ms) on server(3)
            status
            parallel {
                inject latency(10.ms) on server(2) for 200.ms
            }
            heal
            :save %s
            :quit
            status
            """.formatted(saved));
        assertTrue(out.contains("chaos> help heal\nheal: Removes faults"), out);
        assertTrue(out.contains("not started: 2 servers"), out);
        assertTrue(out.contains("chaos> inject latency(50.ms) on server(1)\n"), out);
        assertTrue(out.contains("on: latency(50 ms) on server-1 (until heal)"), out);
        assertTrue(out.contains("<input>:1:25: server(3) does not exist: this playbook has 2 servers"), out);
        assertTrue(out.contains("                          ^"), "the caret under the user's column:\n" + out);
        assertTrue(out.contains("latency(50 ms) on server-1  until heal"), out);
        assertTrue(out.contains("  ...>     inject latency(10.ms) on server(2) for 200.ms"), "an open brace reads on:\n" + out);
        assertTrue(out.contains("on: latency(10 ms) on server-2") && out.contains("done"), out);
        assertTrue(out.contains("healed 1 fault"), out);
        assertTrue(Files.readString(saved).contains("inject latency(50.ms) on server(1)"));
        assertEquals(2, out.split("chaos> status\n", -1).length - 1, "the two before :quit; nothing after it is read:\n" + out);
        assertEquals(0, toxics());
        assertTrue(engine.proxies().isEmpty(), "the session's proxies are gone");
    }

    @Test
    void endOfInputEndsTheSessionAndRemovesTheFaults() throws Exception {
        String out = run("inject down() on server(2)\ninject latency(10.ms) on allServers\n");
        assertTrue(out.contains("on: latency(10 ms) on server-1, server-2"), out);
        assertTrue(engine.proxies().isEmpty(), "closing after end of input removes the proxies (and so the faults)");
    }

    @Test
    void anOpenBlockAtTheEndOfInputIsNotRun() throws Exception {
        String out = run("parallel {\n  inject down() on server(1) for 10.s\n");
        assertTrue(out.contains("end of input inside an open block"), out);
        assertTrue(!session.started(), "nothing started");
    }

    @Test
    void statsPrintsLiveFiguresOnADumbTerminal() throws Exception {
        String out = run("stats\n");
        assertTrue(out.contains("not started"), out);
    }

    @Test
    void completionOffersWordsFaultsServersAndScenarios() throws Exception {
        run("");
        ReplCompleter c = new ReplCompleter(new ReplEvaluator(session, new PlaybookLoader(), new java.io.PrintWriter(new java.io.StringWriter())));
        var all = c.candidates();
        for (String w : List.of("inject", "heal", "status", ":save", "packetLoss", "latency", "down", "\"server-1\"", "\"packet-loss-10-pct\"")) {
            assertTrue(all.contains(w), w + " in " + all);
        }
        // Completion and help read the language's one table: every word of it is offered and explained.
        for (String w : io.chaosplaybooks.dsl.Vocabulary.all()) {
            assertTrue(all.contains(w), w + " in " + all);
            assertTrue(ReplHelp.WORDS.containsKey(w), "help for " + w);
        }
    }

    @Test
    void bracesCountOutsideStringsAndComments() {
        assertEquals(1, Braces.open("parallel {"));
        assertEquals(0, Braces.open("scenario \"a{\" { wait 1.s } // {"));
        assertEquals(1, Braces.open("repeat(2) { /* } */"));
        assertEquals(1, Braces.open("inject latency(5.ms"));
    }
}
