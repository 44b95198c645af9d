package io.chaosplaybooks.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The shipped library's partition scenarios, time-scaled, watched through the metrics endpoint as
 * Prometheus would: the affected breakers open, traffic concentrates on the healthy server, and
 * the breakers close in recovery (what the old systems' notes expected).
 */
class StdlibRunIT {
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[^}]*})? ([-+0-9.eEInfNa]+)$");

    /** One scrape: metric name + sorted labels as written, to value. */
    record Scrape(long atMillis, Map<String, Double> samples) {
        double get(String name, String labels) {
            return samples.getOrDefault(name + "{" + labels + "}", Double.NaN);
        }

        int phase(String scenario) {
            double v = get("scenario_phase", "scenario=\"" + scenario + "\"");
            return Double.isNaN(v) ? -1 : (int) v;
        }

        double breaker(String server) {
            return get("memcache_circuit_breaker_state", "server=\"" + server + "\"");
        }

        /** Operations a server actually served (not failed fast by its open breaker). */
        double served(String server) {
            double sum = 0;
            for (var e : samples.entrySet()) {
                String k = e.getKey();
                if (k.startsWith("memcache_client_operations_total{") && k.contains("server=\"" + server + "\"")
                    && !k.contains("result=\"breaker_open\"")) sum += e.getValue();
            }
            return sum;
        }
    }

    static Scrape parse(String text) {
        Map<String, Double> m = new HashMap<>();
        for (String line : text.split("\n")) {
            if (line.startsWith("#")) continue;
            Matcher x = SAMPLE.matcher(line.trim());
            if (x.matches()) m.put(x.group(1) + (x.group(2) == null ? "" : x.group(2)), Double.parseDouble(x.group(3)));
        }
        return new Scrape(System.currentTimeMillis(), m);
    }

    @Test
    void partitionsTripTheBreakersConcentrateTrafficAndRecover(@TempDir Path dir) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path out = dir.resolve("out.txt");
        Process p = new ProcessBuilder(ROOT.resolve("bin/chaos").toString(), "run", ROOT.resolve("playbooks/all.groovy").toString(),
            "--time-scale", "0.05", "--scenario", "packet-loss-100-pct", "--scenario", "multi-failure-2-servers-packet-loss",
            "--metrics-port", Integer.toString(port), "--seed", "1")
            .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        List<Scrape> scrapes = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while (p.isAlive() && System.nanoTime() < deadline) {
            try {
                var r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) scrapes.add(parse(r.body()));
            } catch (java.io.IOException notYet) {
                // the endpoint is not up yet, or already down
            }
            Thread.sleep(150);
        }
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the run ends");
        String console = Files.readString(out);
        assertTrue(scrapes.size() > 20, "scraped the run: " + scrapes.size() + "\n" + console);

        // 100 % loss on server 1: its breaker opens during the test phase.
        String single = "packet-loss-100-pct";
        assertTrue(scrapes.stream().anyMatch(s -> s.phase(single) == 2 && s.breaker("server-1") == 2),
            "server-1's breaker open while " + single + " injects\n" + console);

        // Two of three partitioned: both breakers open, server 3's stays closed, and it serves the traffic.
        String multi = "multi-failure-2-servers-packet-loss";
        List<Scrape> inject = scrapes.stream().filter(s -> s.phase(multi) == 2).toList();
        assertTrue(inject.size() >= 4, "scrapes during the multi-failure inject: " + inject.size());
        assertTrue(inject.stream().anyMatch(s -> s.breaker("server-1") == 2), "server-1 opens\n" + console);
        assertTrue(inject.stream().anyMatch(s -> s.breaker("server-2") == 2), "server-2 opens\n" + console);
        assertTrue(inject.stream().allMatch(s -> s.breaker("server-3") == 0), "server-3 stays closed\n" + console);
        Scrape a = inject.get(inject.size() / 2), b = inject.get(inject.size() - 1);
        double s1 = b.served("server-1") - a.served("server-1");
        double s2 = b.served("server-2") - a.served("server-2");
        double s3 = b.served("server-3") - a.served("server-3");
        assertTrue(s3 > 0 && s3 / (s1 + s2 + s3) > 0.9,
            "traffic concentrates on server-3 during the partition: served " + s1 + " / " + s2 + " / " + s3);

        // Recovery closes the breakers: at the end of the recover phase every breaker is closed.
        List<Scrape> recover = scrapes.stream().filter(s -> s.phase(multi) == 3).toList();
        assertTrue(!recover.isEmpty(), "scrapes during recover");
        Scrape last = recover.get(recover.size() - 1);
        for (String server : List.of("server-1", "server-2", "server-3")) {
            assertEquals(0.0, last.breaker(server), server + " closed at the end of recovery\n" + console);
        }
        assertTrue(console.contains("PASS  " + single), console);
        assertTrue(console.contains("PASS  " + multi), console);
    }
}
