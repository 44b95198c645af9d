package io.chaosplaybooks.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The files under grafana/: the dashboard is well formed, every PromQL expression in it parses
 * (promtool) and names only metrics the tool exports, the Prometheus configs and the compose file
 * are accepted by their own tools. Whether the queries return data from a live run is a separate,
 * end-to-end test.
 */
class GrafanaFilesTest {
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    static final Path GRAFANA = ROOT.resolve("grafana");
    static final Path DASHBOARD = GRAFANA.resolve("dashboards/chaos.json");
    static final ObjectMapper JSON = new ObjectMapper();

    /** The names `chaos run` and `chaos load` export (DESIGN.md §4), plus Prometheus's own `up`. */
    static final Set<String> SCENARIO_METRICS = Set.of(
            "scenario_phase", "scenario_phase_duration_seconds", "scenario_runs_total", "scenario_active",
            "chaos_expectation_result");
    static final Set<String> FAULT_METRICS = Set.of("toxiproxy_toxic_active", "toxiproxy_toxic_value");
    static final Set<String> LOAD_METRICS = Set.of(
            "memcache_client_operations_total", "memcache_client_errors_total",
            "memcache_client_operation_duration_seconds_bucket", "memcache_client_operation_duration_seconds_count",
            "memcache_client_operation_duration_seconds_sum", "memcache_client_hit_ratio",
            "memcache_client_failovers_total", "memcache_circuit_breaker_state",
            "memcache_circuit_breaker_transitions_total", "memcache_pool_connections");
    static final Set<String> KNOWN_METRICS = union(SCENARIO_METRICS, FAULT_METRICS, LOAD_METRICS, Set.of("up"));
    /** Metrics with a scenario label: every selector of them must be filtered by $scenario. */
    static final Set<String> BY_SCENARIO = Set.of(
            "scenario_phase", "scenario_phase_duration_seconds", "scenario_runs_total", "chaos_expectation_result");
    /** Metrics with a server label: every selector of them must be filtered by $server. */
    static final Set<String> BY_SERVER = union(FAULT_METRICS, LOAD_METRICS);

    // ------------------------------------------------------------------ the dashboard

    @Test
    void dashboardIsAProvisionableGrafanaDashboard() throws IOException {
        JsonNode d = dashboard();
        assertEquals("chaos", d.path("uid").asText());
        assertFalse(d.path("title").asText().isBlank());
        int schema = d.path("schemaVersion").asInt();
        assertTrue(schema >= 36 && schema <= 41, "schemaVersion " + schema);
        assertTrue(d.has("panels") && d.path("panels").isArray());
        // Provisioned dashboards must not pin a database id.
        assertTrue(d.path("id").isMissingNode() || d.path("id").isNull(), "no dashboard id");

        Map<String, JsonNode> vars = new LinkedHashMap<>();
        d.path("templating").path("list").forEach(v -> vars.put(v.path("name").asText(), v));
        assertEquals(Set.of("datasource", "scenario", "server"), vars.keySet());
        assertEquals("datasource", vars.get("datasource").path("type").asText());
        assertEquals("prometheus", vars.get("datasource").path("query").asText());
        for (String name : List.of("scenario", "server")) {
            JsonNode v = vars.get(name);
            assertEquals("query", v.path("type").asText(), name);
            assertEquals("${datasource}", v.path("datasource").path("uid").asText(), name);
            assertTrue(variableQuery(v).matches("label_values\\(.*,\\s*" + name + "\\)"), name + ": " + variableQuery(v));
            assertTrue(v.path("includeAll").asBoolean() && v.path("multi").asBoolean(), name + " offers All and several values");
            assertEquals(".*", v.path("allValue").asText(), name + ": All must match every value in a =~ selector");
        }
    }

    @Test
    void everyPanelHasATitleTheDatasourceVariableAndAQuery() throws IOException {
        List<JsonNode> panels = panels(dashboard());
        assertTrue(panels.size() >= 12, "panels: " + panels.size());
        Set<Integer> ids = new HashSet<>();
        for (JsonNode p : panels) {
            String title = p.path("title").asText();
            assertFalse(title.isBlank(), "panel " + p.path("id") + " has a title");
            assertTrue(ids.add(p.path("id").asInt()), title + ": unique id");
            assertFalse(p.path("description").asText().isBlank(), title + ": has a description (shown as the (i) tooltip)");
            assertEquals("prometheus", p.path("datasource").path("type").asText(), title);
            assertEquals("${datasource}", p.path("datasource").path("uid").asText(), title);
            JsonNode grid = p.path("gridPos");
            assertTrue(grid.path("w").asInt() > 0 && grid.path("h").asInt() > 0
                    && grid.path("x").asInt() + grid.path("w").asInt() <= 24, title + ": gridPos " + grid);
            JsonNode targets = p.path("targets");
            assertTrue(targets.isArray() && !targets.isEmpty(), title + ": at least one target");
            Set<String> refIds = new HashSet<>();
            for (JsonNode t : targets) {
                assertFalse(t.path("expr").asText().isBlank(), title + ": target " + t.path("refId") + " has an expr");
                assertTrue(refIds.add(t.path("refId").asText()), title + ": unique refId " + t.path("refId"));
                assertEquals("${datasource}", t.path("datasource").path("uid").asText(), title + " target datasource");
            }
        }
    }

    @Test
    void theDashboardShowsEveryMetricTheToolExports() throws IOException {
        Set<String> used = new TreeSet<>();
        for (Query q : queries(dashboard())) {
            for (Selector s : selectors(q.expr())) used.add(s.metric());
        }
        Set<String> missing = new TreeSet<>(union(SCENARIO_METRICS, FAULT_METRICS, LOAD_METRICS));
        missing.removeAll(used);
        // A histogram is shown through its buckets; _count and _sum are optional.
        missing.removeAll(Set.of("memcache_client_operation_duration_seconds_count", "memcache_client_operation_duration_seconds_sum"));
        assertEquals(Set.of(), missing, "metrics without a panel");
    }

    @Test
    void everyMetricNameInAnExpressionIsOneTheToolExports() throws IOException {
        List<String> unknown = new ArrayList<>();
        for (Query q : queries(dashboard())) {
            List<Selector> found = selectors(q.expr());
            if (found.isEmpty()) unknown.add(q.where() + ": no metric at all in " + q.expr());
            for (Selector s : found) {
                if (!KNOWN_METRICS.contains(s.metric())) unknown.add(q.where() + ": " + s.metric());
            }
        }
        assertEquals(List.of(), unknown, "unknown metric names (typo?)");
    }

    @Test
    void everySelectorIsFilteredByTheServerAndScenarioVariables() throws IOException {
        List<String> unfiltered = new ArrayList<>();
        for (Query q : queries(dashboard())) {
            if (q.where().startsWith("variable")) continue;
            for (Selector s : selectors(q.raw())) {
                String m = s.matchers().replaceAll("\\s", "");
                if (BY_SERVER.contains(s.metric()) && !m.contains("server=~\"$server\"")) {
                    unfiltered.add(q.where() + ": " + s.metric() + " without server=~\"$server\"");
                }
                if (BY_SCENARIO.contains(s.metric()) && !m.contains("scenario=~\"$scenario\"")) {
                    unfiltered.add(q.where() + ": " + s.metric() + " without scenario=~\"$scenario\"");
                }
            }
        }
        assertEquals(List.of(), unfiltered);
    }

    @Test
    void statePanelsNameTheirStates() throws IOException {
        Map<String, Set<String>> expected = Map.of(
                "scenario_phase", Set.of("idle", "stabilize", "test", "recovery"),
                "memcache_circuit_breaker_state", Set.of("closed", "half-open", "open"),
                "chaos_expectation_result", Set.of("held", "failed"));
        Map<String, Boolean> seen = new LinkedHashMap<>();
        for (JsonNode p : panels(dashboard())) {
            for (var e : expected.entrySet()) {
                boolean usesIt = false;
                for (JsonNode t : p.path("targets")) {
                    for (Selector s : selectors(substitute(t.path("expr").asText()))) usesIt |= s.metric().equals(e.getKey());
                }
                if (!usesIt) continue;
                if (!p.path("type").asText().matches("state-timeline|stat")) continue;
                Map<String, String> texts = mappingTexts(p);
                assertTrue(texts.values().containsAll(e.getValue()),
                        p.path("title").asText() + ": value mappings " + texts + " name " + e.getValue());
                seen.put(e.getKey(), true);
            }
        }
        assertEquals(expected.keySet(), seen.keySet(), "a state timeline or stat panel with named states for each");
        JsonNode breaker = panels(dashboard()).stream()
                .filter(p -> p.path("targets").toString().contains("memcache_circuit_breaker_state")).findFirst().orElseThrow();
        assertEquals(Map.of("0", "closed", "1", "half-open", "2", "open"), mappingTexts(breaker));
    }

    @Test
    void latencyPercentilesComeFromTheHistogram() throws IOException {
        JsonNode latency = panels(dashboard()).stream()
                .filter(p -> p.path("title").asText().equals("Latency percentiles")).findFirst().orElseThrow();
        assertEquals("s", latency.path("fieldConfig").path("defaults").path("unit").asText());
        Set<String> quantiles = new TreeSet<>();
        Pattern hq = Pattern.compile("histogram_quantile\\(\\s*([0-9.]+)\\s*,\\s*sum by \\(le\\) \\(rate\\(memcache_client_operation_duration_seconds_bucket\\{");
        for (JsonNode t : latency.path("targets")) {
            Matcher m = hq.matcher(t.path("expr").asText());
            assertTrue(m.find(), "histogram_quantile over the rate of the buckets: " + t.path("expr").asText());
            quantiles.add(m.group(1));
        }
        assertEquals(new TreeSet<>(Set.of("0.5", "0.9", "0.99", "0.999")), quantiles);
    }

    @Test
    void phaseTransitionsAreAnnotatedFromPrometheus() throws IOException {
        List<JsonNode> prom = new ArrayList<>();
        dashboard().path("annotations").path("list").forEach(a -> {
            if (a.path("datasource").path("type").asText().equals("prometheus")) prom.add(a);
        });
        assertFalse(prom.isEmpty(), "a Prometheus annotation query");
        Set<String> phases = new TreeSet<>();
        for (JsonNode a : prom) {
            String expr = a.path("expr").asText();
            // Grafana drops annotation samples whose value is not above 0, and `and` keeps the left
            // side's value: so the left side is the count of changes, never the phase (0 for idle).
            assertTrue(expr.startsWith("changes(scenario_phase{") && expr.contains(") > 0 and "), a.path("name") + ": " + expr);
            assertTrue(a.path("enable").asBoolean(), a.path("name") + " on by default");
            Matcher m = Pattern.compile("scenario_phase\\{[^}]*\\} == (\\d)").matcher(expr);
            if (m.find()) phases.add(m.group(1));
        }
        assertEquals(Set.of("0", "1", "2", "3"), phases, "a marker for entering each phase");
    }

    @Test
    void everyExpressionParsesWithPromtool(@TempDir Path tmp) throws Exception {
        String promtool = tool("promtool", "Debian package prometheus");
        ObjectNode rules = JSON.createObjectNode();
        ArrayNode list = rules.putArray("groups").addObject().put("name", "chaos-dashboard").putArray("rules");
        List<Query> queries = queries(dashboard());
        Map<String, String> where = new LinkedHashMap<>();
        for (Query q : queries) {
            String record = "chaos_dashboard:query_" + where.size();
            where.put(record, q.where() + ": " + q.expr());
            list.addObject().put("record", record).put("expr", q.expr());
        }
        // JSON is YAML, so promtool reads it as is.
        Path file = tmp.resolve("dashboard-rules.yml");
        JSON.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), rules);
        Run r = run(List.of(promtool, "check", "rules", file.toString()));
        List<String> listing = where.entrySet().stream().map(e -> e.getKey() + " = " + e.getValue()).toList();
        assertEquals(0, r.exit(), "promtool check rules:\n" + r.out() + "\nrules:\n" + String.join("\n", listing));
        assertTrue(r.out().contains("SUCCESS: " + queries.size() + " rules found"), r.out());
    }

    // ------------------------------------------------------------------ the tokenizer the checks above rely on

    @Test
    void selectorsFindMetricNamesAndNothingElse() {
        assertEquals(List.of(new Selector("memcache_client_operation_duration_seconds_bucket", "server=~\"$server\"")),
                selectors("histogram_quantile(0.99, sum by (server, le) (rate(memcache_client_operation_duration_seconds_bucket{server=~\"$server\"}[$__rate_interval])))"));
        assertEquals(List.of("a", "b", "c", "d"), metricsOf(
                "sum without (instance) (a offset 5m) / on (server) group_left (type) b * ignoring(x) c and bool d > 0.5e3"));
        assertEquals(List.of("x_total", "y"), metricsOf("sum(rate(x_total{k=\"not_a_metric{\",l=~'q'}[1m:10s])) by (job) unless y"));
        assertEquals(List.of("m1", "m2"), metricsOf("{__name__=~\"m1|m2\", server!=\"\"}"));
        assertEquals(List.of("memcache_client_operation_total"), metricsOf("rate(memcache_client_operation_total[1m])"),
                "a typo is a metric name the allow-list then rejects");
        assertFalse(KNOWN_METRICS.contains("memcache_client_operation_total"));
    }

    // ------------------------------------------------------------------ provisioning, Prometheus, compose

    @Test
    void provisioningPointsGrafanaAtPrometheusAndTheDashboardsFolder() throws IOException {
        String ds = Files.readString(GRAFANA.resolve("provisioning/datasources/prometheus.yml"));
        assertTrue(ds.contains("type: prometheus"), ds);
        assertTrue(ds.contains("uid: prometheus"), ds);
        assertTrue(ds.contains("url: ${PROMETHEUS_URL}"), ds);
        assertTrue(ds.contains("timeInterval: 1s"), ds);
        String db = Files.readString(GRAFANA.resolve("provisioning/dashboards/chaos.yml"));
        assertTrue(db.contains("type: file"), db);
        assertTrue(db.contains("path: ${CHAOS_DASHBOARDS}"), db);
        String compose = Files.readString(GRAFANA.resolve("docker-compose.yml"));
        assertTrue(compose.contains("- ./dashboards:/etc/grafana/dashboards/chaos:ro"), "compose mounts the dashboards");
        assertTrue(compose.contains("CHAOS_DASHBOARDS: /etc/grafana/dashboards/chaos"), "and tells the provider where");
        assertTrue(compose.contains("- ./provisioning:/etc/grafana/provisioning:ro"), "compose mounts the provisioning");
    }

    @Test
    void prometheusConfigsPassPromtoolAndScrapeBothProcessesEverySecond() throws Exception {
        String promtool = tool("promtool", "Debian package prometheus");
        Map<String, List<String>> targets = Map.of(
                "prometheus.yml", List.of("'127.0.0.1:9092'", "'127.0.0.1:9090'"),
                "prometheus-compose.yml", List.of("'toxiproxy:9092'", "'toxiproxy:9090'"));
        for (var e : targets.entrySet()) {
            Path config = GRAFANA.resolve(e.getKey());
            Run r = run(List.of(promtool, "check", "config", config.toString()));
            assertEquals(0, r.exit(), "promtool check config " + config + ":\n" + r.out());
            String text = Files.readString(config);
            assertTrue(text.contains("scrape_interval: 1s"), e.getKey());
            assertTrue(text.contains("job_name: chaos-run"), e.getKey());
            assertTrue(text.contains("job_name: chaos-load"), e.getKey());
            for (String t : e.getValue()) assertTrue(text.contains(t), e.getKey() + " scrapes " + t);
        }
    }

    @Test
    void dockerComposeAcceptsTheStack() throws Exception {
        String compose = tool("docker-compose", "Debian package docker-compose");
        Path file = GRAFANA.resolve("docker-compose.yml");
        Run check = run(List.of(compose, "-f", file.toString(), "config", "-q"));
        assertEquals(0, check.exit(), "docker-compose config:\n" + check.out());
        Run services = run(List.of(compose, "-f", file.toString(), "--profile", "load", "config", "--services"));
        assertEquals(0, services.exit(), services.out());
        Set<String> names = new TreeSet<>(Arrays.asList(services.out().strip().split("\\s+")));
        assertEquals(new TreeSet<>(Set.of("memcached-1", "memcached-2", "memcached-3", "toxiproxy", "chaos", "chaos-load",
                "prometheus", "grafana")), names);
        Run resolved = run(List.of(compose, "-f", file.toString(), "config"));
        assertTrue(resolved.out().contains("dockerfile: grafana/Dockerfile"), resolved.out());
        assertTrue(resolved.out().contains("GF_AUTH_ANONYMOUS_ENABLED: \"true\""), resolved.out());
        String dockerfile = Files.readString(GRAFANA.resolve("Dockerfile"));
        assertTrue(dockerfile.contains("cli/target/chaos.jar"), "the image runs the shaded jar");
    }

    @Test
    void theReadmeExplainsEveryPanel() throws IOException {
        String readme = Files.readString(GRAFANA.resolve("README.md"));
        List<String> missing = new ArrayList<>();
        for (JsonNode p : panels(dashboard())) {
            if (!readme.contains("**" + p.path("title").asText() + "**")) missing.add(p.path("title").asText());
        }
        assertEquals(List.of(), missing, "panels the README does not describe (as **Title**)");
        for (String word : List.of("docker-compose", "promtool", "9091", "PROMETHEUS_URL", "CHAOS_DASHBOARDS")) {
            assertTrue(readme.contains(word), "README mentions " + word);
        }
    }

    // ------------------------------------------------------------------ helpers

    /** A query as written ({@code raw}, with Grafana's variables) and as Prometheus gets it ({@code expr}). */
    record Query(String where, String raw, String expr) {
        Query(String where, String raw) {
            this(where, raw, substitute(raw));
        }
    }

    record Selector(String metric, String matchers) {}

    record Run(int exit, String out) {}

    static JsonNode dashboard() throws IOException {
        return JSON.readTree(DASHBOARD.toFile());
    }

    /** Every panel, rows left out and the panels of collapsed rows taken in. */
    static List<JsonNode> panels(JsonNode dashboard) {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode p : dashboard.path("panels")) {
            if (p.path("type").asText().equals("row")) {
                p.path("panels").forEach(out::add);
            } else {
                out.add(p);
            }
        }
        return out;
    }

    /** Every PromQL expression of the dashboard, Grafana's variables replaced by values Prometheus accepts. */
    static List<Query> queries(JsonNode dashboard) {
        List<Query> out = new ArrayList<>();
        for (JsonNode p : panels(dashboard)) {
            for (JsonNode t : p.path("targets")) {
                out.add(new Query("panel '" + p.path("title").asText() + "' " + t.path("refId").asText(),
                        t.path("expr").asText()));
            }
        }
        for (JsonNode a : dashboard.path("annotations").path("list")) {
            if (a.has("expr")) out.add(new Query("annotation '" + a.path("name").asText() + "'", a.path("expr").asText()));
        }
        for (JsonNode v : dashboard.path("templating").path("list")) {
            if (!v.path("type").asText().equals("query")) continue;
            Matcher m = Pattern.compile("label_values\\((.*),\\s*\\w+\\)").matcher(variableQuery(v));
            assertTrue(m.matches(), "variable " + v.path("name") + ": label_values(selector, label)");
            out.add(new Query("variable '" + v.path("name").asText() + "'", m.group(1)));
        }
        return out;
    }

    static String variableQuery(JsonNode v) {
        JsonNode q = v.path("query");
        return q.isObject() ? q.path("query").asText() : q.asText();
    }

    static String substitute(String expr) {
        String s = expr
                .replace("$__rate_interval", "1m").replace("${__rate_interval}", "1m")
                .replace("$__interval", "15s").replace("${__interval}", "15s")
                .replace("$__range", "1h").replace("${__range}", "1h")
                .replace("${server}", ".*").replace("$server", ".*")
                .replace("${scenario}", ".*").replace("$scenario", ".*");
        assertFalse(s.contains("$"), "a variable the test does not know in " + expr);
        return s;
    }

    static Map<String, String> mappingTexts(JsonNode panel) {
        Map<String, String> texts = new LinkedHashMap<>();
        for (JsonNode m : panel.path("fieldConfig").path("defaults").path("mappings")) {
            m.path("options").fields().forEachRemaining(e -> texts.put(e.getKey(), e.getValue().path("text").asText()));
        }
        return texts;
    }

    static List<String> metricsOf(String expr) {
        return selectors(expr).stream().map(Selector::metric).toList();
    }

    /** Words that are never metric names when they stand where one could. */
    static final Set<String> KEYWORDS = Set.of(
            "sum", "avg", "min", "max", "count", "stddev", "stdvar", "topk", "bottomk", "quantile", "count_values",
            "group", "limitk", "limit_ratio", "by", "without", "on", "ignoring", "group_left", "group_right",
            "bool", "offset", "and", "or", "unless", "atan2", "inf", "nan");
    /** Keywords followed by a parenthesised list of label names, not of expressions. */
    static final Set<String> LABEL_LISTS = Set.of("by", "without", "on", "ignoring", "group_left", "group_right");
    static final Pattern NAME_MATCHER = Pattern.compile("__name__\\s*(=~|=)\\s*\"([^\"]*)\"");

    /**
     * The vector selectors of a PromQL expression, in order: metric name and the text between its
     * braces. Enough of PromQL's lexer to tell a metric from a function, an aggregation, a label
     * list, a string, a number or a duration.
     */
    static List<Selector> selectors(String expr) {
        List<Selector> out = new ArrayList<>();
        int i = 0;
        int n = expr.length();
        while (i < n) {
            char c = expr.charAt(i);
            if (c == '"' || c == '\'' || c == '`') {
                i = skipString(expr, i);
            } else if (c == '[') {
                i = expr.indexOf(']', i) + 1; // a range or subquery: durations only
                if (i == 0) throw new IllegalArgumentException("unclosed [ in " + expr);
            } else if (c == '{') {
                int end = closingBrace(expr, i);
                String body = expr.substring(i + 1, end);
                Matcher m = NAME_MATCHER.matcher(body);
                if (m.find()) {
                    for (String name : m.group(1).equals("=~") ? m.group(2).split("\\|") : new String[] {m.group(2)}) {
                        out.add(new Selector(name, body));
                    }
                }
                i = end + 1;
            } else if (Character.isDigit(c) || (c == '.' && i + 1 < n && Character.isDigit(expr.charAt(i + 1)))) {
                while (i < n && (Character.isLetterOrDigit(expr.charAt(i)) || expr.charAt(i) == '.'
                        || ((expr.charAt(i) == '+' || expr.charAt(i) == '-') && Character.toLowerCase(expr.charAt(i - 1)) == 'e'))) i++;
            } else if (Character.isLetter(c) || c == '_' || c == ':') {
                int start = i;
                while (i < n && (Character.isLetterOrDigit(expr.charAt(i)) || expr.charAt(i) == '_' || expr.charAt(i) == ':')) i++;
                String word = expr.substring(start, i);
                int next = i;
                while (next < n && Character.isWhitespace(expr.charAt(next))) next++;
                char after = next < n ? expr.charAt(next) : '\0';
                String lower = word.toLowerCase();
                if (LABEL_LISTS.contains(lower) && after == '(') {
                    i = expr.indexOf(')', next) + 1;
                } else if (KEYWORDS.contains(lower) || after == '(') {
                    // an aggregation, operator keyword or function: not a metric
                } else if (after == '{') {
                    int end = closingBrace(expr, next);
                    out.add(new Selector(word, expr.substring(next + 1, end)));
                    i = end + 1;
                } else {
                    out.add(new Selector(word, ""));
                }
            } else {
                i++;
            }
        }
        return out;
    }

    static int skipString(String s, int start) {
        char quote = s.charAt(start);
        int i = start + 1;
        while (i < s.length() && s.charAt(i) != quote) i += (s.charAt(i) == '\\' && quote != '`') ? 2 : 1;
        if (i >= s.length()) throw new IllegalArgumentException("unclosed string in " + s);
        return i + 1;
    }

    static int closingBrace(String s, int open) {
        int i = open + 1;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == '"' || c == '\'' || c == '`') i = skipString(s, i);
            else if (c == '}') return i;
            else i++;
        }
        throw new IllegalArgumentException("unclosed { in " + s);
    }

    /** The tool's path, or the test is skipped saying what to install. */
    static String tool(String name, String packageName) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path p = Path.of(dir, name);
            if (Files.isExecutable(p)) return p.toString();
        }
        assumeTrue(false, name + " is not on PATH; install the " + packageName + " (.ci/run does)");
        return null;
    }

    static Run run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).directory(ROOT.toFile()).redirectErrorStream(true).start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail(String.join(" ", command) + " did not finish in 120 s");
        }
        return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    @SafeVarargs
    static Set<String> union(Set<String>... sets) {
        Set<String> all = new LinkedHashSet<>();
        for (Set<String> s : sets) all.addAll(s);
        return Set.copyOf(all);
    }
}
