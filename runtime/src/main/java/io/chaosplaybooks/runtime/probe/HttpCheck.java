package io.chaosplaybooks.runtime.probe;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/** One GET of an HTTP probe: status, time to the whole response, and which of the looked-for texts the body has. */
final class HttpCheck {
    /** Bodies are read up to this much: a health page, not a download. */
    static final int MAX_BODY = 1 << 20;

    record Answer(Integer status, Double latencyMs, Map<String, Boolean> bodyHas, String error) {}

    private HttpCheck() {}

    static Answer get(HttpClient client, String url, Duration timeout, Collection<String> texts) throws InterruptedException {
        long t0 = System.nanoTime();
        try {
            HttpResponse<InputStream> r = client.send(HttpRequest.newBuilder(URI.create(url)).timeout(timeout).GET().build(),
                HttpResponse.BodyHandlers.ofInputStream());
            String body;
            try (InputStream in = r.body()) {
                body = new String(in.readNBytes(MAX_BODY), StandardCharsets.UTF_8);
            }
            double ms = (System.nanoTime() - t0) / 1e6;
            Map<String, Boolean> has = new LinkedHashMap<>();
            for (String t : texts) has.put(t, body.contains(t));
            return new Answer(r.statusCode(), Math.round(ms * 1000) / 1000.0, has.isEmpty() ? null : has, null);
        } catch (HttpTimeoutException e) {
            return new Answer(null, null, null, "no response within " + timeout.toMillis() + " ms");
        } catch (ConnectException e) {
            return new Answer(null, null, null, "connection refused");
        } catch (IOException e) {
            return new Answer(null, null, null, "no response: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
        }
    }
}
