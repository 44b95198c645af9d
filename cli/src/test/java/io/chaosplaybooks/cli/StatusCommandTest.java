package io.chaosplaybooks.cli;

import com.sun.net.httpserver.HttpServer;
import io.chaosplaybooks.runtime.control.LiveStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code chaos status --server}: the client of a chaos serve's {@code GET /api/runs?state=running}, against a tiny fake of it. */
class StatusCommandTest {
    static final LiveStatus RUNNING = new LiveStatus("chaos-abc123", "memcached-resilience", "running", 4242L, "2026-12-02T15:00:00Z",
        "latency-spike", 2, 5, 1, "inject", null, 60_000.0, 42_000.0, 100_000.0, 4800.0, 0.0125, 55.5,
        Map.of("server-1", "open", "server-2", "closed"),
        List.of(new LiveStatus.ActiveFault("server-1", "latency(500 ms)", "latency", "latency-spike", 82_000)), null);

    /** A server answering {@code body} with {@code status} to GET /api/runs, remembering what it was asked. */
    static HttpServer fake(int status, String body, List<String> asked) throws Exception {
        HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        s.createContext("/api/runs", x -> {
            asked.add(x.getRequestMethod() + " " + x.getRequestURI() + " auth=" + x.getRequestHeaders().getFirst("Authorization"));
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            x.getResponseHeaders().add("Content-Type", "application/json");
            x.sendResponseHeaders(status, b.length);
            x.getResponseBody().write(b);
            x.close();
        });
        s.start();
        return s;
    }

    @Test
    void listsTheRunningRunsOfAServer(@TempDir Path dir) throws Exception {
        List<String> asked = new CopyOnWriteArrayList<>();
        HttpServer s = fake(200, LiveStatus.toJson(List.of(RUNNING)), asked);
        try {
            Path token = dir.resolve("token");
            Files.writeString(token, "s3cret\n");
            String url = "http://127.0.0.1:" + s.getAddress().getPort();
            var r = CliRunner.run("status", "--server", url, "--token-file", token.toString());
            assertEquals(0, r.exitCode(), r.err());
            assertEquals(List.of("GET /api/runs?state=running auth=Bearer s3cret"), asked);
            assertTrue(r.out().contains("chaos-abc123  memcached-resilience  running  pid 4242"), r.out());
            assertTrue(r.out().contains("scenario latency-spike (2/5), inject, 42 s left of 60 s"), r.out());
            assertTrue(r.out().contains("load 4800 ops/s, errors 1.25%, p99 55.5 ms, breaker server-1 open"), r.out());
            assertTrue(r.out().contains("fault latency(500 ms) on server-1 for 18 s"), r.out());

            var json = CliRunner.run("status", "--server", url, "--format", "json");
            assertEquals(0, json.exitCode(), json.err());
            assertEquals(List.of(RUNNING), LiveStatus.parseList(json.out()));
            assertTrue(asked.get(1).endsWith("auth=null"), asked.toString());
        } finally {
            s.stop(0);
        }
    }

    @Test
    void aServerThatRefusesOrAnswersNonsenseIsOneLine() throws Exception {
        List<String> asked = new CopyOnWriteArrayList<>();
        HttpServer s = fake(401, "{\"error\":\"missing Authorization: Bearer <token>\",\"status\":401}", asked);
        try {
            var r = CliRunner.run("status", "--server", "http://127.0.0.1:" + s.getAddress().getPort());
            assertEquals(3, r.exitCode());
            assertTrue(r.err().contains("missing Authorization: Bearer <token>"), r.err());
            assertTrue(!r.err().contains("Exception"), r.err());
        } finally {
            s.stop(0);
        }
        HttpServer nonsense = fake(200, "<html>", asked);
        try {
            var r = CliRunner.run("status", "--server", "http://127.0.0.1:" + nonsense.getAddress().getPort());
            assertEquals(3, r.exitCode());
            assertTrue(r.err().contains("not a list of run statuses"), r.err());
        } finally {
            nonsense.stop(0);
        }
        var bad = CliRunner.run("status", "--token-file", "x");
        assertEquals(2, bad.exitCode());
        var unknownUrl = CliRunner.run("status", "--server", "ftp://x");
        assertEquals(2, unknownUrl.exitCode());
    }
}
