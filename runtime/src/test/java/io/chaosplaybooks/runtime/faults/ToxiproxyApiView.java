package io.chaosplaybooks.runtime.faults;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chaosplaybooks.runtime.proxy.ProxyInfo;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

/** What a Toxiproxy API shows, read the way any client reads it: for the contract suite's checks. */
final class ToxiproxyApiView {
    private static final ObjectMapper JSON = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    private final URI api;
    private final HttpClient http = HttpClient.newHttpClient();

    ToxiproxyApiView(URI api) {
        this.api = api;
    }

    Map<String, ProxyInfo> proxies() throws IOException, InterruptedException {
        return JSON.readValue(send("GET", "/proxies", null), new TypeReference<Map<String, ProxyInfo>>() {});
    }

    void createProxy(String name, String upstream) throws IOException, InterruptedException {
        send("POST", "/proxies", JSON.writeValueAsString(Map.of("name", name, "listen", "127.0.0.1:0", "upstream", upstream)));
    }

    void deleteProxy(String name) throws IOException, InterruptedException {
        send("DELETE", "/proxies/" + name, null);
    }

    private String send(String method, String path, String body) throws IOException, InterruptedException {
        var r = HttpRequest.newBuilder(api.resolve(path))
            .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> response = http.send(r.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2 && response.statusCode() != 404) {
            throw new IOException(method + " " + path + ": " + response.statusCode() + " " + response.body());
        }
        return response.body();
    }
}
