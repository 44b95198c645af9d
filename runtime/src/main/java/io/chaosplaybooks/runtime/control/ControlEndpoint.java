package io.chaosplaybooks.runtime.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chaosplaybooks.runtime.http.ApiError;
import io.chaosplaybooks.runtime.http.ApiReply;
import io.chaosplaybooks.runtime.http.ApiRequest;
import io.chaosplaybooks.runtime.http.ApiServer;
import io.chaosplaybooks.runtime.http.Router;
import io.chaosplaybooks.runtime.http.ServerSettings;
import io.chaosplaybooks.runtime.run.RunEnvironment;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * This process's entry in the control registry: a loopback HTTP API (the project's {@link ApiServer}
 * with its guards, every request needing the bearer token) and a private file in the user's runtime
 * directory that says where it answers and which runs it has. The file is removed on close and, should
 * the process exit without closing, by a shutdown hook; a file whose process is gone is stale and
 * {@link LocalRuns} removes it.
 *
 * <pre>
 *  GET  /api/runs                 the runs' {@link LiveStatus}es (JSON array)
 *  GET  /api/runs/{id}            one run's status
 *  POST /api/runs/{id}/stop       {"by": "..."}: stops it as Ctrl-C does, answers a {@link StopReport} once it stopped
 *  POST /api/runs/{id}/pause      {"by": "...", "healOnPause": false}
 *  POST /api/runs/{id}/resume     {"by": "..."}
 * </pre>
 */
public final class ControlEndpoint implements AutoCloseable {
    /** How long a stop waits for the run's cleanup before answering what is still held. */
    public static final Duration STOP_WAIT = RunEnvironment.CLEANUP_DEADLINE.plusSeconds(4);

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String command;
    private final Path file;
    private final String token;
    private final ApiServer server;
    private final String started = Instant.now().toString();
    private final Map<String, RunControl> runs = new ConcurrentHashMap<>();
    private final AtomicInteger answering = new AtomicInteger();
    private volatile long lastAnswerNanos = System.nanoTime() - 1_000_000_000L;
    private final Thread removeOnExit;
    private volatile boolean closed;

    private ControlEndpoint(String command, Path file, String token, ApiServer server) {
        this.command = command;
        this.file = file;
        this.token = token;
        this.server = server;
        this.removeOnExit = new Thread(this::deleteFile, "chaos-control-file");
    }

    /** Registers this process ({@code command}: {@code run} or {@code serve}) in the user's runtime directory. */
    public static ControlEndpoint open(String command) throws IOException {
        return open(command, RuntimeDirectory.locate());
    }

    /** As {@link #open(String)}, in {@code dir}. */
    public static ControlEndpoint open(String command, Path dir) throws IOException {
        RuntimeDirectory.ensure(dir);
        byte[] secret = new byte[24];
        new SecureRandom().nextBytes(secret);
        String token = HexFormat.of().formatHex(secret);
        Holder h = new Holder();
        ApiServer server = ApiServer.start(ServerSettings.of("127.0.0.1", 0).withBearerToken(token), h.router());
        ControlEndpoint e = new ControlEndpoint(command, dir.resolve(ProcessHandle.current().pid() + ".json"), token, server);
        h.endpoint = e;
        try {
            e.writeFile();
        } catch (IOException x) {
            server.close();
            throw new IOException("cannot register in " + dir + ": " + x.getMessage(), x);
        }
        Runtime.getRuntime().addShutdownHook(e.removeOnExit);
        return e;
    }

    /** The routes reach the endpoint made after its server. */
    private static final class Holder {
        ControlEndpoint endpoint;

        Router router() {
            return new Router()
                .route("GET", "/api/runs", r -> endpoint.list())
                .route("GET", "/api/runs/{id}", r -> ApiReply.json(200, endpoint.withPid(endpoint.find(r).status()).toJson()))
                .route("POST", "/api/runs/{id}/stop", r -> endpoint.stop(r))
                .route("POST", "/api/runs/{id}/pause", r -> endpoint.pause(r))
                .route("POST", "/api/runs/{id}/resume", r -> endpoint.resume(r))
                .mapErrors(e -> e instanceof RunControl.Refused ? new ApiError(409, e.getMessage()) : null);
        }
    }

    /** Makes {@code run} reachable from other shells until {@link #unregister}. */
    public void register(RunControl run) {
        runs.put(run.runId(), run);
        rewrite();
    }

    public void unregister(String runId) {
        if (runs.remove(runId) != null) rewrite();
    }

    /** The runs registered now. */
    public List<RunControl> runs() {
        return List.copyOf(runs.values());
    }

    /** The control API's base URL. */
    public URI address() {
        return URI.create("http://127.0.0.1:" + server.port());
    }

    /** The registration file. */
    public Path file() {
        return file;
    }

    private void rewrite() {
        if (closed) return;
        try {
            writeFile();
        } catch (IOException e) {
            System.err.println("chaos: cannot update " + file + ": " + e.getMessage());
        }
    }

    private synchronized void writeFile() throws IOException {
        List<ProcessEntry.Run> list = runs.values().stream().map(r -> new ProcessEntry.Run(r.runId(), r.playbook())).toList();
        ProcessEntry entry = new ProcessEntry(ProcessHandle.current().pid(), command, address().toString(), token, started, list);
        Path tmp;
        try {
            tmp = Files.createTempFile(file.getParent(), ".chaos-", ".tmp", PosixFilePermissions.asFileAttribute(RuntimeDirectory.PRIVATE_FILE));
        } catch (UnsupportedOperationException notPosix) {
            tmp = Files.createTempFile(file.getParent(), ".chaos-", ".tmp");
        }
        try {
            Files.writeString(tmp, JSON.writeValueAsString(entry));
            // Readers see the old file or the new one, never half of one.
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private void deleteFile() {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // a file left behind is stale and ignored by readers
        }
    }

    private RunControl find(ApiRequest r) {
        String id = r.param("id");
        RunControl run = runs.get(id);
        if (run == null) {
            throw new ApiError(404, "no run " + id + " in process " + ProcessHandle.current().pid() + " (runs: "
                + (runs.isEmpty() ? "none" : String.join(", ", runs.keySet())) + ")");
        }
        return run;
    }

    private LiveStatus withPid(LiveStatus s) {
        return s.withPid(ProcessHandle.current().pid());
    }

    private ApiReply list() {
        List<LiveStatus> all = new ArrayList<>();
        for (RunControl r : runs.values()) all.add(withPid(r.status()));
        return ApiReply.json(200, LiveStatus.toJson(all));
    }

    private static JsonNode body(ApiRequest r) {
        if (r.body().length == 0) return JSON.createObjectNode();
        try {
            JsonNode n = JSON.readTree(r.body());
            if (n == null || !n.isObject()) throw new ApiError(400, "the body must be a JSON object");
            return n;
        } catch (IOException e) {
            throw new ApiError(400, "the body is not JSON: " + e.getMessage());
        }
    }

    private static String by(JsonNode body) {
        JsonNode by = body.get("by");
        return by == null || !by.isTextual() || by.asText().isBlank() ? "control API" : by.asText();
    }

    private ApiReply stop(ApiRequest r) throws Exception {
        RunControl run = find(r);
        String by = by(body(r));
        answering.incrementAndGet();
        try {
            return ApiReply.json(200, JSON.writeValueAsString(run.stop(by, STOP_WAIT)));
        } finally {
            lastAnswerNanos = System.nanoTime();
            answering.decrementAndGet();
        }
    }

    private ApiReply pause(ApiRequest r) throws Exception {
        RunControl run = find(r);
        JsonNode body = body(r);
        return ApiReply.json(200, withPid(run.pause(by(body), healOnPause(body))).toJson());
    }

    /** A pause request's {@code healOnPause} (false when absent); the body of {@code chaos serve}'s pause route too. */
    public static boolean healOnPause(ApiRequest r) {
        return healOnPause(body(r));
    }

    private static boolean healOnPause(JsonNode body) {
        JsonNode heal = body.get("healOnPause");
        if (heal != null && !heal.isBoolean()) throw new ApiError(400, "healOnPause must be true or false");
        return heal != null && heal.asBoolean();
    }

    private ApiReply resume(ApiRequest r) {
        RunControl run = find(r);
        return ApiReply.json(200, withPid(run.resume(by(body(r)))).toJson());
    }

    /**
     * Removes the registration and stops the API. A stop being answered (its run has just ended, which
     * is why the process is closing) gets its answer out first.
     */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        deleteFile();
        long end = System.nanoTime() + 2_000_000_000L;
        while (answering.get() > 0 && System.nanoTime() < end) sleep(10);
        // The answer is written just after its handler returns.
        if (System.nanoTime() - lastAnswerNanos < 500_000_000L) sleep(100);
        server.close();
        try {
            Runtime.getRuntime().removeShutdownHook(removeOnExit);
        } catch (IllegalStateException exiting) {
            // the hook runs anyway
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
