package io.chaosplaybooks.runtime.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import eu.rekawek.toxiproxy.Proxy;
import eu.rekawek.toxiproxy.ToxiproxyClient;
import eu.rekawek.toxiproxy.model.Toxic;
import eu.rekawek.toxiproxy.model.ToxicDirection;
import io.chaosplaybooks.dsl.plan.Direction;
import io.chaosplaybooks.dsl.plan.Fault;
import io.chaosplaybooks.dsl.plan.FaultType;
import io.chaosplaybooks.runtime.exec.FaultBackend;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Faults on a Toxiproxy server (a real one, or our embedded engine through its HTTP API).
 * Everything it creates is named {@code <runId>-...}; it never touches anything else on a
 * shared server. Proxies and plain toxics go through toxiproxy-java; a toxic with a toxicity
 * below 1, or our {@code loss} toxic, is created in one request so no connection sees it at
 * full strength first.
 *
 * <p>{@code packetLoss(p)}: the {@code loss} toxic where the server has it; otherwise the
 * approximation the old Go system used, a downstream {@code bandwidth} toxic at rate 0 with
 * toxicity p, which stalls that share of connections. The console is told which.
 */
public final class ToxiproxyBackend implements FaultBackend {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI api;
    private final String runId;
    private final Consumer<String> console;
    private final ToxiproxyClient client;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Map<String, Proxy> proxies = Collections.synchronizedMap(new LinkedHashMap<>());
    private final List<ToxicHandle> applied = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger counter = new AtomicInteger();
    private volatile Boolean nativeLoss;

    record ToxicHandle(String server, Fault fault, String proxy, List<String> toxics, boolean disabled) implements Handle {}

    public ToxiproxyBackend(URI api, String runId, Consumer<String> console) {
        this.api = api;
        this.runId = runId;
        this.console = console;
        this.client = new ToxiproxyClient(api.getHost(), api.getPort() < 0 ? 8474 : api.getPort());
    }

    @Override
    public String name() {
        return "toxiproxy " + api;
    }

    /** Checks the server answers; the message says where and what to do. */
    public String version() throws FaultException {
        try {
            return client.version();
        } catch (IOException e) {
            throw new FaultException("Toxiproxy at " + api + " does not answer (" + e.getMessage() + "); is it running?", e);
        }
    }

    @Override
    public String addProxy(String server, String upstream) throws FaultException {
        String name = runId + "-" + server;
        try {
            Proxy p = client.createProxy(name, "127.0.0.1:0", upstream);
            proxies.put(server, p);
            // Port 0 asks the server for a free port; read back the one it chose.
            Proxy fresh = client.getProxy(name);
            proxies.put(server, fresh);
            return fresh.getListen();
        } catch (IOException e) {
            throw new FaultException("cannot create proxy " + name + " for " + upstream + " on " + api + ": " + e.getMessage(), e);
        }
    }

    private Proxy proxy(String server) throws FaultException {
        Proxy p = proxies.get(server);
        if (p == null) throw new FaultException("no proxy for server '" + server + "'");
        return p;
    }

    @Override
    public Handle apply(String server, Fault fault) throws FaultException {
        Proxy p = proxy(server);
        try {
            if (fault.type() == FaultType.DOWN) {
                p.disable();
                ToxicHandle h = new ToxicHandle(server, fault, p.getName(), List.of(), true);
                applied.add(h);
                return h;
            }
            List<String> names = new ArrayList<>();
            try {
                for (String stream : streams(fault)) names.add(createToxic(p, fault, stream));
            } catch (IOException | FaultException e) {
                for (String n : names) removeToxic(p, n);
                throw e;
            }
            ToxicHandle h = new ToxicHandle(server, fault, p.getName(), names, false);
            applied.add(h);
            return h;
        } catch (IOException e) {
            throw new FaultException("cannot apply " + fault.describe() + " on " + p.getName() + ": " + e.getMessage(), e);
        }
    }

    private static List<String> streams(Fault f) {
        return f.direction() == Direction.BOTH ? List.of("upstream", "downstream") : List.of(f.direction().toxiproxyStream());
    }

    private String createToxic(Proxy p, Fault f, String stream) throws IOException, FaultException {
        String name = runId + "-" + f.type().toxicType() + "-" + counter.incrementAndGet() + "-" + stream;
        if (f.type() == FaultType.PACKET_LOSS) return createLoss(p, f, stream, name);
        ToxicDirection dir = "upstream".equals(stream) ? ToxicDirection.UPSTREAM : ToxicDirection.DOWNSTREAM;
        if (f.toxicity() < 1.0) {
            return postToxic(p.getName(), name, f.type().toxicType(), stream, f.toxicity(), f.attributes());
        }
        Map<String, Number> a = f.attributes();
        Toxic t = switch (f.type()) {
            case LATENCY -> p.toxics().latency(name, dir, a.get("latency").longValue()).setJitter(a.get("jitter").longValue());
            case BANDWIDTH -> p.toxics().bandwidth(name, dir, a.get("rate").longValue());
            case TIMEOUT, BLACKHOLE -> p.toxics().timeout(name, dir, a.get("timeout").longValue());
            case RESET_PEER -> p.toxics().resetPeer(name, dir, a.get("timeout").longValue());
            case SLOW_CLOSE -> p.toxics().slowClose(name, dir, a.get("delay").longValue());
            case LIMIT_DATA -> p.toxics().limitData(name, dir, a.get("bytes").longValue());
            case SLICER -> p.toxics().slicer(name, dir, a.get("average_size").longValue(), a.get("delay").longValue())
                .setSizeVariation(a.get("size_variation").longValue());
            case PACKET_LOSS, DOWN -> throw new IllegalStateException("handled above");
        };
        return t.getName();
    }

    private String createLoss(Proxy p, Fault f, String stream, String name) throws IOException, FaultException {
        double rate = f.attributes().get("rate").doubleValue();
        if (nativeLoss == null || nativeLoss) {
            try {
                String created = postToxic(p.getName(), name, "loss", stream, f.toxicity(), Map.of("rate", rate));
                if (nativeLoss == null) {
                    nativeLoss = true;
                    console.accept("packetLoss: " + api + " has the loss toxic; using it (TCP loss emulation)");
                }
                return created;
            } catch (UnknownToxicType e) {
                nativeLoss = false;
                console.accept("packetLoss: " + api + " has no loss toxic; approximating packetLoss(p) with a downstream "
                    + "bandwidth toxic at rate 0 and toxicity p, which stalls that share of connections");
            }
        }
        // The old approximation: only one direction, stalls a share of connections entirely.
        if (!"downstream".equals(stream)) return null;
        return postToxic(p.getName(), name, "bandwidth", "downstream", rate * f.toxicity(), Map.of("rate", 0));
    }

    /** The server answered 400 for the toxic type: it does not know it. */
    private static final class UnknownToxicType extends IOException {
        UnknownToxicType(String m) { super(m); }
    }

    private String postToxic(String proxy, String name, String type, String stream, double toxicity, Map<String, ? extends Number> attributes)
        throws IOException, FaultException {
        ObjectNode body = JSON.createObjectNode();
        body.put("name", name).put("type", type).put("stream", stream).put("toxicity", toxicity);
        ObjectNode attrs = body.putObject("attributes");
        attributes.forEach((k, v) -> {
            if (v instanceof Double || v instanceof Float) attrs.put(k, v.doubleValue());
            else attrs.put(k, v.longValue());
        });
        HttpResponse<String> r = send(HttpRequest.newBuilder(api.resolve("/proxies/" + proxy + "/toxics"))
            .POST(HttpRequest.BodyPublishers.ofString(body.toString())).header("Content-Type", "application/json").build());
        if (r.statusCode() / 100 != 2) {
            String error = errorOf(r.body());
            if (r.statusCode() == 400 && error.toLowerCase().contains("type")) throw new UnknownToxicType(error);
            throw new FaultException("Toxiproxy refused toxic " + name + " (" + r.statusCode() + "): " + error);
        }
        return name;
    }

    private HttpResponse<String> send(HttpRequest request) throws IOException {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private static String errorOf(String body) {
        try {
            JsonNode n = JSON.readTree(body);
            return n.has("error") ? n.get("error").asText() : body;
        } catch (IOException e) {
            return body;
        }
    }

    private void removeToxic(Proxy p, String toxic) {
        try {
            send(HttpRequest.newBuilder(api.resolve("/proxies/" + p.getName() + "/toxics/" + toxic)).DELETE().build());
        } catch (IOException ignored) {
            // best effort on the way out of a failed apply
        }
    }

    @Override
    public void remove(Handle handle) throws FaultException {
        ToxicHandle h = (ToxicHandle) handle;
        Proxy p = proxy(h.server());
        try {
            if (h.disabled()) {
                p.enable();
            } else {
                for (String t : h.toxics()) {
                    if (t == null) continue;
                    HttpResponse<String> r = send(HttpRequest.newBuilder(api.resolve("/proxies/" + p.getName() + "/toxics/" + t)).DELETE().build());
                    if (r.statusCode() / 100 != 2 && r.statusCode() != 404) {
                        throw new FaultException("cannot remove toxic " + t + " (" + r.statusCode() + "): " + errorOf(r.body()));
                    }
                }
            }
            applied.remove(h);
        } catch (IOException e) {
            throw new FaultException("cannot remove " + h.fault().describe() + " from " + p.getName() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void removeAll() {
        for (ToxicHandle h : List.copyOf(applied)) {
            try {
                remove(h);
            } catch (FaultException e) {
                console.accept("cleanup: " + e.getMessage());
            }
        }
    }

    /**
     * Removes every fault, then deletes every proxy whose name carries this run's id: also those
     * whose creation was cut short before the answer came back. Deleting a proxy deletes its toxics.
     */
    @Override
    public void close() {
        removeAll();
        List<String> names = new ArrayList<>();
        proxies.values().forEach(p -> names.add(p.getName()));
        try {
            for (Proxy p : client.getProxies()) {
                if (p.getName().startsWith(runId + "-") && !names.contains(p.getName())) names.add(p.getName());
            }
        } catch (IOException e) {
            console.accept("cleanup: cannot list the proxies on " + api + ": " + e.getMessage());
        }
        for (String name : names) {
            try {
                HttpResponse<String> r = send(HttpRequest.newBuilder(api.resolve("/proxies/" + name)).DELETE().build());
                if (r.statusCode() / 100 != 2 && r.statusCode() != 404) {
                    console.accept("cleanup: cannot delete proxy " + name + " (" + r.statusCode() + "): " + errorOf(r.body()));
                }
            } catch (IOException e) {
                console.accept("cleanup: cannot delete proxy " + name + ": " + e.getMessage());
            }
        }
        proxies.clear();
    }
}
