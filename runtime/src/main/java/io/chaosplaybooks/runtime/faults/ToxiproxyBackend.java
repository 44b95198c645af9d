package io.chaosplaybooks.runtime.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chaosplaybooks.dsl.plan.Fault;
import io.chaosplaybooks.dsl.plan.FaultType;
import io.chaosplaybooks.runtime.proxy.ToxicSpec;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Faults on a Toxiproxy server (a real one, or our engine's HTTP API), through its HTTP API.
 * Everything it creates is named {@code <runId>-...}; it never touches anything else on a shared
 * server. A toxic is created in one request, toxicity included, so no connection sees it at full
 * strength first.
 *
 * <p>{@code packetLoss(p)} uses the {@code loss} toxic where the server has one (found out on the
 * first proxy it creates). A stock Toxiproxy has none: there {@code packetLoss(1.0)}, a partition,
 * becomes {@code timeout} 0 (every byte dropped, the connection kept open; removing the toxic closes
 * it), and a partial loss cannot be expressed ({@link #cannotExpress}).
 */
public final class ToxiproxyBackend extends ToxicBackend {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Toxiproxy 2.12 can take 10 s to delete a toxic that holds data (two 5 s write timeouts). */
    private static final Duration ANSWER_WITHIN = Duration.ofSeconds(15);

    private final URI api;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private volatile boolean probed;
    private volatile boolean lossToxic;

    public ToxiproxyBackend(URI api, String runId, Consumer<String> console) {
        super(runId, console);
        this.api = api;
    }

    @Override
    public String name() {
        return "toxiproxy " + api;
    }

    /** Checks the server answers; the message says where and what to do. */
    public String version() throws FaultException {
        return call("GET", "/version", null, true).body().path("version").asText();
    }

    @Override
    public Optional<String> cannotExpress(Fault fault) {
        if (fault.type() != FaultType.PACKET_LOSS || lossToxic || fault.attributes().get("rate").doubleValue() >= 1.0) {
            return Optional.empty();
        }
        return Optional.of(fault.describe() + " cannot be expressed on " + api + ": a stock Toxiproxy has no packet loss "
            + "(its toxicity picks whole connections, not packets); only packetLoss(100%), a partition, can be");
    }

    @Override
    protected ToxicSpec toxic(Fault fault, String stream, String name) {
        if (fault.type() != FaultType.PACKET_LOSS || lossToxic) return super.toxic(fault, stream, name);
        return new ToxicSpec(name, "timeout", stream, fault.toxicity(), Map.of("timeout", 0));
    }

    @Override
    protected void addToxic(String proxy, ToxicSpec toxic) throws FaultException {
        call("POST", "/proxies/" + proxy + "/toxics", JSON.valueToTree(toxic), true);
    }

    /** Creates the proxy; on the first, finds out whether the server knows {@code loss}. */
    @Override
    protected synchronized String createProxy(String name, String listen, String upstream) throws FaultException {
        ObjectNode body = JSON.createObjectNode().put("name", name).put("listen", listen).put("upstream", upstream);
        String at = call("POST", "/proxies", body, true).body().path("listen").asText();
        probeLoss(name);
        return at;
    }

    /** An existing proxy in use: the first one may be where the {@code loss} probe runs. */
    @Override
    protected void proxyInUse(String proxy) throws FaultException {
        probeLoss(proxy);
    }

    /** Once: whether the server knows {@code loss} (a toxic at rate 0, named with the run's id, added and removed). */
    private synchronized void probeLoss(String proxy) throws FaultException {
        if (probed) return;
        ToxicSpec probe = new ToxicSpec(runId() + "-probe", "loss", "downstream", 1.0, Map.of("rate", 0.0));
        Answer a = call("POST", "/proxies/" + proxy + "/toxics", JSON.valueToTree(probe), false);
        lossToxic = a.status() / 100 == 2;
        if (lossToxic) removeToxic(proxy, probe.name());
        else if (a.status() != 400) a.orThrow();
        probed = true;
        console.accept(lossToxic ? "packetLoss: " + api + " has the loss toxic; using it (TCP loss emulation)"
            : "packetLoss: " + api + " has no loss toxic: packetLoss(100%) becomes a timeout toxic at 0 (every byte "
                + "dropped, as in a partition); a partial loss cannot be expressed there");
    }

    @Override
    protected void setEnabled(String proxy, boolean enabled) throws FaultException {
        call("POST", "/proxies/" + proxy, JSON.createObjectNode().put("enabled", enabled), true);
    }

    @Override
    protected boolean removeToxic(String proxy, String toxic) throws FaultException {
        return call("DELETE", "/proxies/" + proxy + "/toxics/" + toxic, null, false).foundOrThrow();
    }

    @Override
    protected boolean deleteProxy(String proxy) throws FaultException {
        return call("DELETE", "/proxies/" + proxy, null, false).foundOrThrow();
    }

    @Override
    protected FoundProxy findProxy(String name) throws FaultException {
        Answer a = call("GET", "/proxies/" + name, null, false);
        if (a.status() == 404) return null;
        JsonNode p = a.orThrow().body();
        return new FoundProxy(p.path("listen").asText(), p.path("upstream").asText(), p.path("enabled").asBoolean(true));
    }

    @Override
    protected List<String> toxicNames(String proxy) throws FaultException {
        Answer a = call("GET", "/proxies/" + proxy + "/toxics", null, false);
        if (a.status() == 404) return List.of();
        List<String> names = new ArrayList<>();
        a.orThrow().body().forEach(t -> names.add(t.path("name").asText()));
        return names;
    }

    @Override
    protected String connectHost() {
        return api.getHost();
    }

    /** The API this backend talks to. */
    public URI api() {
        return api;
    }

    @Override
    protected List<String> proxyNames() throws FaultException {
        List<String> names = new ArrayList<>();
        call("GET", "/proxies", null, true).body().fieldNames().forEachRemaining(names::add);
        return names;
    }

    /** One answer of the API; its body is {@code {}} when it had none. */
    private record Answer(int status, JsonNode body) {
        Answer orThrow() throws FaultException {
            if (status / 100 != 2) {
                throw new FaultException("Toxiproxy answered " + status + ": " + body.path("error").asText(body.toString()));
            }
            return this;
        }

        boolean foundOrThrow() throws FaultException {
            if (status == 404) return false;
            orThrow();
            return true;
        }
    }

    private Answer call(String method, String path, JsonNode body, boolean mustSucceed) throws FaultException {
        HttpRequest.Builder r = HttpRequest.newBuilder(api.resolve(path)).timeout(ANSWER_WITHIN);
        if (body != null) r.header("Content-Type", "application/json");
        r.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body.toString()));
        try {
            HttpResponse<String> response = http.send(r.build(), HttpResponse.BodyHandlers.ofString());
            String text = response.body();
            JsonNode json;
            try {
                json = text.isBlank() ? JSON.createObjectNode() : JSON.readTree(text);
            } catch (IOException notJson) {
                json = JSON.getNodeFactory().textNode(text.strip());
            }
            Answer a = new Answer(response.statusCode(), json);
            return mustSucceed ? a.orThrow() : a;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FaultException("interrupted while waiting for Toxiproxy at " + api, e);
        } catch (IOException e) {
            throw new FaultException("Toxiproxy at " + api + " does not answer (" + reason(e) + "); is it running?", e);
        }
    }

    /** The JDK's HTTP client often throws with no message (a refused connection reads "null"). */
    private static String reason(IOException e) {
        if (e instanceof ConnectException) return "connection refused";
        if (e instanceof HttpTimeoutException) return "no answer within " + ANSWER_WITHIN.toSeconds() + " s";
        Throwable t = e;
        while (t.getMessage() == null && t.getCause() != null) t = t.getCause();
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }
}
