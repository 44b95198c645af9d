package io.chaosplaybooks.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chaosplaybooks.runtime.proxy.FaultEngine;
import io.chaosplaybooks.runtime.proxy.ProxySpec;
import io.chaosplaybooks.runtime.proxy.ToxiproxyHttpApi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code chaos run} as a user runs it: through the launcher, on real sockets, with its reports and its cleanup. */
class RunIT {
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    static final ObjectMapper JSON = new ObjectMapper();

    static Process start(Path cwd, Path out, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(ROOT.resolve("bin/chaos").toString()));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).directory(cwd.toFile()).redirectErrorStream(true).redirectOutput(out.toFile()).start();
    }

    static List<JsonNode> journal(Path file) throws IOException {
        List<JsonNode> events = new ArrayList<>();
        for (String line : Files.readAllLines(file)) events.add(JSON.readTree(line));
        return events;
    }

    /** The README's quick pass, as written there: {@code bin/chaos run --time-scale F playbooks/smoke.groovy}. */
    static List<String> quickPassArgs() throws IOException {
        Matcher m = Pattern.compile("`bin/chaos (run --time-scale [0-9.]+ playbooks/smoke\\.groovy)`").matcher(Files.readString(ROOT.resolve("README.md")));
        assertTrue(m.find(), "the README offers a quick pass on playbooks/smoke.groovy");
        List<String> args = new ArrayList<>(List.of(m.group(1).split(" ")));
        args.set(args.size() - 1, ROOT.resolve(args.get(args.size() - 1)).toString());
        return args;
    }

    /** The README's quick pass passes, with every expectation judged (a pass on nothing judged would not count). */
    @Test
    void readmeQuickPassPassesWithEveryExpectationJudged(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("out.txt");
        List<String> args = quickPassArgs();
        args.addAll(List.of("--metrics-port", "0", "--junit", "junit.xml", "--json", "summary.json", "--journal", "journal.jsonl"));
        Process p = start(dir, out, args.toArray(String[]::new));
        assertTrue(p.waitFor(180, TimeUnit.SECONDS), "quick pass within 3 minutes");
        String console = Files.readString(out);
        assertEquals(0, p.exitValue(), console);
        assertTrue(console.contains("3 passed, 0 failed, 0 errors in"), console);
        assertFalse(console.contains("not judged"), console);

        Document junit = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(dir.resolve("junit.xml").toFile());
        assertEquals("3", junit.getDocumentElement().getAttribute("tests"));
        assertEquals("0", junit.getDocumentElement().getAttribute("failures"));
        assertEquals("0", junit.getDocumentElement().getAttribute("skipped"));
        assertEquals(3, junit.getElementsByTagName("testcase").getLength());

        JsonNode summary = JSON.readTree(dir.resolve("summary.json").toFile());
        assertEquals(3, summary.get("scenarios").size());
        assertEquals(0, summary.get("notJudged").asInt(), summary.toString());

        List<JsonNode> events = journal(dir.resolve("journal.jsonl"));
        assertEquals("run-start", events.get(0).get("event").asText());
        long phases = events.stream().filter(e -> e.get("event").asText().equals("phase-start")).count();
        assertEquals(9, phases, "3 scenarios x stabilize, inject, recover");
        for (JsonNode e : events) {
            if (e.get("event").asText().equals("phase-start") || e.get("event").asText().equals("fault-applied")) {
                assertTrue(e.has("plannedMs") && e.has("actualMs"), e.toString());
                // Deadlines are absolute; lateness beyond 250 ms would mean drift (tolerance for a loaded 2-core machine).
                assertTrue(Math.abs(e.get("lagMs").asDouble()) < 250, e.toString());
            }
        }
        assertTrue(events.stream().filter(e -> e.get("event").asText().equals("load-second")).count() >= 20, "27 s of plan at 0.5");
        List<JsonNode> expectations = events.stream().filter(e -> e.get("event").asText().equals("expectation")).toList();
        assertEquals(10, expectations.size(), "the smoke playbook's expectations");
        for (JsonNode e : expectations) assertTrue(e.get("ok").asBoolean() && !e.has("notJudged"), e.toString());
        assertEquals(3, events.stream().filter(e -> e.get("event").asText().equals("verdict")).count());
        assertFalse(memcachedStillAnswers(events.get(0)), "the run's memcached processes are stopped");
    }

    static boolean memcachedStillAnswers(JsonNode runStart) {
        for (JsonNode s : runStart.get("servers")) {
            String[] hp = s.asText().split(":");
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(hp[0], Integer.parseInt(hp[1])), 500);
                return true;
            } catch (IOException refused) {
                // gone, as it should be
            }
        }
        return false;
    }

    /** SIGINT in the middle of an inject: nothing of the run is left on the Toxiproxy server; others' proxies are untouched. */
    @Test
    void interruptMidInjectLeavesNothingBehind(@TempDir Path dir) throws Exception {
        checkCleanupOn("INT", dir);
    }

    @Test
    void sigtermMidInjectLeavesNothingBehind(@TempDir Path dir) throws Exception {
        checkCleanupOn("TERM", dir);
    }

    private void checkCleanupOn(String signal, Path dir) throws Exception {
        try (FaultEngine engine = new FaultEngine(); ToxiproxyHttpApi api = ToxiproxyHttpApi.start(engine, "127.0.0.1", 0)) {
            engine.createProxy(ProxySpec.of("someone-elses", "127.0.0.1:0", "127.0.0.1:9"));
            Path playbook = dir.resolve("long.groovy");
            Files.writeString(playbook, """
                scenario "long" {
                    stabilize 1.s
                    inject latency(100.ms) + packetLoss(0.5) on servers(1, 2) for 1.min
                    recover 1.s
                }
                """);
            Path out = dir.resolve("out.txt");
            Process p = start(dir, out, "run", playbook.toString(), "--toxiproxy", "http://127.0.0.1:" + api.port(),
                "--metrics-port", "-1", "--journal", "journal.jsonl");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (engine.proxies().values().stream().mapToInt(x -> x.toxics().size()).sum() < 4) {
                assertTrue(p.isAlive(), "run ended early:\n" + Files.readString(out));
                assertTrue(System.nanoTime() < deadline, "the inject did not start in time:\n" + Files.readString(out));
                Thread.sleep(50);
            }
            assertTrue(engine.proxies().size() >= 4, "the run's 3 proxies and someone else's");
            new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).start().waitFor();
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the run stops within 30 s of SIG" + signal);
            String console = Files.readString(out, StandardCharsets.UTF_8);
            assertEquals(ExitCodes.INTERRUPTED, p.exitValue(), console);
            assertTrue(console.contains("Interrupted: every fault and proxy of the run is removed"), console);
            assertEquals(List.of("someone-elses"), List.copyOf(engine.proxies().keySet()), "only the proxy the run did not create is left");
            assertTrue(engine.proxies().get("someone-elses").toxics().isEmpty());
            List<JsonNode> journal = journal(dir.resolve("journal.jsonl"));
            assertFalse(memcachedStillAnswers(journal.get(0)), "the run's memcached processes are stopped");
            List<String> last = journal.subList(journal.size() - 2, journal.size()).stream().map(e -> e.path("event").asText()).toList();
            assertEquals(List.of("run-stopped", "run-end"), last, "the journal ends saying the run was stopped");
            assertTrue(journal.get(journal.size() - 1).path("interrupted").asBoolean());
        }
    }
}
