package io.chaosplaybooks.runtime.proxy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chaosplaybooks.runtime.http.ApiError;
import io.chaosplaybooks.runtime.http.ApiReply;
import io.chaosplaybooks.runtime.http.ApiRequest;
import io.chaosplaybooks.runtime.http.ApiServer;
import io.chaosplaybooks.runtime.http.Router;
import io.chaosplaybooks.runtime.http.ServerSettings;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
 * Errors are {@code {"error": message, "status": code}}; a wrong method is 405. The server's
 * guards (browsers refused as Toxiproxy refuses them, foreign origins, deadlines) are
 * {@link ApiServer}'s.
 */
public final class ToxiproxyHttpApi implements AutoCloseable {
    private final FaultEngine engine;
    private final ApiServer server;
    private final ObjectMapper json = new ObjectMapper();

    private ToxiproxyHttpApi(FaultEngine engine, ServerSettings settings) throws IOException {
        this.engine = engine;
        this.server = ApiServer.start(settings, routes());
    }

    /**
     * Serves the API for {@code engine} on host:port (port 0 → a free port, see {@link #port()}),
     * with the server's default guards and deadlines.
     *
     * @throws IOException if the address cannot be bound (port in use: a {@link java.net.BindException})
     */
    public static ToxiproxyHttpApi start(FaultEngine engine, String host, int port) throws IOException {
        return start(engine, ServerSettings.of(host, port));
    }

    public static ToxiproxyHttpApi start(FaultEngine engine, ServerSettings settings) throws IOException {
        return new ToxiproxyHttpApi(engine, settings);
    }

    public int port() {
        return server.port();
    }

    public String host() {
        return server.host();
    }

    /** Stops serving the API (the engine itself is the caller's to close). */
    @Override
    public void close() {
        server.close();
    }

    // ---- routes ----

    private Router routes() {
        Router r = new Router();
        r.route("GET", "/version", req -> json(200, json.createObjectNode().put("version", engine.version())));
        r.route("GET", "/metrics", req ->
            ApiReply.text(200, "text/plain; version=0.0.4; charset=utf-8", PrometheusText.format(engine.stats())));
        r.route("POST", "/reset", req -> {
            engine.reset();
            return ApiReply.empty(204);
        });
        r.route("POST", "/populate", req -> {
            List<ProxySpec> specs = proxyList(readBody(req));
            ArrayNode proxies = json.createArrayNode();
            engine.populate(specs).forEach(p -> proxies.add(proxyJson(p)));
            ObjectNode result = json.createObjectNode();
            result.set("proxies", proxies);
            return json(201, result);
        });
        r.route("GET", "/proxies", req -> {
            ObjectNode all = json.createObjectNode();
            engine.proxies().forEach((name, p) -> all.set(name, proxyJson(p)));
            return json(200, all);
        });
        r.route("POST", "/proxies", req -> json(201, proxyJson(engine.createProxy(proxySpec(readBody(req))))));
        r.route("GET", "/proxies/{proxy}", req -> json(200, proxyJson(engine.proxy(req.param("proxy")))));
        r.route("DELETE", "/proxies/{proxy}", req -> {
            engine.deleteProxy(req.param("proxy"));
            return ApiReply.empty(204);
        });
        Router.Handler updateProxy = req -> {
            String proxy = req.param("proxy");
            engine.proxy(proxy); // 404 before complaining about the body
            return json(200, proxyJson(engine.updateProxy(proxy, proxySpec(readBody(req)))));
        };
        r.route("POST", "/proxies/{proxy}", updateProxy);
        r.route("PATCH", "/proxies/{proxy}", updateProxy);
        r.route("GET", "/proxies/{proxy}/toxics", req -> {
            ArrayNode toxics = json.createArrayNode();
            engine.toxics(req.param("proxy")).forEach(t -> toxics.add(toxicJson(t)));
            return json(200, toxics);
        });
        r.route("POST", "/proxies/{proxy}/toxics", req -> {
            String proxy = req.param("proxy");
            engine.proxy(proxy);
            return json(200, toxicJson(engine.addToxic(proxy, toxicSpec(readBody(req)))));
        });
        r.route("GET", "/proxies/{proxy}/toxics/{toxic}", req ->
            json(200, toxicJson(engine.toxic(req.param("proxy"), req.param("toxic")))));
        r.route("DELETE", "/proxies/{proxy}/toxics/{toxic}", req -> {
            engine.removeToxic(req.param("proxy"), req.param("toxic"));
            return ApiReply.empty(204);
        });
        Router.Handler updateToxic = req -> {
            String proxy = req.param("proxy");
            String toxic = req.param("toxic");
            engine.toxic(proxy, toxic);
            return json(200, toxicJson(engine.updateToxic(proxy, toxic, toxicSpec(readBody(req)))));
        };
        r.route("POST", "/proxies/{proxy}/toxics/{toxic}", updateToxic);
        r.route("PATCH", "/proxies/{proxy}/toxics/{toxic}", updateToxic);
        return guarded(r);
    }

    /** The engine's refusals become the server's JSON errors with the engine's status. */
    private static Router guarded(Router routes) {
        return routes.mapErrors(e -> e instanceof FaultEngineException f ? new ApiError(f.status(), f.getMessage()) : null);
    }

    // ---- JSON in ----

    private JsonNode readBody(ApiRequest request) throws IOException {
        byte[] bytes = request.body();
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
                if (v.isIntegralNumber() && !v.canConvertToLong()) {
                    // Reported as given: converting first would show a wrapped-around value.
                    throw FaultEngineException.badRequest((body.hasNonNull("type") ? body.get("type").asText() + " " : "")
                        + "attribute '" + e.getKey() + "' must be at most " + Long.MAX_VALUE + ", got " + v.bigIntegerValue());
                }
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

    private ApiReply json(int status, JsonNode body) throws JsonProcessingException {
        return ApiReply.json(status, json.writeValueAsString(body));
    }
}
