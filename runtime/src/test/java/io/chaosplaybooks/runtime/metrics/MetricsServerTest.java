package io.chaosplaybooks.runtime.metrics;

import io.chaosplaybooks.dsl.plan.LoadProfile;
import io.chaosplaybooks.runtime.load.LoadEngine;
import io.chaosplaybooks.runtime.targets.ProvisionedTargets;
import io.chaosplaybooks.runtime.targets.Targets;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

@Timeout(60)
class MetricsServerTest {
    @Test
    void servesTheLoadEnginesMetersInPrometheusFormat() throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (ProvisionedTargets targets = Targets.startStandIns(2, l -> {});
             MetricsServer server = MetricsServer.start("127.0.0.1", 0, registry)) {
            LoadProfile profile = LoadProfile.builder().clients(2).keys(100).maxOperations(2_000)
                .duration(Duration.ofSeconds(30)).timeout(Duration.ofSeconds(2)).build();
            try (LoadEngine engine = new LoadEngine(targets.servers(), profile, registry)) {
                engine.start();
                assertTrue(engine.awaitCompletion(Duration.ofSeconds(30)));
                HttpResponse<String> response = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(server.url())).build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(200, response.statusCode());
                assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
                String body = response.body();
                for (String expected : new String[] {
                    "memcache_client_operations_total{op=\"get\",result=\"hit\",server=\"server-1\"}",
                    "memcache_client_errors_total{kind=\"timeout\",op=\"get\",server=\"server-2\"} 0",
                    "memcache_client_operation_duration_seconds_bucket{op=\"set\",server=\"server-1\",le=",
                    "memcache_client_hit_ratio{server=\"server-1\"}",
                    "memcache_client_failovers_total{server=\"server-2\"} 0",
                    "memcache_circuit_breaker_state{server=\"server-1\"} 0",
                    "memcache_circuit_breaker_transitions_total{from=\"closed\",server=\"server-1\",to=\"open\"} 0",
                    "memcache_pool_connections{server=\"server-1\",state=\"total\"} 1",
                    "memcache_pool_connections{server=\"server-2\",state=\"idle\"}",
                }) {
                    assertTrue(body.contains(expected), "missing " + expected + " in\n" + body);
                }
                promtoolAccepts(body);
                // Latencies reach the timers from the window thread; the engine's end flushes the last window.
                long timed = registry.find(LoadMetricNames.OPERATION_DURATION).timers().stream()
                    .mapToLong(io.micrometer.core.instrument.Timer::count).sum();
                assertEquals(engine.snapshot().total().operations(), timed, "every operation is in a timer once");
                double meanMs = registry.find(LoadMetricNames.OPERATION_DURATION).timers().stream()
                    .mapToDouble(t -> t.totalTime(java.util.concurrent.TimeUnit.MILLISECONDS)).sum() / timed;
                assertEquals(engine.snapshot().total().latency().meanMs(), meanMs, meanMs * 0.01,
                    "the timers' mean is the engine's own mean (HdrHistogram's 3 digits)");
                HttpResponse<String> other = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(server.url().replace("/metrics", "/"))).build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(404, other.statusCode());
            }
        }
    }

    @Test
    void aPortInUseIsOneClearError() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            MetricsServer.PortInUseException e = assertThrows(MetricsServer.PortInUseException.class,
                () -> MetricsServer.start("127.0.0.1", taken.getLocalPort(), new PrometheusMeterRegistry(PrometheusConfig.DEFAULT)));
            assertEquals("cannot serve metrics on 127.0.0.1:" + taken.getLocalPort() + ": the port is in use (pick another with --metrics-port)",
                e.getMessage());
        }
    }

    /** Prometheus's own linter reads the exposition: a format mistake fails here, not in Grafana. */
    private static void promtoolAccepts(String body) throws IOException, InterruptedException {
        boolean installed = java.util.Arrays.stream(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
            .anyMatch(d -> !d.isEmpty() && Files.isExecutable(Path.of(d, "promtool")));
        Assumptions.assumeTrue(installed, "SKIPPED (format check only): promtool is not on PATH (apt-get install prometheus)");
        Path file = Files.createTempFile("metrics", ".txt");
        try {
            Files.writeString(file, body, StandardCharsets.UTF_8);
            Process p = new ProcessBuilder("promtool", "check", "metrics").redirectInput(file.toFile()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(20, TimeUnit.SECONDS));
            // promtool exits 1 for a format error and 3 for lint problems (missing help, bad names).
            assertEquals(0, p.exitValue(), "promtool check metrics:\n" + out);
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
