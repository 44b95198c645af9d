package io.chaosplaybooks.runtime.control;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.List;

/**
 * Talks to a control API: a process's own (its address and token from its registration file) or
 * a {@code chaos serve} elsewhere (its URL and, off loopback, its token).
 */
public final class ControlClient {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration CONNECT = Duration.ofSeconds(2);

    /** The API refused the request or answered with an error: {@code status} and its message. */
    public static final class Refused extends IOException {
        private final int status;

        Refused(int status, String message) {
            super(message);
            this.status = status;
        }

        public int status() {
            return status;
        }
    }

    private final URI base;
    private final String token;
    private final HttpClient http;

    /** @param token the bearer token, or null for none */
    public ControlClient(URI base, String token) {
        String b = base.toString();
        this.base = URI.create(b.endsWith("/") ? b.substring(0, b.length() - 1) : b);
        this.token = token;
        this.http = HttpClient.newBuilder().connectTimeout(CONNECT).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** The runs it has: {@code GET /api/runs}, with {@code ?state=running} when {@code runningOnly} (a server keeps history). */
    public List<LiveStatus> runs(boolean runningOnly, Duration timeout) throws IOException, InterruptedException {
        return LiveStatus.parseList(send("GET", "/api/runs" + (runningOnly ? "?state=running" : ""), null, timeout));
    }

    public LiveStatus run(String id, Duration timeout) throws IOException, InterruptedException {
        return LiveStatus.parse(send("GET", "/api/runs/" + id, null, timeout));
    }

    public StopReport stop(String id, String by, Duration timeout) throws IOException, InterruptedException {
        String answer = send("POST", "/api/runs/" + id + "/stop", JSON.createObjectNode().put("by", by), timeout);
        return JSON.readValue(answer, StopReport.class);
    }

    public LiveStatus pause(String id, String by, boolean healOnPause, Duration timeout) throws IOException, InterruptedException {
        ObjectNode body = JSON.createObjectNode().put("by", by).put("healOnPause", healOnPause);
        return LiveStatus.parse(send("POST", "/api/runs/" + id + "/pause", body, timeout));
    }

    public LiveStatus resume(String id, String by, Duration timeout) throws IOException, InterruptedException {
        return LiveStatus.parse(send("POST", "/api/runs/" + id + "/resume", JSON.createObjectNode().put("by", by), timeout));
    }

    private String send(String method, String path, ObjectNode body, Duration timeout) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(timeout)
            .header("Accept", "application/json").header("User-Agent", "chaos-control");
        if (token != null) b.header("Authorization", "Bearer " + token);
        if (body == null) {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body.toString()));
        }
        HttpResponse<String> r;
        try {
            r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException e) {
            throw new ConnectException("nothing answers at " + base + (e.getMessage() == null ? "" : " (" + e.getMessage() + ")"));
        } catch (HttpTimeoutException e) {
            throw new HttpTimeoutException(base + " did not answer " + method + " " + path + " within " + timeout.toMillis() + " ms");
        }
        if (r.statusCode() / 100 != 2) {
            String message = r.body();
            try {
                var n = JSON.readTree(r.body());
                if (n != null && n.hasNonNull("error")) message = n.get("error").asText();
            } catch (IOException notJson) {
                // the body as it is
            }
            throw new Refused(r.statusCode(), message.isBlank() ? base + " answered " + r.statusCode() + " to " + method + " " + path : message.strip());
        }
        return r.body();
    }
}
