package io.chaosplaybooks.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code bin/chaos serve} as a person runs it: SIGTERM in the middle of a run stops the run with its
 * cleanup (recorded as stopped, no server process left) and then the server; an address off loopback
 * without a token is refused; the web page in headless Chromium shows a scheduled run and opens its report.
 */
class ServeIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String LONG = """
        playbook "long" {
            servers 2
            load { clients 4; keys 100 }
            scenario "hold" {
                stabilize 1.s
                inject latency(20.ms) on server(1) for 5.min
                recover 1.s
            }
        }
        """;
    static final String TICK = """
        playbook "tick" {
            schedule "*/5 * * * * ?", syntax: "quartz"
            servers 1
            load { clients 2; keys 100 }
            scenario "blip" {
                stabilize 500.ms
                inject latency(10.ms) on server(1) for 500.ms
                recover 500.ms
            }
        }
        """;

    final HttpClient http = HttpClient.newHttpClient();

    /** A started {@code chaos serve}, its console and its URL. */
    record Served(Process process, Path console, String url) {}

    static Served serve(Path dir, String... more) throws Exception {
        Path console = Files.createTempFile(dir, "serve", ".txt");
        List<String> cmd = new ArrayList<>(List.of(RunIT.ROOT.resolve("bin/chaos").toString(), "serve", "--port", "0",
            "--state-dir", dir.resolve("state").toString(), "--poll", "200"));
        cmd.addAll(List.of(more));
        cmd.add(dir.resolve("playbooks").toString());
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).redirectOutput(console.toFile()).start();
        Pattern serving = Pattern.compile("serving on (http://\\S+/)");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while (true) {
            Matcher m = serving.matcher(read(console));
            if (m.find()) return new Served(p, console, m.group(1));
            if (!p.isAlive() || System.nanoTime() > deadline) {
                ExternalTool.stop(p);
                throw new AssertionError("chaos serve did not start:\n" + read(console));
            }
            Thread.sleep(50);
        }
    }

    static String read(Path f) throws IOException {
        return Files.readString(f, StandardCharsets.UTF_8);
    }

    JsonNode call(String url, String method, String path, String body) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url).resolve(path)).timeout(Duration.ofSeconds(30))
            .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)).build(),
            HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(r.body());
    }

    @Test
    void sigtermMidRunStopsTheRunWithItsCleanupThenTheServer(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("playbooks"));
        Files.writeString(dir.resolve("playbooks/long.groovy"), LONG);
        Served s = serve(dir);
        try {
            String id = call(s.url(), "POST", "/api/runs", "{\"playbook\": \"long\"}").get("id").asText();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (!"inject".equals(call(s.url(), "GET", "/api/runs/" + id, null).path("phase").asText())) {
                assertTrue(System.nanoTime() < deadline, "the run never reached its inject:\n" + read(s.console()));
                Thread.sleep(100);
            }
            List<ProcessHandle> memcached = s.process().descendants()
                .filter(h -> h.info().command().map(c -> c.endsWith("memcached")).orElse(false)).toList();
            if (Files.isExecutable(Path.of("/usr/bin/memcached"))) assertEquals(2, memcached.size(), "the run's memcached processes are up");
            long signalled = System.nanoTime();
            new ProcessBuilder("kill", "-TERM", Long.toString(s.process().pid())).start().waitFor();
            assertTrue(s.process().waitFor(20, TimeUnit.SECONDS), "still running 20 s after SIGTERM:\n" + read(s.console()));
            long stopMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - signalled);
            String console = read(s.console());
            assertEquals(ExitCodes.OK, s.process().exitValue(), console);
            assertTrue(console.contains("run " + id + " stopped: stopped by SIGTERM"), console);
            Thread.sleep(500);
            assertFalse(memcached.stream().anyMatch(ProcessHandle::isAlive), "a memcached process of the run is left");
            JsonNode index = JSON.readTree(dir.resolve("state/runs/index.json").toFile());
            assertEquals("stopped", index.get(0).get("state").asText(), index.toString());
            String journal = read(dir.resolve("state/runs/" + id + "/journal.jsonl"));
            assertTrue(journal.contains("\"run-stopped\"") && journal.contains("\"fault-removed\""), "the journal shows the fault removed and the stop");
            assertTrue(Files.isRegularFile(dir.resolve("state/runs/" + id + "/report.html")));
            System.out.println("chaos serve stopped " + stopMs + " ms after SIGTERM, its run with it");
        } finally {
            ExternalTool.stop(s.process());
        }
    }

    @Test
    void anAddressOffLoopbackNeedsAToken(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("playbooks"));
        Process p = new ProcessBuilder(RunIT.ROOT.resolve("bin/chaos").toString(), "serve", "--host", "0.0.0.0", "--port", "0",
            "--state-dir", dir.resolve("state").toString(), dir.resolve("playbooks").toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        assertEquals(ExitCodes.INVALID, p.exitValue(), out);
        assertTrue(out.contains("--token-file"), out);
    }

    @Test
    void thePageInHeadlessChromiumShowsAScheduledRunAndOpensItsReport(@TempDir Path dir) throws Exception {
        Path chromium = ExternalTool.require("chromium", "chromium");
        Files.createDirectories(dir.resolve("playbooks"));
        Files.writeString(dir.resolve("playbooks/tick.groovy"), TICK);
        Served s = serve(dir);
        try {
            // The page draws what the API says: the schedule with its next fire times, then a scheduled run's verdict and report link.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            String dom;
            String[] row;
            while (true) {
                dom = dumpDom(chromium, dir, s.url());
                row = passedScheduledRow(dom);
                if (row != null) break;
                assertTrue(System.nanoTime() < deadline, "no scheduled run passed on the page within 120 s:\n" + dom + "\n" + read(s.console()));
                Thread.sleep(1000);
            }
            assertTrue(dom.contains("data-schedule=\"tick/*/1\""), dom);
            assertTrue(dom.contains("class=\"trigger\""), "a trigger button per schedule");
            String report = dumpDom(chromium, dir, URI.create(s.url()).resolve(row[1]).toString());
            assertTrue(report.contains("blip") && report.contains("chaos run " + row[0]), "the report of run " + row[0] + ":\n" + report);

            // A click on the page's pause button: the browser's POST (its own Origin) passes the guard and pauses the schedule.
            try (Devtools page = Devtools.open(chromium, dir, s.url())) {
                page.await("document.querySelector('[data-schedule=\"tick/*/1\"] button.pause') !== null");
                page.eval("document.querySelector('[data-schedule=\"tick/*/1\"] button.pause').click(); true");
                page.await("document.querySelector('[data-schedule=\"tick/*/1\"] button.resume') !== null");
            }
            assertFalse(call(s.url(), "GET", "/api/schedules", null).get(0).get("enabled").asBoolean(), "paused by the page's button");
        } finally {
            ExternalTool.stop(s.process());
        }
    }

    /** {run id, report link} of the first history row of a passed run that the schedule started, or null. */
    static String[] passedScheduledRow(String dom) {
        Pattern id = Pattern.compile("^(chaos-[0-9a-f]+)\"");
        Pattern link = Pattern.compile("href=\"(/api/runs/chaos-[0-9a-f]+/report)\"");
        for (String row : dom.split("<tr data-run=\"")) {
            String tr = row.split("</tr>", 2)[0];
            Matcher i = id.matcher(tr);
            Matcher l = link.matcher(tr);
            if (i.find() && tr.contains(">tick/*/1<") && tr.contains("class=\"state passed\"") && l.find()) {
                return new String[] {i.group(1), l.group(1)};
            }
        }
        return null;
    }

    /** A headless Chromium page driven over the DevTools protocol: scripts evaluated in the page, as a person's clicks. */
    static final class Devtools implements AutoCloseable {
        private final Process chromium;
        private final java.net.http.WebSocket socket;
        private final java.util.concurrent.BlockingQueue<JsonNode> queue;
        private int next;

        private Devtools(Process chromium, java.net.http.WebSocket socket, java.util.concurrent.BlockingQueue<JsonNode> queue) {
            this.chromium = chromium;
            this.socket = socket;
            this.queue = queue;
        }

        static Devtools open(Path chromium, Path dir, String url) throws Exception {
            Path profile = Files.createTempDirectory(dir, "chromium");
            Process p = new ProcessBuilder(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                "--user-data-dir=" + profile, "--remote-debugging-port=0", "--remote-allow-origins=*", url)
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            Path active = profile.resolve("DevToolsActivePort");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!Files.exists(active) || Files.readAllLines(active).isEmpty()) {
                if (System.nanoTime() > deadline || !p.isAlive()) {
                    p.destroyForcibly();
                    throw new AssertionError("chromium gave no DevTools port");
                }
                Thread.sleep(100);
            }
            String port = Files.readAllLines(active).get(0).trim();
            HttpClient http = HttpClient.newHttpClient();
            String ws = null;
            while (ws == null) {
                JsonNode targets = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list")).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
                for (JsonNode t : targets) if (t.get("type").asText().equals("page")) ws = t.get("webSocketDebuggerUrl").asText();
                if (ws == null) {
                    if (System.nanoTime() > deadline) throw new AssertionError("chromium has no page: " + targets);
                    Thread.sleep(100);
                }
            }
            java.util.concurrent.BlockingQueue<JsonNode> replies = new java.util.concurrent.LinkedBlockingQueue<>();
            StringBuilder partial = new StringBuilder();
            java.net.http.WebSocket socket = http.newWebSocketBuilder().buildAsync(URI.create(ws), new java.net.http.WebSocket.Listener() {
                @Override
                public java.util.concurrent.CompletionStage<?> onText(java.net.http.WebSocket w, CharSequence data, boolean last) {
                    partial.append(data);
                    if (last) {
                        try {
                            replies.add(JSON.readTree(partial.toString()));
                        } catch (IOException ignored) {
                            // not a protocol message
                        }
                        partial.setLength(0);
                    }
                    w.request(1);
                    return null;
                }
            }).get(30, TimeUnit.SECONDS);
            return new Devtools(p, socket, replies);
        }

        /** The value of {@code expression} in the page. */
        JsonNode eval(String expression) throws Exception {
            int id = ++next;
            var msg = JSON.createObjectNode().put("id", id).put("method", "Runtime.evaluate");
            msg.putObject("params").put("expression", expression).put("returnByValue", true).put("awaitPromise", true);
            socket.sendText(msg.toString(), true).get(30, TimeUnit.SECONDS);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (System.nanoTime() < deadline) {
                JsonNode r = queue.poll(100, TimeUnit.MILLISECONDS);
                if (r != null && r.path("id").asInt() == id) return r.path("result").path("result").path("value");
            }
            throw new AssertionError("no answer from chromium to " + expression);
        }

        /** Waits (60 s at most) until {@code condition} is true in the page. */
        void await(String condition) throws Exception {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!eval(condition).asBoolean()) {
                if (System.nanoTime() > deadline) throw new AssertionError("never true in the page: " + condition);
                Thread.sleep(200);
            }
        }

        @Override
        public void close() throws Exception {
            socket.abort();
            chromium.descendants().forEach(ProcessHandle::destroy);
            chromium.destroy();
            if (!chromium.waitFor(10, TimeUnit.SECONDS)) chromium.destroyForcibly();
        }
    }

    /** The page's DOM after its script has run (virtual time lets its first fetches land). */
    static String dumpDom(Path chromium, Path dir, String url) throws Exception {
        Path profile = Files.createTempDirectory(dir, "chromium");
        Process p = new ProcessBuilder(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
            "--user-data-dir=" + profile, "--virtual-time-budget=3000", "--dump-dom", url)
            .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String dom = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) p.destroyForcibly();
        return dom;
    }
}
