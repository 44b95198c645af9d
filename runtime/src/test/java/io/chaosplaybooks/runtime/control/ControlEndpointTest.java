package io.chaosplaybooks.runtime.control;

import io.chaosplaybooks.runtime.events.RunEvent;
import io.chaosplaybooks.runtime.exec.PauseRequest;
import io.chaosplaybooks.runtime.run.StopRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ControlEndpointTest {
    static final Duration T = Duration.ofSeconds(10);

    @TempDir
    Path tmp;

    /** A run of this process, as far as control goes: its view, a stop that ends it (removing its fault) and a pause. */
    static final class FakeRun {
        final LiveView view = new LiveView("chaos-f00d01", "smoke");
        final StopRequest stop = new StopRequest();
        final PauseRequest pause = new PauseRequest();
        final LocalRun control = new LocalRun(view, "smoke", stop, pause);
        volatile boolean proxies = true;

        FakeRun() {
            view.on(new RunEvent.RunStart(2, "chaos-f00d01", "2026-12-02T15:00:00Z", "smoke", "smoke.groovy", "p", "embedded", 1, 1.0,
                List.of("server-1"), List.of(), List.of(), "STAND_IN", List.of("loss")));
            view.on(new RunEvent.ScenarioStart("loss", 0, 0));
            view.on(new RunEvent.PhaseStart("loss", "inject", null, 60_000, 0, 0));
            view.on(new RunEvent.FaultApplied("loss", "server-1", "down()", "down", Map.of(), "both", null, 0, 0));
            stop.holding(() -> proxies ? "proxies and toxics named chaos-f00d01-* (embedded); servers started by the run: server-1=127.0.0.1:1" : "");
            // What the run's thread does on a stop: takes its fault off, closes its environment, returns.
            stop.onRequest(() -> Thread.ofPlatform().start(() -> {
                view.on(new RunEvent.FaultRemoved("loss", "server-1", "down()", "down", Map.of(), "both", null, "scenario end", 1, 1));
                view.on(new RunEvent.RunStopped(stop.by(), "stopped", 1));
                proxies = false;
                view.on(new RunEvent.RunEnd(true, 2));
                control.finished();
            }));
        }
    }

    @Test
    void aRegisteredRunIsListedStoppedAndItsFileRemovedOnClose() throws Exception {
        FakeRun run = new FakeRun();
        Path file;
        try (ControlEndpoint endpoint = ControlEndpoint.open("run", tmp.resolve("chaos"))) {
            endpoint.register(run.control);
            file = endpoint.file();
            assertEquals(tmp.resolve("chaos").resolve(ProcessHandle.current().pid() + ".json"), file);
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())));

            LocalRuns local = LocalRuns.in(tmp.resolve("chaos"));
            assertEquals(List.of("chaos-f00d01"), local.runIds());
            List<LiveStatus> statuses = local.statuses();
            assertEquals(1, statuses.size());
            LiveStatus s = statuses.get(0);
            assertEquals("chaos-f00d01", s.runId());
            assertEquals(ProcessHandle.current().pid(), s.pid());
            assertEquals("inject", s.phase());
            assertEquals("down()", s.faults().get(0).fault());

            var unknown = assertThrows(LocalRuns.UnknownRun.class, () -> local.locate("chaos-nope"));
            assertEquals(List.of("chaos-f00d01"), unknown.running());

            StopReport r = local.locate("chaos-f00d01").client().stop("chaos-f00d01", "chaos stop (pid 99)", T);
            assertTrue(r.stopped());
            assertEquals("chaos stop (pid 99)", r.by());
            assertEquals(List.of("fault down() on server-1", "proxies and toxics named chaos-f00d01-* (embedded)",
                "servers started by the run: server-1=127.0.0.1:1"), r.removed());
            assertEquals(List.of(), r.left());
            assertEquals("stopped", run.view.status().state());
            assertEquals("chaos stop (pid 99)", run.view.status().by());
        }
        assertFalse(Files.exists(file), "the registration is removed on close");
    }

    @Test
    void pauseAndResumeGoThroughToTheRunsPauseRequest() throws Exception {
        FakeRun run = new FakeRun();
        try (ControlEndpoint endpoint = ControlEndpoint.open("run", tmp)) {
            endpoint.register(run.control);
            ControlClient client = LocalRuns.in(tmp).locate("chaos-f00d01").client();
            // No executor takes the pause here: the answer comes after the wait for it to take hold.
            client.pause("chaos-f00d01", "chaos pause (pid 5)", true, T);
            assertTrue(run.pause.paused());
            assertEquals("chaos pause (pid 5)", run.pause.by());
            var again = assertThrows(ControlClient.Refused.class, () -> client.pause("chaos-f00d01", "x", false, T));
            assertEquals(409, again.status());
            assertTrue(again.getMessage().contains("paused already"), again.getMessage());
            client.resume("chaos-f00d01", "chaos resume (pid 6)", T);
            assertFalse(run.pause.paused());
            assertEquals(409, assertThrows(ControlClient.Refused.class, () -> client.resume("chaos-f00d01", "x", T)).status());
            assertEquals(404, assertThrows(ControlClient.Refused.class, () -> client.run("chaos-other", T)).status());
        }
    }

    @Test
    void theApiWantsTheTokenAndRefusesBrowsers() throws Exception {
        try (ControlEndpoint endpoint = ControlEndpoint.open("run", tmp)) {
            endpoint.register(new FakeRun().control);
            HttpClient http = HttpClient.newHttpClient();
            URI runs = URI.create(endpoint.address() + "/api/runs");
            assertEquals(401, http.send(HttpRequest.newBuilder(runs).build(), HttpResponse.BodyHandlers.ofString()).statusCode());
            assertEquals(401, http.send(HttpRequest.newBuilder(runs).header("Authorization", "Bearer wrong").build(),
                HttpResponse.BodyHandlers.ofString()).statusCode());
            String token = LocalRuns.in(tmp).processes().get(0).token();
            var ok = http.send(HttpRequest.newBuilder(runs).header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, ok.statusCode());
            assertEquals("chaos-f00d01", LiveStatus.parseList(ok.body()).get(0).runId());
            var browser = http.send(HttpRequest.newBuilder(runs).header("Authorization", "Bearer " + token)
                .header("User-Agent", "Mozilla/5.0").build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(403, browser.statusCode());
        }
    }

    @Test
    void staleRegistrationsAreSkippedAndRemoved() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        Path dead = tmp.resolve(gone.pid() + ".json");
        Files.writeString(dead, "{\"pid\":" + gone.pid() + ",\"command\":\"run\",\"address\":\"http://127.0.0.1:9\",\"token\":\"t\","
            + "\"runs\":[{\"runId\":\"chaos-dead00\",\"playbook\":\"p\"}]}");
        // A live pid (this one) whose address nobody listens on: a reused pid.
        int free;
        try (var s = new java.net.ServerSocket(0)) {
            free = s.getLocalPort();
        }
        Path reused = tmp.resolve(ProcessHandle.current().pid() + ".json");
        Files.writeString(reused, "{\"pid\":" + ProcessHandle.current().pid() + ",\"command\":\"run\",\"address\":\"http://127.0.0.1:"
            + free + "\",\"token\":\"t\",\"runs\":[{\"runId\":\"chaos-reused\",\"playbook\":\"p\"}]}");
        LocalRuns local = LocalRuns.in(tmp);
        assertEquals(List.of(), local.statuses());
        assertFalse(Files.exists(dead));
        assertFalse(Files.exists(reused));
        assertEquals(List.of(), local.runIds());
    }

    @Test
    void theRuntimeDirectoryFollowsTheEnvironment() {
        Path home = tmp;
        assertEquals(Path.of("/x/own"), RuntimeDirectory.locate(Map.of("CHAOS_RUNTIME_DIR", "/x/own"), home.toString(), "u"));
        assertEquals(tmp.resolve("chaos"), RuntimeDirectory.locate(Map.of("XDG_RUNTIME_DIR", tmp.toString()), "/nonexistent", "u"));
        assertEquals(home.resolve(".local/state/chaos/run"), RuntimeDirectory.locate(Map.of("XDG_RUNTIME_DIR", "/nonexistent"), home.toString(), "u"));
        assertEquals(Path.of(System.getProperty("java.io.tmpdir"), "chaos-u"), RuntimeDirectory.locate(Map.of(), "/nonexistent", "u"));
    }
}
