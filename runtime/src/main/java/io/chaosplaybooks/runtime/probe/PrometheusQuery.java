package io.chaosplaybooks.runtime.probe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * One instant query of Prometheus's HTTP API ({@code GET /api/v1/query}): its one value, or why there is
 * none, in Prometheus's own words. A query must come to one series (or a scalar): several would leave
 * the bound ambiguous, none means there is nothing to judge; both are errors, not values.
 */
final class PrometheusQuery {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The value, or (value null) the error. */
    record Answer(Double value, String error) {}

    private PrometheusQuery() {}

    static Answer ask(HttpClient client, URI base, String query, Duration timeout) throws InterruptedException {
        String root = base.toString().replaceFirst("/+$", "");
        URI uri = URI.create(root + "/api/v1/query?query=" + URLEncoder.encode(query, StandardCharsets.UTF_8));
        HttpResponse<String> response;
        try {
            response = client.send(HttpRequest.newBuilder(uri).timeout(timeout).GET().build(), HttpResponse.BodyHandlers.ofString());
        } catch (HttpTimeoutException e) {
            return new Answer(null, "Prometheus at " + root + " did not answer within " + timeout.toMillis() + " ms");
        } catch (IOException e) {
            return new Answer(null, "cannot reach Prometheus at " + root + ": " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
        }
        JsonNode body;
        try {
            body = JSON.readTree(response.body());
        } catch (IOException e) {
            return new Answer(null, "Prometheus at " + root + " answered " + response.statusCode() + " with something that is not its API's JSON");
        }
        if (!"success".equals(body.path("status").asText())) {
            return new Answer(null, "Prometheus: " + body.path("errorType").asText("error") + ": " + body.path("error").asText("(no message)"));
        }
        JsonNode data = body.path("data");
        JsonNode result = data.path("result");
        switch (data.path("resultType").asText()) {
            case "scalar" -> {
                return number(result.path(1).asText());
            }
            case "vector" -> {
                if (result.isEmpty()) return new Answer(null, "Prometheus: the query returned no series");
                if (result.size() > 1) {
                    return new Answer(null, "Prometheus: the query returned " + result.size()
                        + " series; a probe compares one value: aggregate them, for example with sum(...)");
                }
                return number(result.get(0).path("value").path(1).asText());
            }
            default -> {
                return new Answer(null, "Prometheus: the query returned a " + data.path("resultType").asText()
                    + "; a probe compares one value (an instant vector of one series, or a scalar)");
            }
        }
    }

    private static Answer number(String text) {
        try {
            return new Answer(Double.parseDouble(text), null);
        } catch (NumberFormatException e) {
            return new Answer(null, "Prometheus: the value '" + text + "' is not a number");
        }
    }
}
