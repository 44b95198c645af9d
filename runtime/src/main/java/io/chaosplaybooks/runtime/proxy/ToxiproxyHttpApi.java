package io.chaosplaybooks.runtime.proxy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Toxiproxy 2.x's HTTP API over a {@link FaultEngine}, so toxiproxy-java, toxiproxy-cli and other
 * Toxiproxy clients work unchanged. Status codes and JSON shapes follow a real Toxiproxy 2.12:
 *
 * <pre>
 *   GET  /version                      200 {"version": …}
 *   GET  /proxies                      200 {name: proxy, …}
 *   POST /proxies                      201 proxy            (400 missing field, 409 duplicate, 500 port in use)
 *   POST /populate                     201 {"proxies": […]}
 *   GET|POST|PATCH|DELETE /proxies/{p} 200 | 200 | 200 | 204
 *   GET|POST /proxies/{p}/toxics       200 [toxic, …] | 200 toxic
 *   GET|POST|PATCH|DELETE /proxies/{p}/toxics/{t}   200 | 200 | 200 | 204
 *   POST /reset                        204
 *   GET  /metrics                      200 Prometheus text (bytes, connections, toxics per proxy)
 * </pre>
 *
 * Errors are {@code {"error": message, "status": code}}; a wrong method is 405.
 */
public final class ToxiproxyHttpApi implements AutoCloseable {
    private static final int MAX_BODY_BYTES = 1 << 20;

    private final FaultEngine engine;
    private final HttpServer server;
    private final ExecutorService executor;
    private final ObjectMapper json = new ObjectMapper();

    private ToxiproxyHttpApi(FaultEngine engine, HttpServer server, ExecutorService executor) {
        this.engine = engine;
        this.server = server;
        this.executor = executor;
    }

    /**
     * Serves the API for {@code engine} on host:port (port 0 → a free port, see {@link #port()}).
     *
     * @throws IOException if the address cannot be bound (port in use: a {@link java.net.BindException})
     */
    public static ToxiproxyHttpApi start(FaultEngine engine, String host, int port) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 64);
        ExecutorService executor = Executors.newFixedThreadPool(4,
            r -> Thread.ofPlatform().name("toxiproxy-api").daemon(true).unstarted(r));
        ToxiproxyHttpApi api = new ToxiproxyHttpApi(engine, server, executor);
        server.createContext("/", api::handle);
        server.setExecutor(executor);
        server.start();
        return api;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public String host() {
        return server.getAddress().getHostString();
    }

    /** Stops serving the API (the engine itself is the caller's to close). */
    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        try {
            executor.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- routing ----

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            try {
                route(exchange);
            } catch (FaultEngineException e) {
                sendError(exchange, e.status(), e.getMessage());
            } catch (RuntimeException e) {
                sendError(exchange, 500, "internal error: " + e);
            }
        }
    }

    private void route(HttpExchange ex) throws IOException {
        String method = ex.getRequestMethod();
        List<String> path = segments(ex.getRequestURI());
        int n = path.size();
        if (n == 1 && path.get(0).equals("version")) {
            allow(ex, "GET");
            ObjectNode body = json.createObjectNode().put("version", engine.version());
            send(ex, 200, body);
        } else if (n == 1 && path.get(0).equals("metrics")) {
            allow(ex, "GET");
            sendText(ex, 200, "text/plain; version=0.0.4; charset=utf-8", PrometheusText.format(engine.stats()));
        } else if (n == 1 && path.get(0).equals("reset")) {
            allow(ex, "POST");
            engine.reset();
            sendEmpty(ex, 204);
        } else if (n == 1 && path.get(0).equals("populate")) {
            allow(ex, "POST");
            List<ProxySpec> specs = proxyList(readBody(ex));
            ArrayNode proxies = json.createArrayNode();
            engine.populate(specs).forEach(p -> proxies.add(proxyJson(p)));
            ObjectNode result = json.createObjectNode();
            result.set("proxies", proxies);
            send(ex, 201, result);
        } else if (n == 1 && path.get(0).equals("proxies")) {
            if (allow(ex, "GET", "POST").equals("GET")) {
                ObjectNode all = json.createObjectNode();
                engine.proxies().forEach((name, p) -> all.set(name, proxyJson(p)));
                send(ex, 200, all);
            } else {
                send(ex, 201, proxyJson(engine.createProxy(proxySpec(readBody(ex)))));
            }
        } else if (n == 2 && path.get(0).equals("proxies")) {
            String proxy = path.get(1);
            switch (allow(ex, "GET", "POST", "PATCH", "DELETE")) {
                case "GET" -> send(ex, 200, proxyJson(engine.proxy(proxy)));
                case "DELETE" -> {
                    engine.deleteProxy(proxy);
                    sendEmpty(ex, 204);
                }
                default -> {
                    engine.proxy(proxy); // 404 before complaining about the body
                    send(ex, 200, proxyJson(engine.updateProxy(proxy, proxySpec(readBody(ex)))));
                }
            }
        } else if (n == 3 && path.get(0).equals("proxies") && path.get(2).equals("toxics")) {
            String proxy = path.get(1);
            if (allow(ex, "GET", "POST").equals("GET")) {
                ArrayNode toxics = json.createArrayNode();
                engine.toxics(proxy).forEach(t -> toxics.add(toxicJson(t)));
                send(ex, 200, toxics);
            } else {
                engine.proxy(proxy);
                send(ex, 200, toxicJson(engine.addToxic(proxy, toxicSpec(readBody(ex)))));
            }
        } else if (n == 4 && path.get(0).equals("proxies") && path.get(2).equals("toxics")) {
            String proxy = path.get(1);
            String toxic = path.get(3);
            switch (allow(ex, "GET", "POST", "PATCH", "DELETE")) {
                case "GET" -> send(ex, 200, toxicJson(engine.toxic(proxy, toxic)));
                case "DELETE" -> {
                    engine.removeToxic(proxy, toxic);
                    sendEmpty(ex, 204);
                }
                default -> {
                    engine.toxic(proxy, toxic);
                    send(ex, 200, toxicJson(engine.updateToxic(proxy, toxic, toxicSpec(readBody(ex)))));
                }
            }
        } else {
            throw FaultEngineException.notFound("no such endpoint: " + method + " " + ex.getRequestURI().getPath());
        }
    }

    private static List<String> segments(URI uri) {
        List<String> parts = new ArrayList<>();
        for (String s : uri.getPath().split("/")) {
            if (!s.isEmpty()) {
                parts.add(s);
            }
        }
        return parts;
    }

    /** Returns the request's method if allowed, else answers 405 by throwing. */
    private static String allow(HttpExchange ex, String... methods) {
        String method = ex.getRequestMethod();
        for (String m : methods) {
            if (m.equals(method)) {
                return m;
            }
        }
        ex.getResponseHeaders().set("Allow", String.join(", ", methods));
        throw new FaultEngineException(405, "method " + method + " not allowed on " + ex.getRequestURI().getPath()
            + " (allowed: " + String.join(", ", methods) + ")");
    }

    // ---- JSON in ----

    private JsonNode readBody(HttpExchange ex) throws IOException {
        byte[] bytes;
        try (InputStream in = ex.getRequestBody()) {
            bytes = in.readNBytes(MAX_BODY_BYTES + 1);
        }
        if (bytes.length > MAX_BODY_BYTES) {
            throw FaultEngineException.badRequest("request body larger than " + MAX_BODY_BYTES + " bytes");
        }
        if (bytes.length == 0) {
            throw FaultEngineException.badRequest("bad request body: empty (expected JSON)");
        }
        try {
            JsonNode node = json.readTree(bytes);
            if (node == null || node.isMissingNode()) {
                throw FaultEngineException.badRequest("bad request body: empty (expected JSON)");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw FaultEngineException.badRequest("bad request body: invalid JSON: " + e.getOriginalMessage());
        }
    }

    /**
     * Reads a Toxiproxy config file / populate body: a JSON array of {@code {name, listen, upstream, enabled}}.
     *
     * @throws FaultEngineException (400) naming what is wrong, e.g. the entry without an upstream
     */
    public static List<ProxySpec> parseProxyList(String json) {
        try {
            JsonNode node = new ObjectMapper().readTree(json);
            if (node == null || node.isMissingNode()) {
                throw FaultEngineException.badRequest("empty proxy list (expected a JSON array of proxies)");
            }
            return proxyList(node);
        } catch (JsonProcessingException e) {
            throw FaultEngineException.badRequest("invalid JSON: " + e.getOriginalMessage()
                + (e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr()));
        }
    }

    private static List<ProxySpec> proxyList(JsonNode body) {
        if (!body.isArray()) {
            throw FaultEngineException.badRequest("expected a JSON array of proxies");
        }
        List<ProxySpec> specs = new ArrayList<>();
        int index = 0;
        for (JsonNode item : body) {
            ProxySpec spec = proxySpec(item);
            if (spec.name() == null || spec.upstream() == null) {
                throw FaultEngineException.badRequest("proxy #" + (index + 1) + " in the list: missing required field: "
                    + (spec.name() == null ? "name" : "upstream"));
            }
            specs.add(spec);
            index++;
        }
        return specs;
    }

    private static ProxySpec proxySpec(JsonNode body) {
        requireObject(body, "proxy");
        return new ProxySpec(text(body, "name"), text(body, "listen"), text(body, "upstream"), bool(body, "enabled"));
    }

    private ToxicSpec toxicSpec(JsonNode body) {
        requireObject(body, "toxic");
        Double toxicity = null;
        JsonNode t = body.get("toxicity");
        if (t != null && !t.isNull()) {
            if (!t.isNumber()) {
                throw FaultEngineException.badRequest("toxicity must be a number from 0 to 1, got " + t);
            }
            toxicity = t.doubleValue();
        }
        Map<String, Object> attributes = null;
        JsonNode a = body.get("attributes");
        if (a != null && !a.isNull()) {
            if (!a.isObject()) {
                throw FaultEngineException.badRequest("attributes must be a JSON object, got " + a);
            }
            attributes = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = a.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                JsonNode v = e.getValue();
                attributes.put(e.getKey(), v.isIntegralNumber() ? (Object) v.longValue()
                    : v.isNumber() ? (Object) v.doubleValue()
                    : v.isNull() ? null
                    : v.isTextual() ? v.textValue() : v.toString());
            }
        }
        return new ToxicSpec(text(body, "name"), text(body, "type"), text(body, "stream"), toxicity, attributes);
    }

    private static void requireObject(JsonNode body, String what) {
        if (!body.isObject()) {
            throw FaultEngineException.badRequest("bad request body: expected a JSON object describing a " + what);
        }
    }

    private static String text(JsonNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw FaultEngineException.badRequest(field + " must be a string, got " + v);
        }
        return v.textValue();
    }

    private static Boolean bool(JsonNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isBoolean()) {
            throw FaultEngineException.badRequest(field + " must be true or false, got " + v);
        }
        return v.booleanValue();
    }

    // ---- JSON out ----

    private ObjectNode proxyJson(ProxyInfo p) {
        ObjectNode node = json.createObjectNode();
        node.put("name", p.name());
        node.put("listen", p.listen());
        node.put("upstream", p.upstream());
        node.put("enabled", p.enabled());
        ArrayNode toxics = node.putArray("toxics");
        p.toxics().forEach(t -> toxics.add(toxicJson(t)));
        return node;
    }

    private ObjectNode toxicJson(ToxicSpec t) {
        ObjectNode node = json.createObjectNode();
        node.set("attributes", json.valueToTree(t.attributes()));
        node.put("name", t.name());
        node.put("type", t.type());
        node.put("stream", t.stream());
        node.put("toxicity", t.toxicity());
        return node;
    }

    private void send(HttpExchange ex, int status, JsonNode body) throws IOException {
        sendText(ex, status, "application/json", json.writeValueAsString(body) + "\n");
    }

    private void sendError(HttpExchange ex, int status, String message) throws IOException {
        ObjectNode body = json.createObjectNode().put("error", message).put("status", status);
        send(ex, status, body);
    }

    private static void sendText(HttpExchange ex, int status, String contentType, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", contentType);
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static void sendEmpty(HttpExchange ex, int status) throws IOException {
        ex.sendResponseHeaders(status, -1);
    }
}
