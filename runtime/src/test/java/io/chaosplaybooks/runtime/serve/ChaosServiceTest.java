package io.chaosplaybooks.runtime.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chaosplaybooks.dsl.PlaybookLoader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The server on real sockets: runs started and stopped through the API, history across a restart,
 * a playbook broken and fixed while it serves, and the API's answers to bad input. Waits state
 * generous limits: a run of a few seconds takes several more on a loaded machine.
 */
class ChaosServiceTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Duration WAIT = Duration.ofSeconds(90);
    static final String TINY = """
        playbook "tiny" {
            servers 1
            load { clients 2; keys 100 }
            scenario "blip" {
                stabilize 1.s
                inject latency(10.ms) on server(1) for 1.s
                recover 1.s
            }
        }
        """;
    static final String LONG = """
        playbook "long" {
            servers 1
            load { clients 2; keys 100 }
            scenario "hold" {
                stabilize 1.s
                inject latency(10.ms) on server(1) for 5.min
                recover 1.s
            }
        }
        """;

    final HttpClient http = HttpClient.newHttpClient();
    final List<ChaosService> services = new ArrayList<>();

    @AfterEach
    void stopServices() {
        services.forEach(ChaosService::close);
    }

    ChaosService start(Path dir, String token, int maxConcurrent) throws Exception {
        var loader = new PlaybookLoader();
        ChaosService s = ChaosService.start(new ChaosService.Settings(List.of(dir.resolve("playbooks")), loader::load,
            dir.resolve("state"), "127.0.0.1", 0, token, maxConcurrent, 200, 1.0, Duration.ofMillis(100), line -> System.out.println("serve: " + line)));
        services.add(s);
        return s;
    }

    static Path playbooks(Path dir) throws Exception {
        Path pb = Files.createDirectories(dir.resolve("playbooks"));
        Files.writeString(pb.resolve("tiny.groovy"), TINY);
        Files.writeString(pb.resolve("long.groovy"), LONG);
        return pb;
    }

    record Reply(int status, JsonNode json, String text) {}

    Reply call(ChaosService s, String method, String path, String body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(s.url()).resolve(path)).timeout(Duration.ofSeconds(30))
            .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i < headers.length; i += 2) b.header(headers[i], headers[i + 1]);
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        JsonNode json = null;
        if (r.headers().firstValue("Content-Type").orElse("").startsWith("application/json")) json = JSON.readTree(r.body());
        return new Reply(r.statusCode(), json, r.body());
    }

    JsonNode run(ChaosService s, String id) throws Exception {
        return call(s, "GET", "/api/runs/" + id, null).json();
    }

    JsonNode awaitRun(ChaosService s, String id, Predicate<JsonNode> until) throws Exception {
        long end = System.nanoTime() + WAIT.toNanos();
        JsonNode r = run(s, id);
        while (!until.test(r)) {
            if (System.nanoTime() > end) throw new AssertionError("run " + id + " did not get there within " + WAIT + ": " + r);
            Thread.sleep(100);
            r = run(s, id);
        }
        return r;
    }

    String startRun(ChaosService s, String playbook) throws Exception {
        Reply r = call(s, "POST", "/api/runs", "{\"playbook\": \"" + playbook + "\"}");
        assertEquals(201, r.status(), r.text());
        return r.json().get("id").asText();
    }

    static List<Long> memcachedChildren() {
        return ProcessHandle.current().descendants()
            .filter(p -> p.info().command().orElse("").endsWith("memcached")).map(ProcessHandle::pid).toList();
    }

    @Test
    void aRunStartedThroughTheApiEndsWithItsReportAndTheHistoryOutlivesARestart(@TempDir Path dir) throws Exception {
        playbooks(dir);
        ChaosService s = start(dir, null, 1);
        String id = startRun(s, "tiny");
        JsonNode done = awaitRun(s, id, r -> !r.get("state").asText().equals("running"));
        assertEquals("passed", done.get("state").asText(), done.toString());
        assertEquals("pass", done.get("verdicts").get("blip").asText());
        assertEquals("api", done.get("trigger").asText());
        Reply report = call(s, "GET", "/api/runs/" + id + "/report", null);
        assertEquals(200, report.status());
        assertTrue(report.text().contains("<html") && report.text().contains("blip"), "an HTML report of the run");
        Reply journal = call(s, "GET", "/api/runs/" + id + "/journal", null);
        assertTrue(journal.text().startsWith("{") && journal.text().contains("\"run-start\""), journal.text());
        assertTrue(Files.isRegularFile(dir.resolve("state/runs/" + id + "/junit.xml")));
        s.close();

        ChaosService again = start(dir, null, 1);
        JsonNode runs = call(again, "GET", "/api/runs", null).json();
        assertEquals(1, runs.size(), runs.toString());
        assertEquals(id, runs.get(0).get("id").asText());
        assertEquals("passed", runs.get(0).get("state").asText());
        assertEquals(200, call(again, "GET", "/api/runs/" + id + "/report", null).status());
    }

    @Test
    void aStopThroughTheApiEndsTheRunWithItsCleanupAndABusyServerSkipsWithWhy(@TempDir Path dir) throws Exception {
        playbooks(dir);
        ChaosService s = start(dir, null, 1);
        String id = startRun(s, "long");
        awaitRun(s, id, r -> "inject".equals(r.path("phase").asText()));
        JsonNode live = run(s, id);
        assertEquals("hold", live.get("scenario").asText());
        assertEquals(1, live.get("faults").size(), live.toString());
        assertEquals(id, live.get("runId").asText(), "read as a LiveStatus too");
        JsonNode listed = call(s, "GET", "/api/runs?state=running", null).json();
        assertEquals(id, listed.get(0).get("id").asText());
        // The server's /metrics has the live run's load meters too, tagged with the run.
        String metrics = call(s, "GET", "/metrics", null).text();
        assertTrue(metrics.lines().anyMatch(l -> l.startsWith("memcache_client_operations_total{") && l.contains("run=\"" + id + "\"")),
            metrics);
        assertTrue(metrics.lines().anyMatch(l -> l.startsWith("scenario_active{") && l.contains("run=\"" + id + "\"")), metrics);

        Reply busy = call(s, "POST", "/api/runs", "{\"playbook\": \"tiny\"}");
        assertEquals(409, busy.status(), busy.text());
        assertTrue(busy.json().get("error").asText().contains("already running (" + id + ")"), busy.text());
        JsonNode skipped = run(s, busy.json().get("id").asText());
        assertEquals("skipped", skipped.get("state").asText());
        assertTrue(skipped.get("reason").asText().contains("--max-concurrent"), skipped.toString());

        Reply stop = call(s, "POST", "/api/runs/" + id + "/stop", null);
        assertEquals(202, stop.status(), stop.text());
        // Within the cleanup's deadline (8 s) and a loaded machine's margin.
        long t0 = System.nanoTime();
        JsonNode stopped = awaitRun(s, id, r -> !r.get("state").asText().equals("running"));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertEquals("stopped", stopped.get("state").asText(), stopped.toString());
        assertTrue(stopped.get("reason").asText().contains("the API"), stopped.toString());
        assertTrue(ms < 20_000, "stopped in " + ms + " ms");
        assertEquals(List.of(), memcachedChildren(), "no memcached the run started is left");
        assertTrue(call(s, "GET", "/api/runs/" + id + "/journal", null).text().contains("run-stopped"));
        assertEquals(409, call(s, "POST", "/api/runs/" + id + "/stop", null).status(), "a second stop: not running");
        System.out.println("stop through the API took " + ms + " ms");
    }

    @Test
    void aRunIsPausedAndResumedThroughTheApiAndReachableFromOtherShellsThroughTheRegistry(@TempDir Path dir) throws Exception {
        playbooks(dir);
        ChaosService s = start(dir, null, 1);
        String id = startRun(s, "long");
        awaitRun(s, id, r -> "inject".equals(r.path("phase").asText()));
        // chaos status, stop, pause and resume in another shell find the server's run as they find a chaos run.
        var registry = io.chaosplaybooks.runtime.control.LocalRuns.here();
        assertTrue(registry.runIds().contains(id), "registered: " + registry.runIds());
        assertEquals(id, registry.locate(id).client().runs(false, Duration.ofSeconds(10)).stream()
            .filter(l -> l.runId().equals(id)).findFirst().orElseThrow().runId());

        assertEquals(400, call(s, "POST", "/api/runs/" + id + "/pause", "{\"healOnPause\": \"yes\"}").status());
        Reply paused = call(s, "POST", "/api/runs/" + id + "/pause", "{\"healOnPause\": true}");
        assertEquals(200, paused.status(), paused.text());
        assertEquals("paused", paused.json().get("state").asText(), paused.text());
        assertEquals(409, call(s, "POST", "/api/runs/" + id + "/pause", null).status(), "paused already");
        JsonNode held = awaitRun(s, id, r -> r.get("faults").isEmpty());
        assertEquals("paused", held.get("liveState").asText(), "heal on pause took the fault off: " + held);
        Reply resumed = call(s, "POST", "/api/runs/" + id + "/resume", null);
        assertEquals(200, resumed.status(), resumed.text());
        assertEquals(409, call(s, "POST", "/api/runs/" + id + "/resume", null).status(), "not paused");
        JsonNode again = awaitRun(s, id, r -> r.get("faults").size() == 1);
        assertEquals("running", again.get("liveState").asText(), again.toString());

        assertEquals(202, call(s, "POST", "/api/runs/" + id + "/stop", null).status());
        JsonNode stopped = awaitRun(s, id, r -> !r.get("state").asText().equals("running"));
        assertEquals("stopped", stopped.get("state").asText(), stopped.toString());
        String journal = call(s, "GET", "/api/runs/" + id + "/journal", null).text();
        assertTrue(journal.contains("\"paused\"") && journal.contains("\"resumed\""), "the journal has the pause and the resume");
        assertEquals(409, call(s, "POST", "/api/runs/" + id + "/pause", null).status(), "ended: nothing to pause");
        s.close();
        assertFalse(io.chaosplaybooks.runtime.control.LocalRuns.here().runIds().contains(id), "unregistered at the end");
    }

    @Test
    void aPlaybookBrokenAndFixedWhileTheServerRunsIsShownWithItsProblemsThenRunsAgain(@TempDir Path dir) throws Exception {
        Path pb = playbooks(dir);
        ChaosService s = start(dir, null, 1);
        Files.writeString(pb.resolve("tiny.groovy"), TINY.replace("latency(10.ms)", "latensy(10.ms)"));
        JsonNode broken = awaitPlaybook(s, "tiny.groovy", p -> !p.get("ok").asBoolean());
        String problem = broken.get("problems").get(0).asText();
        assertTrue(problem.matches(".*tiny\\.groovy:6:\\d+: .*"), problem);
        Reply refused = call(s, "POST", "/api/runs", "{\"playbook\": \"" + pb.resolve("tiny.groovy") + "\"}");
        assertEquals(409, refused.status(), refused.text());
        assertTrue(refused.json().get("error").asText().contains("tiny.groovy:6:"), refused.text());
        // The other playbook goes on.
        assertTrue(awaitPlaybook(s, "long.groovy", p -> true).get("ok").asBoolean());

        Files.writeString(pb.resolve("tiny.groovy"), TINY);
        awaitPlaybook(s, "tiny.groovy", p -> p.get("ok").asBoolean());
        String id = startRun(s, "tiny");
        assertEquals("passed", awaitRun(s, id, r -> !r.get("state").asText().equals("running")).get("state").asText());
    }

    JsonNode awaitPlaybook(ChaosService s, String file, Predicate<JsonNode> until) throws Exception {
        long end = System.nanoTime() + WAIT.toNanos();
        while (true) {
            for (JsonNode p : call(s, "GET", "/api/playbooks", null).json()) {
                if (p.get("file").asText().endsWith("/" + file) && until.test(p)) return p;
            }
            if (System.nanoTime() > end) throw new AssertionError(file + " did not get there within " + WAIT);
            Thread.sleep(100);
        }
    }

    @Test
    void aScheduleWhoseNamesHoldSlashesIsAddressedWithItsIdEncodedAsOneSegment(@TempDir Path dir) throws Exception {
        Path pb = Files.createDirectories(dir.resolve("playbooks"));
        Files.writeString(pb.resolve("team.groovy"), TINY.replace("playbook \"tiny\"", "playbook \"team/cache\"")
            .replace("scenario \"blip\" {", "scenario \"db/primary\" {\n                schedule \"0 3 1 1 *\""));
        ChaosService s = start(dir, null, 1);
        String id = call(s, "GET", "/api/schedules", null).json().get(0).get("id").asText();
        assertEquals("team/cache/db/primary/1", id);
        String encoded = java.net.URLEncoder.encode(id, java.nio.charset.StandardCharsets.UTF_8); // as the page's encodeURIComponent
        Reply paused = call(s, "POST", "/api/schedules/" + encoded + "/pause", null);
        assertEquals(200, paused.status(), paused.text());
        assertFalse(paused.json().get("enabled").asBoolean());
        Reply resumed = call(s, "POST", "/api/schedules/" + encoded + "/resume", null);
        assertEquals(200, resumed.status(), resumed.text());
        assertTrue(resumed.json().get("enabled").asBoolean());
        Reply plain = call(s, "POST", "/api/schedules/" + id + "/pause", null);
        assertEquals(404, plain.status(), "unencoded, the slashes are the path's own: " + plain.text());
    }

    @Test
    void aSecondsLevelQuartzScheduleFiresTwiceAndIsPausedResumedAndTriggeredThroughTheApi(@TempDir Path dir) throws Exception {
        Path pb = Files.createDirectories(dir.resolve("playbooks"));
        // Every 4 s; a run takes longer than that here, so some fires find the server busy and are skipped with why.
        Files.writeString(pb.resolve("tick.groovy"), TINY.replace("playbook \"tiny\" {", "playbook \"tick\" {\n    schedule \"*/4 * * * * ?\", syntax: \"quartz\"")
            .replace("1.s", "500.ms"));
        ChaosService s = start(dir, null, 1);
        JsonNode schedules = call(s, "GET", "/api/schedules", null).json();
        assertEquals(1, schedules.size(), schedules.toString());
        JsonNode sc = schedules.get(0);
        assertEquals("tick/*/1", sc.get("id").asText());
        assertEquals(3, sc.get("nextFireTimes").size());
        assertTrue(sc.get("enabled").asBoolean());
        assertTrue(sc.get("description").asText().contains("4"), sc.toString());

        long end = System.nanoTime() + WAIT.toNanos();
        List<JsonNode> done;
        while (true) {
            done = new ArrayList<>();
            for (JsonNode r : call(s, "GET", "/api/runs", null).json()) {
                if (r.get("trigger").asText().equals("tick/*/1") && r.get("state").asText().equals("passed")) done.add(r);
            }
            if (done.size() >= 2) break;
            if (System.nanoTime() > end) throw new AssertionError("two scheduled runs did not pass within " + WAIT + ": " + call(s, "GET", "/api/runs", null).text());
            Thread.sleep(200);
        }
        for (JsonNode r : done) {
            long lagMs = java.time.Duration.between(java.time.Instant.parse(r.get("due").asText()), java.time.Instant.parse(r.get("start").asText())).toMillis();
            // Due on a 4 s boundary, started within 3 s of it (the scheduler wakes late on a loaded machine, never early).
            assertTrue(lagMs >= 0 && lagMs < 3000, "lag " + lagMs + " ms: " + r);
            assertEquals(0, java.time.Instant.parse(r.get("due").asText()).getEpochSecond() % 4, r.toString());
        }

        JsonNode paused = call(s, "POST", "/api/schedules/tick/*/1/pause", null).json();
        assertFalse(paused.get("enabled").asBoolean());
        assertEquals(0, paused.get("nextFireTimes").size());
        Reply trigger = call(s, "POST", "/api/schedules/tick/*/1/trigger", null);
        assertTrue(trigger.status() == 201 || trigger.status() == 409, trigger.text());
        assertEquals("tick/*/1", call(s, "GET", "/api/runs/" + trigger.json().get("id").asText(), null).json().get("trigger").asText());
        JsonNode resumed = call(s, "POST", "/api/schedules/tick/*/1/resume", null).json();
        assertTrue(resumed.get("enabled").asBoolean());
        assertEquals(3, resumed.get("nextFireTimes").size());

        // Broken: its schedule pauses (and cannot be resumed by hand); fixed: it resumes.
        String good = Files.readString(pb.resolve("tick.groovy"));
        Files.writeString(pb.resolve("tick.groovy"), good.replace("stabilize", "stabilise"));
        awaitPlaybook(s, "tick.groovy", p -> !p.get("ok").asBoolean());
        JsonNode pausedForProblems = call(s, "GET", "/api/schedules", null).json().get(0);
        assertFalse(pausedForProblems.get("enabled").asBoolean());
        assertTrue(pausedForProblems.get("pausedBecause").asText().contains("tick.groovy:"), pausedForProblems.toString());
        assertEquals(409, call(s, "POST", "/api/schedules/tick/*/1/resume", null).status());
        Files.writeString(pb.resolve("tick.groovy"), good);
        awaitPlaybook(s, "tick.groovy", p -> p.get("ok").asBoolean());
        assertTrue(call(s, "GET", "/api/schedules", null).json().get(0).get("enabled").asBoolean());
        System.out.println("scheduled runs: " + done);
    }

    @Test
    void badInputIsAJsonErrorWithItsStatus(@TempDir Path dir) throws Exception {
        playbooks(dir);
        Files.writeString(dir.resolve("playbooks/broken.groovy"), "playbook \"broken\" { servers 1; scenario \"x\" { stabilise 1.s } }");
        ChaosService s = start(dir, null, 1);
        record Case(String method, String path, String body, int status, String says) {}
        List<Case> cases = List.of(
            new Case("POST", "/api/runs", "", 400, "must be a JSON object"),
            new Case("POST", "/api/runs", "{", 400, "not JSON"),
            new Case("POST", "/api/runs", "[1]", 400, "must be a JSON object"),
            new Case("POST", "/api/runs", "{}", 400, "playbook is required"),
            new Case("POST", "/api/runs", "{\"playbook\": 3}", 400, "playbook is required"),
            new Case("POST", "/api/runs", "{\"playbook\": \"tiny\", \"speed\": 2}", 400, "unknown field 'speed'"),
            new Case("POST", "/api/runs", "{\"playbook\": \"nope\"}", 404, "no playbook 'nope'"),
            new Case("POST", "/api/runs", "{\"playbook\": \"broken.groovy\"}", 409, "has problems"),
            new Case("POST", "/api/runs", "{\"playbook\": \"tiny\", \"scenarios\": \"blip\"}", 400, "array of scenario names"),
            new Case("POST", "/api/runs", "{\"playbook\": \"tiny\", \"scenarios\": [\"nope\"]}", 400, "its scenarios are: blip"),
            new Case("POST", "/api/runs", "{\"playbook\": \"tiny\", \"timeScale\": 0}", 400, "timeScale"),
            new Case("POST", "/api/runs", "{\"playbook\": \"tiny\", \"timeScale\": \"fast\"}", 400, "timeScale"),
            new Case("POST", "/api/runs", "{\"playbook\": \"tiny\", \"timeScale\": 101}", 400, "timeScale"),
            new Case("GET", "/api/runs?state=bogus", null, 400, "unknown state"),
            new Case("GET", "/api/runs?limit=0", null, 400, "limit"),
            new Case("GET", "/api/runs/chaos-000000", null, 404, "no run"),
            new Case("POST", "/api/runs/chaos-000000/stop", null, 404, "no run"),
            new Case("GET", "/api/runs/chaos-000000/report", null, 404, "no run"),
            new Case("GET", "/api/runs/chaos-000000/journal", null, 404, "no run"),
            new Case("POST", "/api/schedules/nope/pause", null, 404, "no schedule"),
            new Case("POST", "/api/schedules/nope/resume", null, 404, "no schedule"),
            new Case("POST", "/api/schedules/nope/trigger", null, 404, "no schedule"),
            new Case("DELETE", "/api/runs", null, 405, "not allowed"),
            new Case("GET", "/api/nothing", null, 404, "no such endpoint"));
        List<String> wrong = new ArrayList<>();
        for (Case c : cases) {
            Reply r = call(s, c.method(), c.path(), c.body());
            boolean ok = r.status() == c.status() && r.json() != null && r.json().get("status").asInt() == c.status()
                && r.json().get("error").asText().contains(c.says());
            if (!ok) wrong.add(c + " got " + r.status() + " " + r.text());
        }
        assertEquals(List.of(), wrong);
        assertEquals(List.of(), call(s, "GET", "/api/runs", null).json().findValuesAsText("id"), "no bad request started a run");
    }

    @Test
    void aTokenGuardsTheApiButNotThePageAndAForeignOriginCannotChangeState(@TempDir Path dir) throws Exception {
        playbooks(dir);
        ChaosService s = start(dir, "s3cret", 1);
        assertEquals(401, call(s, "GET", "/api/runs", null).status());
        assertEquals(401, call(s, "GET", "/api/runs", null, "Authorization", "Bearer wrong").status());
        assertEquals(401, call(s, "GET", "/metrics", null).status());
        assertEquals(200, call(s, "GET", "/api/runs", null, "Authorization", "Bearer s3cret").status());
        Reply page = call(s, "GET", "/", null, "User-Agent", "Mozilla/5.0 (X11; Linux x86_64)");
        assertEquals(200, page.status());
        assertTrue(page.text().contains("<script src=\"/app.js\">"), page.text());
        assertEquals(200, call(s, "GET", "/app.js", null).status());
        Reply foreign = call(s, "POST", "/api/runs", "{\"playbook\": \"tiny\"}", "Authorization", "Bearer s3cret",
            "Origin", "http://evil.example", "User-Agent", "Mozilla/5.0");
        assertEquals(403, foreign.status(), foreign.text());
        String origin = s.url().replaceFirst("/$", "");
        Reply same = call(s, "POST", "/api/runs", "{\"playbook\": \"tiny\", \"timeScale\": 0.5}", "Authorization", "Bearer s3cret",
            "Origin", origin, "User-Agent", "Mozilla/5.0", "Sec-Fetch-Site", "same-origin");
        assertEquals(201, same.status(), same.text());
    }
}
