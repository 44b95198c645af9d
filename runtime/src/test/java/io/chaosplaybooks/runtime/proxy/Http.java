package io.chaosplaybooks.runtime.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Raw HTTP against the API, to check status codes and shapes exactly. */
final class Http {
    record Response(int status, String body) {
        JsonNode json() throws IOException {
            return new ObjectMapper().readTree(body);
        }
    }

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;

    Http(int port) {
        this.base = "http://127.0.0.1:" + port;
    }

    /** {@code headers}: name, value, name, value, … */
    Response send(String method, String path, String body, String... headers) throws IOException, InterruptedException {
        HttpRequest.BodyPublisher publisher = body == null
            ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body);
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(base + path))
            .timeout(Duration.ofSeconds(10))
            .method(method, publisher);
        if (headers.length > 0) {
            builder.headers(headers);
        }
        HttpRequest request = builder.build();
        HttpResponse<String> r = client.send(request, HttpResponse.BodyHandlers.ofString());
        return new Response(r.statusCode(), r.body());
    }

    Response get(String path) throws IOException, InterruptedException {
        return send("GET", path, null);
    }

    Response post(String path, String body) throws IOException, InterruptedException {
        return send("POST", path, body);
    }

    Response delete(String path) throws IOException, InterruptedException {
        return send("DELETE", path, null);
    }
}
