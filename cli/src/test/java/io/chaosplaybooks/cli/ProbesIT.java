package io.chaosplaybooks.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

import javax.xml.parsers.DocumentBuilderFactory;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Probes, gates and aborts on real parts: {@code chaos run} through the launcher, a real Prometheus
 * (Debian's) scraping a small HTTP server of this test whose counter and health the test sets, and
 * HTTP probes against that server. Each case asserts the verdict, the exit code and the journal's times.
 *
 * <p>Tolerances (a loaded 2-core machine): an abort's faults are off within 2 s of the answer that showed
 * the condition (the design: the 1 s check period plus the query and the removal); from the test's change
 * of the counter to the faults being off within 8 s (Prometheus's 1 s scrape, the probe's 1 s period, the check).
 */
class ProbesIT {
    static final Path ROOT = RunIT.ROOT;
    static HttpServer app;
    static Process prometheus;
    static String prometheusUrl;
    static final AtomicLong errorsTotal = new AtomicLong();
    static final AtomicInteger healthStatus = new AtomicInteger(200);
    static Path dir;

    @BeforeAll
    static void startPrometheusScrapingTheApp() throws Exception {
        dir = Files.createTempDirectory("probes-it");
        app = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        app.createContext("/metrics", x -> {
            byte[] b = ("# TYPE app_errors_total counter\napp_errors_total " + errorsTotal.get() + "\n").getBytes(StandardCharsets.UTF_8);
            x.getResponseHeaders().add("Content-Type", "text/plain; version=0.0.4");
            x.sendResponseHeaders(200, b.length);
            x.getResponseBody().write(b);
            x.close();
        });
        app.createContext("/health", x -> {
            int status = healthStatus.get();
            byte[] b = (status == 200 ? "ok" : "down").getBytes(StandardCharsets.UTF_8);
            x.sendResponseHeaders(status, b.length);
            x.getResponseBody().write(b);
            x.close();
        });
        app.start();
        Path binary = ExternalTool.require("prometheus", "prometheus");
        int port = ExternalTool.freePort();
        Path config = dir.resolve("prometheus.yml");
        Files.writeString(config, """
            global:
              scrape_interval: 1s
              evaluation_interval: 1s
            scrape_configs:
              - job_name: app
                static_configs:
                  - targets: ['127.0.0.1:%d']
            """.formatted(app.getAddress().getPort()));
        Path log = dir.resolve("prometheus.log");
        prometheus = new ProcessBuilder(binary.toString(), "--config.file=" + config, "--storage.tsdb.path=" + dir.resolve("tsdb"),
            "--web.listen-address=127.0.0.1:" + port).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        prometheusUrl = "http://127.0.0.1:" + port;
        PrometheusIT.waitFor(() -> PrometheusIT.query(prometheusUrl, "app_errors_total").path("data").path("result").size() == 1,
            60, "Prometheus scraping the test's app", log);
    }

    @AfterAll
    static void stop() throws Exception {
        ExternalTool.stop(prometheus);
        if (app != null) app.stop(0);
    }

    String health() {
        return "http://127.0.0.1:" + app.getAddress().getPort() + "/health";
    }

    record Ran(int exit, String console, List<JsonNode> journal) {}

    Ran run(Path work, String playbook, String... more) throws Exception {
        Path file = work.resolve("p.groovy");
        Files.writeString(file, playbook);
        Path out = work.resolve("out.txt");
        List<String> args = new java.util.ArrayList<>(List.of("run", file.toString(), "--metrics-port", "0", "--journal", "journal.jsonl",
            "--junit", "junit.xml", "--json", "summary.json", "--prometheus", prometheusUrl));
        args.addAll(List.of(more));
        Process p = RunIT.start(work, out, args.toArray(String[]::new));
        assertTrue(p.waitFor(180, TimeUnit.SECONDS), "run within 3 minutes:\n" + Files.readString(out));
        return new Ran(p.exitValue(), Files.readString(out), RunIT.journal(work.resolve("journal.jsonl")));
    }

    static List<JsonNode> events(Ran r, String type) {
        return r.journal().stream().filter(e -> e.path("event").asText().equals(type)).toList();
    }

    @Test
    void probesAreAskedOnceASecondAndJudgedLikeTheLoad(@TempDir Path work) throws Exception {
        errorsTotal.set(3);
        healthStatus.set(200);
        Ran r = run(work, """
            servers 1
            load { clients 4 }
            scenario "watched" {
              stabilize 3.s
              inject latency(20.ms) on server(1) for 4.s
              recover 3.s
              expect prometheus("sum(app_errors_total)") < 10 during inject
              expect prometheus("sum(app_errors_total)") > 5 during inject
              expect http("%1$s").status == 200 during recover
              expect http("%1$s").latency < 500.ms
              expect http("%1$s", every: 500.ms).body.contains("ok") during stabilize
            }""".formatted(health()));
        assertEquals(1, r.exit(), "one expectation fails (3 is not > 5):\n" + r.console());
        List<JsonNode> results = events(r, "expectation");
        assertEquals(List.of(true, false, true, true, true), results.stream().map(e -> e.path("ok").asBoolean()).toList(), results.toString());
        assertTrue(results.get(1).path("measured").asText().startsWith("3 at "), results.get(1).toString());
        List<JsonNode> samples = events(r, "probe");
        long prom = samples.stream().filter(s -> s.path("probe").asText().startsWith("prometheus")).count();
        long every500 = samples.stream().filter(s -> s.path("probe").asText().contains("every: 500.ms")).count();
        // 10 s of scenario: about 10 answers at 1 s (one query, written once though two expectations read it), about 20 at 500 ms.
        assertTrue(prom >= 8 && prom <= 13, "prometheus answers: " + prom);
        assertTrue(every500 >= 16 && every500 <= 24, "answers at 500 ms: " + every500);
        JsonNode one = samples.stream().filter(s -> s.path("probe").asText().startsWith("http")).findFirst().orElseThrow();
        assertEquals(200, one.path("status").asInt());
        assertTrue(one.path("latencyMs").asDouble() > 0, one.toString());
        assertEquals(3.0, samples.stream().filter(s -> s.path("probe").asText().startsWith("prometheus")).findFirst().orElseThrow().path("value").asDouble());
    }

    @Test
    void aQueryThatErrsOrFindsNothingIsAnErrorWithPrometheussMessage(@TempDir Path work) throws Exception {
        Ran r = run(work, """
            servers 1
            load { clients 2 }
            scenario "broken-queries" {
              stabilize 2.s
              expect prometheus("sum(rate(app_errors_total[30s])") < 1
              expect prometheus("app_no_such_metric") < 1
            }""");
        assertEquals(3, r.exit(), "an error, never a pass:\n" + r.console());
        List<JsonNode> results = events(r, "expectation");
        assertTrue(results.get(0).path("measured").asText().contains("bad_data") && results.get(0).path("measured").asText().contains("parse error"),
            results.get(0).toString());
        assertTrue(results.get(1).path("measured").asText().contains("no series"), results.get(1).toString());
        assertEquals("error", events(r, "verdict").get(0).path("status").asText());
        assertTrue(r.console().contains("ERROR") && r.console().contains("parse error"), r.console());
    }

    @Test
    void aFailedGateAbortsTheScenarioBeforeAnyFault(@TempDir Path work) throws Exception {
        healthStatus.set(503);
        try {
            Ran r = run(work, """
                servers 1
                load { clients 2 }
                scenario "gated" {
                  stabilize 3.s
                  inject latency(50.ms) on server(1) for 5.s
                  recover 2.s
                  require http("%s").status == 200 during stabilize
                }""".formatted(health()));
            assertEquals(1, r.exit(), r.console());
            assertTrue(events(r, "fault-applied").isEmpty(), "no fault was applied");
            JsonNode aborted = events(r, "aborted").get(0);
            assertEquals("require", aborted.path("by").asText());
            assertTrue(aborted.path("measured").asText().contains("status 503"), aborted.toString());
            assertFalse(aborted.has("faultsRemovedMs"));
            double stabilizeEnd = events(r, "scenario-start").get(0).path("actualMs").asDouble() + 3000;
            assertEquals(stabilizeEnd, aborted.path("actualMs").asDouble(), 500, "judged at the end of stabilize (within 0.5 s)");
            assertEquals("aborted", events(r, "verdict").get(0).path("status").asText());
            assertTrue(r.console().contains("ABORTED gated"), r.console());
            assertTrue(r.console().contains("0 passed, 0 failed, 0 errors, 1 aborted"), r.console());
            Document junit = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(work.resolve("junit.xml").toFile());
            assertEquals("aborted", ((org.w3c.dom.Element) junit.getElementsByTagName("failure").item(0)).getAttribute("type"));
            assertEquals(1, RunIT.JSON.readTree(work.resolve("summary.json").toFile()).path("aborted").asInt());
        } finally {
            healthStatus.set(200);
        }
    }

    @Test
    void anAbortConditionTakesEveryFaultOffAndFailFastStopsTheRun(@TempDir Path work) throws Exception {
        errorsTotal.set(0);
        Path file = work.resolve("p.groovy");
        String playbook = """
            servers 2
            load { clients 4 }
            scenario "runaway" {
              stabilize 2.s
              inject latency(30.ms) on servers(1, 2) for 30.s
              recover 2.s
              abortWhen prometheus("max(app_errors_total)") > 5
            }
            scenario "never-reached" { stabilize 2.s }""";
        // Raise the counter once the faults are on, as the user's application would start failing.
        Thread raiser = new Thread(() -> {
            try {
                Path journal = work.resolve("journal.jsonl");
                while (!Files.exists(journal) || !Files.readString(journal).contains("\"fault-applied\"")) Thread.sleep(100);
                Thread.sleep(2000);
                errorsTotal.set(10);
            } catch (Exception ignored) {
                // the assertions below say what is missing
            }
        });
        raiser.setDaemon(true);
        raiser.start();
        Ran r = run(work, playbook, "--fail-fast");
        raiser.join(5000);
        assertEquals(1, r.exit(), r.console());
        JsonNode aborted = events(r, "aborted").get(0);
        assertEquals("abortWhen", aborted.path("by").asText());
        assertTrue(aborted.path("measured").asText().startsWith("answered 10"), aborted.toString());
        double tookMs = aborted.path("faultsRemovedMs").asDouble() - aborted.path("conditionMs").asDouble();
        System.out.printf("abort: condition to faults off %.0f ms (check saw it after %.0f ms)%n", tookMs,
            aborted.path("actualMs").asDouble() - aborted.path("conditionMs").asDouble());
        assertTrue(tookMs >= 0 && tookMs <= 2000, "faults off within 2 s of the answer that showed it: " + aborted);
        List<JsonNode> removed = events(r, "fault-removed");
        assertEquals(2, removed.size(), "both servers' faults");
        for (JsonNode f : removed) {
            assertEquals("aborted", f.path("why").asText());
            assertTrue(f.path("actualMs").asDouble() <= aborted.path("faultsRemovedMs").asDouble() + 1e-3);
        }
        double injectAt = events(r, "fault-applied").get(0).path("actualMs").asDouble();
        assertTrue(aborted.path("faultsRemovedMs").asDouble() - injectAt < 2000 + 8000,
            "off within 8 s of the counter's change (2 s after the faults went on): " + aborted);
        assertEquals(1, events(r, "scenario-start").size(), "--fail-fast: the second scenario never started");
        assertEquals("--fail-fast", events(r, "run-stopped").get(0).path("by").asText());
        assertTrue(r.console().contains("ABORTED runaway"), r.console());
    }
}
