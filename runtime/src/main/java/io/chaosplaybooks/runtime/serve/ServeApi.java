package io.chaosplaybooks.runtime.serve;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chaosplaybooks.dsl.plan.Playbook;
import io.chaosplaybooks.dsl.plan.Scenario;
import io.chaosplaybooks.runtime.control.LiveStatus;
import io.chaosplaybooks.runtime.http.ApiError;
import io.chaosplaybooks.runtime.http.ApiReply;
import io.chaosplaybooks.runtime.http.ApiRequest;
import io.chaosplaybooks.runtime.http.Router;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The server's routes: the JSON API, the web page (from the jar) and {@code /metrics}. Handlers check
 * their input and answer 4xx with the API's JSON error; they never change state on a GET.
 */
final class ServeApi {
    static final ObjectMapper JSON = new ObjectMapper();
    /** The page and its files: served without the token (they hold no data; the page's calls carry it). */
    static final Map<String, String> WEB = Map.of("/", "index.html", "/app.js", "app.js", "/style.css", "style.css");
    private static final Set<String> RUN_FIELDS = Set.of("playbook", "scenarios", "timeScale");

    private final PlaybookCatalog catalog;
    private final RunSupervisor runs;
    private final RunIndex index;
    private final ScheduleBook schedules;
    private final PrometheusMeterRegistry serverMetrics;
    private final double defaultTimeScale;

    ServeApi(PlaybookCatalog catalog, RunSupervisor runs, RunIndex index, ScheduleBook schedules,
             PrometheusMeterRegistry serverMetrics, double defaultTimeScale) {
        this.catalog = catalog;
        this.runs = runs;
        this.index = index;
        this.schedules = schedules;
        this.serverMetrics = serverMetrics;
        this.defaultTimeScale = defaultTimeScale;
    }

    Router router() {
        Router r = new Router();
        WEB.forEach((path, file) -> r.route("GET", path, req -> resource(file)));
        r.route("GET", "/metrics", req -> ApiReply.text(200, "text/plain; version=0.0.4; charset=utf-8", metrics()));
        r.route("GET", "/api/playbooks", req -> json(200, playbooks()));
        r.route("GET", "/api/schedules", req -> json(200, schedules.list()));
        // Ids are playbook/scenario-or-*/n: three segments (one also routed, so that a wrong id is "no schedule", not "no endpoint").
        for (String id : List.of("{id}", "{playbook}/{scenario}/{n}")) {
            r.route("POST", "/api/schedules/" + id + "/pause", req -> json(200, schedules.pause(scheduleId(req))));
            r.route("POST", "/api/schedules/" + id + "/resume", req -> json(200, schedules.resume(scheduleId(req))));
            r.route("POST", "/api/schedules/" + id + "/trigger", req -> started(schedules.trigger(scheduleId(req))));
        }
        r.route("GET", "/api/runs", this::listRuns);
        r.route("POST", "/api/runs", this::startRun);
        r.route("GET", "/api/runs/{id}", req -> json(200, run(find(req.param("id")))));
        r.route("POST", "/api/runs/{id}/stop", this::stopRun);
        r.route("POST", "/api/runs/{id}/pause", this::pauseRun);
        r.route("POST", "/api/runs/{id}/resume", this::resumeRun);
        r.route("GET", "/api/runs/{id}/journal", req -> file(find(req.param("id")), "journal.jsonl", "application/x-ndjson; charset=utf-8"));
        r.route("GET", "/api/runs/{id}/report", req -> file(find(req.param("id")), "report.html", "text/html; charset=utf-8"));
        // A pause or resume the run cannot take now (paused already, not paused, ending) is a conflict, said as such.
        r.mapErrors(e -> e instanceof io.chaosplaybooks.runtime.control.RunControl.Refused ? new ApiError(409, e.getMessage()) : null);
        return r;
    }

    private static String scheduleId(ApiRequest req) {
        Map<String, String> p = req.pathParams();
        return p.containsKey("id") ? p.get("id") : p.get("playbook") + "/" + p.get("scenario") + "/" + p.get("n");
    }

    private static ApiReply json(int status, Object body) throws JsonProcessingException {
        return ApiReply.json(status, JSON.writeValueAsString(body));
    }

    /** 201 with the run for a started one; 409 with the skipped run's record and why when it could not start. */
    private ApiReply started(RunRecord r) throws JsonProcessingException {
        if (r.state().equals("skipped")) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("error", "not started: " + r.reason());
            body.put("status", 409);
            body.put("id", r.id());
            return json(409, body);
        }
        return json(201, RunIndex.toJson(r));
    }

    private ApiReply resource(String name) throws IOException {
        try (InputStream in = ServeApi.class.getResourceAsStream("web/" + name)) {
            if (in == null) throw new ApiError(404, "no such file: " + name);
            String type = name.endsWith(".html") ? "text/html; charset=utf-8" : name.endsWith(".js")
                ? "text/javascript; charset=utf-8" : "text/css; charset=utf-8";
            return new ApiReply(200, type, in.readAllBytes(), Map.of("Cache-Control", "no-cache"));
        }
    }

    private List<Map<String, Object>> playbooks() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (PlaybookCatalog.Entry e : catalog.entries()) {
            Map<String, Object> m = new LinkedHashMap<>();
            Playbook p = e.result().playbook();
            m.put("file", e.file().toString());
            m.put("name", p == null ? null : p.name());
            m.put("description", p == null ? null : p.description());
            m.put("ok", e.ok());
            m.put("problems", e.problems());
            m.put("scenarios", p == null ? List.of() : p.scenarios().stream().map(Scenario::name).toList());
            m.put("servers", p == null ? 0 : p.serverCount());
            out.add(m);
        }
        return out;
    }

    private ApiReply listRuns(ApiRequest req) throws JsonProcessingException {
        String state = req.query("state");
        if (state != null && !RunRecord.STATES.contains(state)) {
            throw new ApiError(400, "unknown state '" + state + "'; one of " + String.join(", ", RunRecord.STATES));
        }
        String limitText = req.query("limit");
        int limit = Integer.MAX_VALUE;
        if (limitText != null) {
            try {
                limit = Integer.parseInt(limitText);
            } catch (NumberFormatException e) {
                limit = -1;
            }
            if (limit < 1) throw new ApiError(400, "limit must be a whole number of at least 1, got '" + limitText + "'");
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (RunRecord r : index.newestFirst()) {
            if (state != null && !r.state().equals(state)) continue;
            if (out.size() >= limit) break;
            out.add(run(r));
        }
        return json(200, out);
    }

    /** The run as the API shows it; while it runs, with its live figures. */
    private Map<String, Object> run(RunRecord r) {
        Map<String, Object> m = RunIndex.toJson(r);
        if (r.running()) {
            LiveStatus live = runs.live(r.id());
            if (live != null) {
                // The live status's fields beside the record's, so that a LiveStatus reader (chaos status --server) reads the
                // run as it reads one of its own; the record's state (running) stays, the live one is liveState.
                Map<String, Object> fields = JSON.convertValue(live, new com.fasterxml.jackson.core.type.TypeReference<LinkedHashMap<String, Object>>() {});
                Object liveState = fields.remove("state");
                fields.forEach(m::putIfAbsent);
                m.put("liveState", liveState);
            }
        }
        Path dir = index.dirOf(r.id());
        m.put("report", Files.exists(dir.resolve("report.html")) ? "/api/runs/" + r.id() + "/report" : null);
        m.put("journal", Files.exists(dir.resolve("journal.jsonl")) ? "/api/runs/" + r.id() + "/journal" : null);
        return m;
    }

    private RunRecord find(String id) {
        return index.get(id).orElseThrow(() -> new ApiError(404, "no run " + id));
    }

    private ApiReply stopRun(ApiRequest req) throws JsonProcessingException {
        RunRecord r = find(req.param("id"));
        if (!r.running() || !runs.stop(r.id(), "the API (POST /api/runs/" + r.id() + "/stop)")) {
            throw new ApiError(409, "run " + r.id() + " is not running (it " + (r.state().equals("skipped") ? "was skipped" : "ended: " + r.state()) + ")");
        }
        return json(202, Map.of("id", r.id(), "stopping", true));
    }

    /** {@code POST /api/runs/{id}/pause}, optionally {@code {"healOnPause": true}}: the run's timeline stands still. */
    private ApiReply pauseRun(ApiRequest req) throws IOException, InterruptedException {
        RunRecord r = find(req.param("id"));
        boolean heal = io.chaosplaybooks.runtime.control.ControlEndpoint.healOnPause(req);
        LiveStatus live = r.running() ? runs.pause(r.id(), "the API (POST /api/runs/" + r.id() + "/pause)", heal) : null;
        if (live == null) throw new ApiError(409, "run " + r.id() + " is not running");
        return json(200, live);
    }

    /** {@code POST /api/runs/{id}/resume}: the paused run goes on, its remaining deadlines later by the time paused. */
    private ApiReply resumeRun(ApiRequest req) throws IOException {
        RunRecord r = find(req.param("id"));
        LiveStatus live = r.running() ? runs.resume(r.id(), "the API (POST /api/runs/" + r.id() + "/resume)") : null;
        if (live == null) throw new ApiError(409, "run " + r.id() + " is not running");
        return json(200, live);
    }

    private ApiReply file(RunRecord r, String name, String type) throws IOException {
        Path f = index.dirOf(r.id()).resolve(name);
        if (!Files.isRegularFile(f)) {
            String why = r.running() && name.equals("report.html") ? "run " + r.id() + " is still running; its report is written when it ends"
                : "run " + r.id() + " has no " + name + (r.state().equals("skipped") ? " (it was skipped: " + r.reason() + ")" : "");
            throw new ApiError(r.running() ? 409 : 404, why);
        }
        return new ApiReply(200, type, Files.readAllBytes(f), Map.of());
    }

    private ApiReply startRun(ApiRequest req) throws JsonProcessingException {
        JsonNode body;
        try {
            body = JSON.readTree(req.body());
        } catch (JsonProcessingException e) {
            throw new ApiError(400, "the body is not JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new ApiError(400, "the body is not JSON: " + e.getMessage());
        }
        if (body == null || !body.isObject()) {
            throw new ApiError(400, "the body must be a JSON object such as {\"playbook\": \"smoke\", \"scenarios\": [\"smoke-latency\"], \"timeScale\": 0.5}");
        }
        for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!RUN_FIELDS.contains(f)) throw new ApiError(400, "unknown field '" + f + "'; the fields are playbook, scenarios, timeScale");
        }
        JsonNode pb = body.get("playbook");
        if (pb == null || !pb.isTextual() || pb.asText().isBlank()) {
            throw new ApiError(400, "playbook is required: a playbook's name, or its file as GET /api/playbooks shows it");
        }
        PlaybookCatalog.Entry entry = playbook(pb.asText());
        List<String> scenarios = new ArrayList<>();
        JsonNode sc = body.get("scenarios");
        if (sc != null && !sc.isNull()) {
            if (!sc.isArray()) throw new ApiError(400, "scenarios must be an array of scenario names");
            List<String> known = entry.result().playbook().scenarios().stream().map(Scenario::name).toList();
            for (JsonNode n : sc) {
                if (!n.isTextual()) throw new ApiError(400, "scenarios must be an array of scenario names, got " + n);
                if (!known.contains(n.asText())) {
                    throw new ApiError(400, "playbook " + entry.result().playbook().name() + " has no scenario '" + n.asText()
                        + "'; its scenarios are: " + String.join(", ", known));
                }
                scenarios.add(n.asText());
            }
        }
        double timeScale = defaultTimeScale;
        JsonNode ts = body.get("timeScale");
        if (ts != null && !ts.isNull()) {
            if (!ts.isNumber() || !(ts.asDouble() > 0) || ts.asDouble() > 100) {
                throw new ApiError(400, "timeScale must be a number above 0 and at most 100, got " + ts);
            }
            timeScale = ts.asDouble();
        }
        return started(runs.start(new RunSupervisor.Request(entry.result().playbook(), entry.file(), scenarios, timeScale, "api", null)));
    }

    /** A loaded, valid playbook by name or file: 404 when none, 409 when it has problems. */
    PlaybookCatalog.Entry playbook(String name) {
        PlaybookCatalog.Entry e = catalog.find(name);
        if (e == null) {
            List<String> names = catalog.entries().stream()
                .map(x -> x.result().playbook() != null ? x.result().playbook().name() : x.file().toString()).toList();
            throw new ApiError(404, "no playbook '" + name + "' (or more than one by that name: give its file); the playbooks are: "
                + String.join(", ", names));
        }
        if (!e.ok()) {
            throw new ApiError(409, "playbook " + e.file() + " has problems, so it does not run until they are fixed: "
                + String.join("; ", e.problems()));
        }
        return e;
    }

    /** The server's own meters and every live run's, each family once (runs are told apart by their run tag). */
    private String metrics() {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        Map<String, List<String>> samples = new LinkedHashMap<>();
        List<PrometheusMeterRegistry> all = new ArrayList<>();
        all.add(serverMetrics);
        all.addAll(runs.registries());
        for (PrometheusMeterRegistry reg : all) {
            String family = null;
            boolean seen = false;
            for (String line : reg.scrape().split("\n")) {
                if (line.isBlank()) continue;
                if (line.startsWith("# HELP ") || line.startsWith("# TYPE ")) {
                    String name = line.substring(7).split(" ", 2)[0];
                    if (!name.equals(family)) {
                        family = name;
                        seen = headers.containsKey(name);
                        headers.computeIfAbsent(name, k -> new ArrayList<>());
                    }
                    if (!seen) headers.get(name).add(line);
                } else if (!line.startsWith("#")) {
                    samples.computeIfAbsent(family, k -> new ArrayList<>()).add(line);
                }
            }
        }
        StringBuilder sb = new StringBuilder();
        headers.forEach((name, lines) -> {
            lines.forEach(l -> sb.append(l).append('\n'));
            samples.getOrDefault(name, List.of()).forEach(l -> sb.append(l).append('\n'));
        });
        return sb.toString();
    }

    static ObjectNode object() {
        return JSON.createObjectNode();
    }
}
