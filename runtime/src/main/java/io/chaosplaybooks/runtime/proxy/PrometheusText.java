package io.chaosplaybooks.runtime.proxy;

import java.util.List;

/** The /metrics page: per-proxy counters in Prometheus's text format, read live from the engine. */
final class PrometheusText {
    private PrometheusText() {}

    static String format(List<ProxyStats> stats) {
        StringBuilder out = new StringBuilder();
        out.append("# HELP chaos_proxy_bytes_total Bytes the proxy wrote onward, by direction (upstream = to the server).\n");
        out.append("# TYPE chaos_proxy_bytes_total counter\n");
        for (ProxyStats s : stats) {
            out.append("chaos_proxy_bytes_total{proxy=\"").append(escape(s.proxy())).append("\",direction=\"upstream\"} ")
                .append(s.bytesUpstream()).append('\n');
            out.append("chaos_proxy_bytes_total{proxy=\"").append(escape(s.proxy())).append("\",direction=\"downstream\"} ")
                .append(s.bytesDownstream()).append('\n');
        }
        out.append("# HELP chaos_proxy_connections_open Client connections open through the proxy.\n");
        out.append("# TYPE chaos_proxy_connections_open gauge\n");
        for (ProxyStats s : stats) {
            out.append("chaos_proxy_connections_open{proxy=\"").append(escape(s.proxy())).append("\"} ")
                .append(s.openConnections()).append('\n');
        }
        out.append("# HELP chaos_proxy_toxics_active Toxics installed on the proxy, both directions.\n");
        out.append("# TYPE chaos_proxy_toxics_active gauge\n");
        for (ProxyStats s : stats) {
            out.append("chaos_proxy_toxics_active{proxy=\"").append(escape(s.proxy())).append("\"} ")
                .append(s.activeToxics()).append('\n');
        }
        return out.toString();
    }

    private static String escape(String label) {
        return label.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
