package io.chaosplaybooks.cli.repl;

import io.chaosplaybooks.dsl.LoadResult;
import io.chaosplaybooks.dsl.PlaybookLoader;
import io.chaosplaybooks.dsl.plan.Playbook;
import io.chaosplaybooks.runtime.faults.EmbeddedBackend;
import io.chaosplaybooks.runtime.proxy.FaultEngine;
import io.chaosplaybooks.runtime.proxy.ProxyInfo;
import io.chaosplaybooks.runtime.run.LiveSession;
import io.chaosplaybooks.runtime.targets.MemcachedStandIn;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Layer 1 of the REPL's tests: the evaluator alone, statements against a live session on the
 * embedded engine and in-process memcached stand-ins; faults are looked at on the engine itself.
 */
class ReplEvaluatorTest {
    final FaultEngine engine = new FaultEngine();
    final List<MemcachedStandIn> standIns = new ArrayList<>();
    final StringWriter text = new StringWriter();
    final PlaybookLoader loader = new PlaybookLoader();
    LiveSession session;
    ReplEvaluator repl;

    @BeforeEach
    void setUp() throws Exception {
        open("servers 3", false);
    }

    void open(String playbook, boolean load) throws Exception {
        LoadResult r = loader.loadText("test.groovy", playbook);
        assertTrue(r.ok(), r.formatProblems());
        Playbook pb = r.playbook();
        List<String> addresses = new ArrayList<>();
        for (int i = 0; i < pb.serverCount(); i++) {
            MemcachedStandIn s = MemcachedStandIn.start("127.0.0.1", 0, 16 << 20);
            standIns.add(s);
            addresses.add("127.0.0.1:" + s.port());
        }
        session = new LiveSession(pb, new LiveSession.Config(addresses, 1, load,
            id -> new EmbeddedBackend(engine, id, m -> text.append(m).append('\n')), m -> text.append(m).append('\n')));
        repl = new ReplEvaluator(session, loader, new PrintWriter(text, true));
    }

    @AfterEach
    void tearDown() {
        session.close();
        assertTrue(engine.proxies().isEmpty(), "closing the session deletes its proxies: " + engine.proxies().keySet());
        standIns.forEach(MemcachedStandIn::close);
        engine.close();
    }

    String eval(String input) {
        int from = text.getBuffer().length();
        assertEquals(ReplEvaluator.Next.CONTINUE, repl.eval(input));
        return text.getBuffer().substring(from);
    }

    /** Toxics (and disabled proxies) per server name, as the engine has them. */
    int toxicsOn(String server) {
        ProxyInfo p = engine.proxies().values().stream().filter(x -> x.name().endsWith("-" + server)).findFirst().orElseThrow();
        return p.toxics().size() + (p.enabled() ? 0 : 1);
    }

    int allToxics() {
        return engine.proxies().values().stream().mapToInt(p -> p.toxics().size() + (p.enabled() ? 0 : 1)).sum();
    }

    @Test
    void injectStaysUntilHeal() {
        String out = eval("inject latency(200.ms) on server(2)");
        assertTrue(out.contains("on: latency(200 ms) on server-2 (until heal)"), out);
        assertEquals(3, engine.proxies().size(), "a proxy per server, started by the first statement");
        assertEquals(1, toxicsOn("server-2"));
        assertEquals(0, toxicsOn("server-1"));
        assertTrue(eval("status").contains("latency(200 ms) on server-2  until heal"));
        assertTrue(eval("heal").contains("healed 1 fault"));
        assertEquals(0, allToxics());
    }

    @Test
    void healOnATargetLeavesTheOthers() {
        eval("inject packetLoss(0.1) on servers(1, 2)");
        eval("inject down() on server(3)");
        assertEquals(2, toxicsOn("server-1"), "loss goes both ways: a toxic per direction");
        assertEquals(1, toxicsOn("server-3"), "down disables the proxy");
        assertTrue(eval("heal server(1)").contains("healed 1 fault on server(1)"));
        assertEquals(0, toxicsOn("server-1"));
        assertEquals(2, toxicsOn("server-2"));
        assertEquals(1, toxicsOn("server-3"));
        eval("heal");
        assertEquals(0, allToxics());
    }

    @Test
    void timedInjectReturnsAtOnceAndEndsByItself() throws Exception {
        long t0 = System.nanoTime();
        String out = eval("inject packetLoss(0.1) on server(1) for 1.s");
        assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(1) + TimeUnit.MILLISECONDS.toNanos(900),
            "returns at once (the session's start aside)");
        assertTrue(out.contains("for 1 s (ends by itself"), out);
        assertEquals(2, toxicsOn("server-1"));
        assertTrue(eval("status").matches("(?s).*packetLoss\\(10%\\) on server-1  \\d\\.\\d s left.*"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (allToxics() > 0 && System.nanoTime() < deadline) Thread.sleep(20);
        assertEquals(0, allToxics(), "the timed fault ended by itself");
        while (!text.toString().contains("ended: ") && System.nanoTime() < deadline) Thread.sleep(20);
        assertTrue(text.toString().contains("ended: inject packetLoss(0.1) on server(1) for 1.s"), text.toString());
        assertTrue(eval("status").contains("faults: none"));
    }

    @Test
    void mistakesPointAtTheUsersOwnLineAndColumnAndTheSessionGoesOn() {
        String out = eval("inject latency(5.ms) on server(4)");
        assertTrue(out.startsWith("<input>:1:25: server(4) does not exist"), out);
        assertTrue(out.contains("  inject latency(5.ms) on server(4)\n                          ^"), out);
        out = eval("parallel {\n  inject packetLoss(1.5) on server(1) for 1.s\n}");
        assertTrue(out.contains("<input>:2:10: packetLoss rate must be between 0 and 1"), out);
        out = eval("injec latency(5.ms) on server(1)");
        assertTrue(out.contains("<input>:1:1: unknown word 'injec' in this statement; did you mean 'inject'?"), out);
        assertFalse(session.started(), "nothing was started for statements that did not evaluate");
        assertTrue(eval("inject latency(5.ms) on server(1)").contains("on: latency(5 ms) on server-1"));
    }

    @Test
    void loadChangesOnlyWhatIsGiven() {
        var before = session.load();
        String out = eval("load { clients 7 }");
        assertTrue(out.contains("load: 7 clients"), out);
        assertEquals(7, session.load().clients());
        assertEquals(before.keys(), session.load().keys());
        assertEquals(before.timeout(), session.load().timeout());
        assertTrue(eval("load { clientz 7 }").contains("<input>:1:8: unknown word 'clientz' in load { }"));
    }

    @Test
    void aLoadSettingCanGoBackToItsDefault() {
        int defaultClients = io.chaosplaybooks.dsl.plan.LoadProfile.builder().build().clients();
        eval("load { clients 7; keys 500 }");
        assertEquals(7, session.load().clients());
        String out = eval("load { clients " + defaultClients + " }");
        assertTrue(out.contains("load: " + defaultClients + " clients"), out);
        assertEquals(defaultClients, session.load().clients(), "a default value given is a value given");
        assertEquals(500, session.load().keys(), "what was not given stays");
    }

    /** {@code :save FILE}, which must say {@code said}; the file read back as a playbook without a problem. */
    Playbook save(Path file, String said) throws Exception {
        assertTrue(eval(":save " + file).contains(said));
        LoadResult r = new PlaybookLoader().load(file);
        assertTrue(r.ok(), r.formatProblems() + Files.readString(file));
        return r.playbook();
    }

    @Test
    void saveKeepsTheLoadSettings(@TempDir Path dir) throws Exception {
        session.close();
        open("servers 2\nload { timeout 250.ms }", false);
        eval("load { clients 7; mix get: 0.5, set: 0.5 }");
        eval("load { clients 50; breaker failureRate: 20.percent, openFor: 2.s, window: 30 }");
        eval("inject latency(20.ms) on server(1)");
        Path file = dir.resolve("with-load.groovy");
        var load = save(file, "and the load settings").load();
        String saved = Files.readString(file);
        assertEquals(50, load.clients(), saved);
        assertEquals(java.time.Duration.ofMillis(250), load.timeout(), "the playbook's own setting is kept: " + saved);
        assertEquals(java.util.Map.of("get", 0.5, "set", 0.5), load.mix(), saved);
        assertEquals(0.2, load.breaker().failureRate(), 1e-9, saved);
        assertEquals(java.time.Duration.ofSeconds(2), load.breaker().openFor(), saved);
        assertEquals(30, load.breaker().window(), saved);
        assertEquals(session.load().written(), load.written(), "every setting given reads back the same");
        assertEquals(session.load().given(), load.given(), saved);
    }

    @Test
    void saveKeepsWhereEachServerIsItsPrometheusAndLoadNone(@TempDir Path dir) throws Exception {
        session.close();
        open("""
            server "cache-a", "127.0.0.1:11211", listen: "127.0.0.1:21211"
            server "cache-b", proxy: "memcached_b", toxiproxy: "http://127.0.0.1:8474"
            server "cache.c_3", "127.0.0.1:11213"
            prometheus "http://127.0.0.1:9090"
            load none
            """, true);
        Path file = dir.resolve("own-system.groovy");
        Playbook saved = save(file, "saved 0 statements and load none");
        String text = Files.readString(file);
        assertEquals(session.playbook().servers().stream().map(s -> List.of(s.name(), String.valueOf(s.address()), String.valueOf(s.listen()),
                String.valueOf(s.toxiproxy()), String.valueOf(s.proxy()))).toList(),
            saved.servers().stream().map(s -> List.of(s.name(), String.valueOf(s.address()), String.valueOf(s.listen()),
                String.valueOf(s.toxiproxy()), String.valueOf(s.proxy()))).toList(), text);
        assertEquals("http://127.0.0.1:9090", saved.prometheus(), text);
        assertFalse(saved.builtInLoad(), "load none is kept: a saved session must not drive load at the user's system: " + text);
    }

    @Test
    void loadNoneStartsNoLoadUntilALoadBlockAsksForIt() throws Exception {
        session.close();
        open("servers 2\nload none", true);
        eval("inject latency(5.ms) on server(1)");
        assertFalse(session.loadOn());
        Thread.sleep(1500);
        assertNull(session.status().lastSecond(), "no load second: the built-in load did not start");
        assertTrue(eval("load { clients 2; keys 100 }").contains("load: 2 clients"));
        assertTrue(session.loadOn());
        long end = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        while (session.status().lastSecond() == null || session.status().lastSecond().total().operations() == 0) {
            assertTrue(System.nanoTime() < end, "the load block started the load within 10 s");
            Thread.sleep(100);
        }
        assertTrue(eval("load none").contains("load: none"));
        assertFalse(session.loadOn());
        eval("heal");
    }

    @Test
    void theReadmesReplLinesAreAcceptedAsWritten(@TempDir Path dir) throws Exception {
        // Every `chaos> ` line of the README, on a session with load; `run` of a stdlib scenario lasts minutes,
        // so for it the scenario must be one the session knows, and :save writes into the test's directory.
        session.close();
        open("servers 3\nload { clients 4; keys 100 }", true);
        List<String> lines = Files.readAllLines(Path.of("..", "README.md")).stream()
            .filter(l -> l.startsWith("chaos> ")).map(l -> l.substring("chaos> ".length()).replaceAll("\\s+//.*$", "").strip()).toList();
        assertTrue(lines.size() >= 8, "the README's REPL example: " + lines);
        for (String line : lines) {
            String out;
            if (line.startsWith("run ")) {
                String name = line.substring(4).replace("\"", "").strip();
                out = eval("scenarios");
                assertTrue(out.contains(name), line + ": the session knows the scenario:\n" + out);
                continue;
            }
            out = eval(line.startsWith(":save ") ? ":save " + dir.resolve(line.substring(6).strip()) : line);
            assertFalse(out.contains("<input>:") || out.contains("unknown command") || out.contains("usage:") || out.contains("error:"),
                line + ":\n" + out);
        }
        assertTrue(Files.exists(dir.resolve("session.groovy")));
        eval("heal");
    }

    @Test
    void savedSessionIsAScenarioThatValidates(@TempDir Path dir) throws Exception {
        eval("inject latency(200.ms) on server(2)");
        eval("inject packetLoss(0.1) on server(1) for 1.s");
        Thread.sleep(1300);
        eval("heal server(2)");
        Path file = dir.resolve("saved.groovy");
        var steps = save(file, "saved 3 statements").scenarios().get(0).steps();
        String saved = Files.readString(file);
        // A busy machine may put a short wait between the first two statements too; the statements are what matter.
        assertEquals(List.of("inject", "inject", "heal"), steps.stream().map(s -> s.word()).filter(w -> !w.equals("wait")).toList(), saved);
        assertTrue(saved.contains("    inject packetLoss(0.1) on server(1) for 1.s\n    wait 0."), "the wait after a timed inject is what is left of the gap:\n" + saved);
    }

    @Test
    void namedServersAreKeptInWrapperAndSave(@TempDir Path dir) throws Exception {
        session.close();
        open("server \"cache-a\"\nserver \"cache-b\"", false);
        assertTrue(eval("inject latency(10.ms) on server(\"cache-b\")").contains("on server cache-b") || toxicsOn("cache-b") == 1);
        assertTrue(eval("inject latency(10.ms) on server(\"cache-c\")").contains("<input>:1:"));
        Path file = dir.resolve("named.groovy");
        eval(":save " + file);
        LoadResult r = new PlaybookLoader().load(file);
        assertTrue(r.ok(), r.formatProblems());
        assertEquals(List.of("cache-a", "cache-b"), r.playbook().servers().stream().map(s -> s.name()).toList());
    }

    @Test
    void interruptCancelsARunningScenarioAndLeavesNoFault() throws Exception {
        eval("scenario \"long\" { inject latency(100.ms) on allServers for 1.min }");
        Thread t = new Thread(() -> repl.eval("run \"long\""));
        t.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (allToxics() < 3 && System.nanoTime() < deadline) Thread.sleep(20);
        assertEquals(3, allToxics(), text.toString());
        t.interrupt();
        t.join(10_000);
        assertFalse(t.isAlive());
        assertEquals(0, allToxics(), "no fault is left after Ctrl-C");
        assertTrue(text.toString().contains("cancelled"), text.toString());
        assertTrue(eval("status").contains("faults: none"));
    }

    @Test
    void resetRemovesEveryFaultAndForgetsTheRecord() {
        eval("inject latency(10.ms) on allServers");
        assertEquals(3, allToxics());
        eval(":reset");
        assertEquals(0, allToxics());
        assertTrue(session.recorded().isEmpty());
    }

    @Test
    void scenariosOfThePlaybookAndTheStdlibAreKnown() {
        String out = eval("scenarios");
        assertTrue(out.contains("packet-loss-10-pct") && out.contains("stdlib"), out);
        assertTrue(eval("run \"packet-loss-10-pc\"").contains("did you mean 'packet-loss-10-pct'?"));
    }

    @Test
    void everyHelpExampleEvaluatesWithoutAProblem() {
        for (ReplHelp.Entry e : ReplHelp.WORDS.values()) {
            assertTrue(ReplHelp.help(e.word()).startsWith(e.word() + ": "));
            if (e.example() == null || e.word().equals("run") || e.word().equals("expect") || e.example().startsWith("expect")) continue;
            String out = eval(e.example());
            assertFalse(out.contains("<input>:") || out.contains("error"), e.word() + ": " + out);
            eval("heal");
        }
        assertTrue(eval("help nonsense").contains("no help for 'nonsense'"));
    }

    @Test
    void loadReadsAPlaybooksScenariosAndReportsItsMistakes(@TempDir Path dir) throws Exception {
        Path good = dir.resolve("mine.groovy");
        Files.writeString(good, "scenario \"blip\" { inject down() on server(1) for 1.s }\n");
        assertTrue(eval(":load " + good).contains("loaded 1 scenario from " + good + ": blip"));
        assertTrue(eval("scenarios").contains("blip"));
        Path bad = dir.resolve("bad.groovy");
        Files.writeString(bad, "scenario \"x\" {\n  recovr 1.s\n}\n");
        String out = eval(":load " + bad);
        assertTrue(out.contains(":2:3: unknown word 'recovr'") && out.contains("nothing was loaded"), out);
    }

    @Test
    void quitEndsTheLoop() {
        assertEquals(ReplEvaluator.Next.QUIT, repl.eval(":quit"));
        assertTrue(eval(":frobnicate").contains("unknown command ':frobnicate'"));
    }

    @Test
    void expectIsJudgedOverTheLastSecondsOfLoad() throws Exception {
        session.close();
        open("servers 2\nload { clients 4 }", true);
        String out = eval("expect errorRate < 50.percent");
        assertTrue(out.contains("PASS errorRate < 50%: measured "), out);
        out = eval("expect throughput > 1_000_000_000.perSecond");
        assertTrue(out.contains("FAIL throughput > "), out);
        out = eval("expect breaker(server(1)).closed");
        assertTrue(out.contains("PASS breaker(server(1)).closed"), out);
        out = eval("expect recoveredWithin(2.s)");
        assertTrue(out.contains("recover") && !out.contains("PASS"), out);
    }
}
