package io.chaosplaybooks.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The dashboard against a real Prometheus (Debian's {@code prometheus}): a smoke run with metrics on,
 * Prometheus scraping it with the shipped {@code grafana/prometheus.yml} (targets moved to this test's
 * ports), and every PromQL expression of the dashboard (panels and annotations) sent to
 * {@code /api/v1/query_range} over the run: each must parse and return data.
 * ({@code promtool check config} on the shipped files is in GrafanaFilesTest.)
 */
class PrometheusIT {
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /**
     * Expressions that return nothing in a smoke run by design, with the reason. Each is still sent
     * and must parse; and the expression without its final {@code > 0} filter must return series
     * (the metric is exported, only its value is zero all along).
     */
    static final Map<String, String> EMPTY_IN_SMOKE = Map.of(
        "Other fault settings",
        "smoke.groovy injects only latency and packet loss; this panel shows every other fault type's settings while non-zero");

    @Test
    void everyDashboardExpressionParsesAndReturnsDataFromASmokeRun(@TempDir Path dir) throws Exception {
        Path prometheusBinary = ExternalTool.require("prometheus", "prometheus");
        int metricsPort = ExternalTool.freePort();
        int loadPort = ExternalTool.freePort();     // nothing listens there: the chaos-load job is just down
        int prometheusPort = ExternalTool.freePort();

        String shipped = Files.readString(ROOT.resolve("grafana/prometheus.yml"));
        assertTrue(shipped.contains("'127.0.0.1:9092'") && shipped.contains("'127.0.0.1:9090'"), "targets as the test expects them:\n" + shipped);
        Path config = dir.resolve("prometheus.yml");
        Files.writeString(config, shipped.replace("'127.0.0.1:9092'", "'127.0.0.1:" + metricsPort + "'")
            .replace("'127.0.0.1:9090'", "'127.0.0.1:" + loadPort + "'"));

        Process prometheus = null;
        Process chaos = null;
        Path prometheusLog = dir.resolve("prometheus.log");
        Path chaosLog = dir.resolve("chaos.log");
        try {
            prometheus = new ProcessBuilder(prometheusBinary.toString(), "--config.file=" + config,
                "--storage.tsdb.path=" + dir.resolve("tsdb"), "--web.listen-address=127.0.0.1:" + prometheusPort)
                .redirectErrorStream(true).redirectOutput(prometheusLog.toFile()).start();
            String api = "http://127.0.0.1:" + prometheusPort;
            waitFor(() -> get(api + "/-/ready").statusCode() == 200, 30, "Prometheus ready", prometheusLog);

            long runStart = System.currentTimeMillis() / 1000;
            chaos = new ProcessBuilder(ROOT.resolve("bin/chaos").toString(), "run", ROOT.resolve("playbooks/smoke.groovy").toString(),
                "--time-scale", "0.5", "--metrics-port", Integer.toString(metricsPort), "-q")
                .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(chaosLog.toFile()).start();
            // Prometheus sees the run's target up, then scrapes the whole run at 1 s.
            waitFor(() -> query(api, "up{job=\"chaos-run\"} == 1").path("data").path("result").size() == 1,
                90, "Prometheus scraping chaos run", chaosLog);
            assertTrue(chaos.waitFor(180, TimeUnit.SECONDS), "smoke run within 3 minutes:\n" + Files.readString(chaosLog));
            // A verdict may fail on a loaded machine (the metrics are what is under test here); a runtime error may not.
            assertTrue(chaos.exitValue() == 0 || chaos.exitValue() == 1, "exit " + chaos.exitValue() + ":\n" + Files.readString(chaosLog));
            long runEnd = System.currentTimeMillis() / 1000;

            Map<String, String> expressions = dashboardExpressions();
            assertTrue(expressions.size() >= 25, "the dashboard's expressions: " + expressions.keySet());
            List<String> problems = new ArrayList<>();
            List<String> figures = new ArrayList<>();
            for (var e : expressions.entrySet()) {
                String expr = e.getValue();
                JsonNode r = queryRange(api, expr, runStart, runEnd);
                if (!"success".equals(r.path("status").asText())) {
                    problems.add(e.getKey() + ": " + r.path("error").asText() + "\n    " + expr);
                    continue;
                }
                int series = r.path("data").path("result").size();
                figures.add(series + "\t" + e.getKey());
                String panel = e.getKey().substring(0, e.getKey().indexOf(" #"));
                if (EMPTY_IN_SMOKE.containsKey(panel)) {
                    String unfiltered = expr.replaceFirst("\\s*>\\s*0\\s*$", "");
                    assertTrue(!unfiltered.equals(expr), "the empty-by-design expression ends in > 0: " + expr);
                    if (queryRange(api, unfiltered, runStart, runEnd).path("data").path("result").isEmpty()) {
                        problems.add(e.getKey() + ": no series even without '> 0'\n    " + unfiltered);
                    }
                } else if (series == 0) {
                    problems.add(e.getKey() + ": no data over the run\n    " + expr);
                }
            }
            System.out.println("series per expression over the run (" + (runEnd - runStart) + " s):\n" + String.join("\n", figures));
            if (!problems.isEmpty()) fail(problems.size() + " of " + expressions.size() + " expressions failed:\n" + String.join("\n", problems));
        } finally {
            ExternalTool.stop(chaos);
            ExternalTool.stop(prometheus);
        }
    }

    /** Every expression of every panel and annotation, keyed "title #n", with Grafana's variables filled in. */
    static Map<String, String> dashboardExpressions() throws Exception {
        JsonNode d = JSON.readTree(ROOT.resolve("grafana/dashboards/chaos.json").toFile());
        Map<String, String> out = new LinkedHashMap<>();
        List<JsonNode> panels = new ArrayList<>();
        collectPanels(d.path("panels"), panels);
        for (JsonNode p : panels) {
            int n = 0;
            for (JsonNode t : p.path("targets")) {
                if (t.hasNonNull("expr")) out.put(p.path("title").asText() + " #" + ++n, substitute(t.path("expr").asText()));
            }
        }
        for (JsonNode a : d.path("annotations").path("list")) {
            if (a.hasNonNull("expr")) out.put("annotation " + a.path("name").asText() + " #1", substitute(a.path("expr").asText()));
        }
        return out;
    }

    static void collectPanels(JsonNode list, List<JsonNode> into) {
        for (JsonNode p : list) {
            into.add(p);
            collectPanels(p.path("panels"), into);
        }
    }

    /** What Grafana does with All selected, a 1 s scrape interval and a short range. */
    static String substitute(String expr) {
        return expr.replace("${scenario}", ".*").replace("$scenario", ".*")
            .replace("${server}", ".*").replace("$server", ".*")
            .replace("$__rate_interval", "10s").replace("$__interval", "1s").replace("$__range", "5m");
    }

    static JsonNode query(String api, String expr) throws Exception {
        return JSON.readTree(get(api + "/api/v1/query?query=" + URLEncoder.encode(expr, StandardCharsets.UTF_8)).body());
    }

    static JsonNode queryRange(String api, String expr, long start, long end) throws Exception {
        return JSON.readTree(get(api + "/api/v1/query_range?query=" + URLEncoder.encode(expr, StandardCharsets.UTF_8)
            + "&start=" + start + "&end=" + end + "&step=1").body());
    }

    static HttpResponse<String> get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
            HttpResponse.BodyHandlers.ofString());
    }

    interface Check { boolean ok() throws Exception; }

    static void waitFor(Check check, int seconds, String what, Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (true) {
            try {
                if (check.ok()) return;
            } catch (java.io.IOException notYet) {
                // not listening yet
            }
            if (System.nanoTime() > deadline) fail(what + ": not within " + seconds + " s; log:\n" + Files.readString(log));
            Thread.sleep(250);
        }
    }
}
