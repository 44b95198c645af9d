package io.chaosplaybooks.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.chaosplaybooks.runtime.load.BreakerState;
import io.chaosplaybooks.runtime.load.BreakerTransition;
import io.chaosplaybooks.runtime.load.LatencySummary;
import io.chaosplaybooks.runtime.load.LoadWindow;
import io.chaosplaybooks.runtime.load.ServerEndpoint;
import io.chaosplaybooks.runtime.load.ServerWindow;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** How {@code chaos load} shows its figures: the live line, the summary, the JSON file. */
final class LoadReport {
    private LoadReport() {}

    /** One line per second: {@code [  12s] 61,234 ops/s  errors 0 (0.00%)  p99 1.23 ms  breakers: server-1 closed ...}. */
    static String liveLine(long elapsedSeconds, LoadWindow w) {
        ServerWindow t = w.total();
        return String.format(Locale.ROOT, "[%4ds] %,9.0f ops/s  errors %,d (%.2f%%)  p99 %s  breakers: %s",
            elapsedSeconds, w.opsPerSecond(), t.errors(), t.errorRate() * 100, ms(t.latency().p99Ms()), breakers(w));
    }

    static String breakers(LoadWindow w) {
        return w.servers().stream()
            .map(s -> s.server() + " " + (s.breaker() == BreakerState.CLOSED ? "closed" : s.breaker().name()))
            .collect(Collectors.joining(", "));
    }

    static String summary(LoadWindow run, List<ServerEndpoint> servers, List<BreakerTransition> transitions) {
        StringBuilder sb = new StringBuilder();
        ServerWindow t = run.total();
        LatencySummary l = t.latency();
        sb.append(String.format(Locale.ROOT, "%nSummary: %,d operations in %.1f s = %,.0f ops/s; errors %,d (%.2f%%); hit ratio %.1f%%%n",
            t.operations(), run.length().toMillis() / 1000.0, run.opsPerSecond(), t.errors(), t.errorRate() * 100, t.hitRatio() * 100));
        if (t.errors() > 0) {
            sb.append(String.format(Locale.ROOT, "  errors by kind: timeout %,d, connection %,d, breaker open %,d, other %,d%n",
                t.timeouts(), t.connectionErrors(), t.breakerOpen(), t.otherErrors()));
        }
        sb.append(String.format(Locale.ROOT, "  latency: p50 %s  p90 %s  p99 %s  p99.9 %s  max %s%n",
            ms(l.p50Ms()), ms(l.p90Ms()), ms(l.p99Ms()), ms(l.p999Ms()), ms(l.maxMs())));
        for (ServerEndpoint endpoint : servers) {
            ServerWindow s = run.server(endpoint.name()).orElseThrow();
            sb.append(String.format(Locale.ROOT, "  %-10s %-21s %,11d ops  %,9.0f ops/s  errors %,d  failed over %,d  p99 %s  breaker %s%n",
                s.server(), endpoint.address(), s.operations(), run.opsPerSecond(s.server()), s.errors(), s.failedOver(),
                ms(s.latency().p99Ms()), s.breaker().tag()));
        }
        if (!transitions.isEmpty()) {
            sb.append("  breaker transitions:\n");
            for (BreakerTransition tr : transitions) {
                sb.append("    ").append(tr.at()).append(' ').append(tr.server()).append(' ')
                    .append(tr.from().tag()).append(" -> ").append(tr.to().tag()).append('\n');
            }
        }
        return sb.toString();
    }

    static void writeJson(Path file, LoadWindow run, List<LoadWindow> seconds, List<ServerEndpoint> servers,
                          List<BreakerTransition> transitions, String targetKind) throws IOException {
        Map<String, Object> root = new LinkedHashMap<>();
        ServerWindow t = run.total();
        root.put("operations", t.operations());
        root.put("opsPerSecond", round(run.opsPerSecond()));
        root.put("durationSeconds", round(run.length().toMillis() / 1000.0));
        root.put("errors", t.errors());
        root.put("errorRate", t.errorRate());
        root.put("errorsByKind", errorsByKind(t));
        root.put("hits", t.hits());
        root.put("misses", t.misses());
        root.put("hitRatio", t.hitRatio());
        root.put("latencyMs", latency(t.latency()));
        Map<String, Object> perServer = new LinkedHashMap<>();
        for (ServerEndpoint endpoint : servers) {
            ServerWindow s = run.server(endpoint.name()).orElseThrow();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("address", endpoint.address());
            m.put("operations", s.operations());
            m.put("opsPerSecond", round(run.opsPerSecond(s.server())));
            m.put("errors", s.errors());
            m.put("errorsByKind", errorsByKind(s));
            m.put("hits", s.hits());
            m.put("misses", s.misses());
            m.put("failedOver", s.failedOver());
            m.put("breaker", s.breaker().tag());
            m.put("latencyMs", latency(s.latency()));
            perServer.put(s.server(), m);
        }
        root.put("servers", perServer);
        root.put("breakerTransitions", transitions.stream().map(tr -> Map.of(
            "at", tr.at().toString(), "server", tr.server(), "from", tr.from().tag(), "to", tr.to().tag())).toList());
        root.put("targets", targetKind);
        // The run second by second (the last entry may be a partial second): warm-up, the effect of
        // a fault and its recovery show here, where the totals average them away.
        root.put("perSecond", seconds.stream().map(w -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("operations", w.total().operations());
            m.put("seconds", round(w.length().toMillis() / 1000.0));
            m.put("errors", w.total().errors());
            m.put("p99Ms", round(w.total().latency().p99Ms()));
            return m;
        }).toList());
        byte[] json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsBytes(root);
        Files.write(file, json);
    }

    private static Map<String, Object> errorsByKind(ServerWindow s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("timeout", s.timeouts());
        m.put("connection", s.connectionErrors());
        m.put("breakerOpen", s.breakerOpen());
        m.put("other", s.otherErrors());
        return m;
    }

    private static Map<String, Object> latency(LatencySummary l) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("p50", round(l.p50Ms()));
        m.put("p90", round(l.p90Ms()));
        m.put("p99", round(l.p99Ms()));
        m.put("p999", round(l.p999Ms()));
        m.put("max", round(l.maxMs()));
        m.put("mean", round(l.meanMs()));
        return m;
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

    static String ms(double millis) {
        return millis >= 100 ? String.format(Locale.ROOT, "%.0f ms", millis) : String.format(Locale.ROOT, "%.2f ms", millis);
    }
}
