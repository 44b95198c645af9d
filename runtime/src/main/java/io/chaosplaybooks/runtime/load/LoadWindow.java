package io.chaosplaybooks.runtime.load;

import org.HdrHistogram.Histogram;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The load engine's figures over [start, end): a one-second window delivered to window listeners,
 * or the whole run so far from {@link LoadEngine#snapshot()}. {@code latencyNanos} is the
 * window's latency histogram over all servers (null when not kept), so that windows can be merged
 * into exact percentiles over a phase.
 */
public record LoadWindow(Instant start, Instant end, ServerWindow total, List<ServerWindow> servers, Histogram latencyNanos) {
    public LoadWindow {
        servers = List.copyOf(servers);
    }

    public LoadWindow(Instant start, Instant end, ServerWindow total, List<ServerWindow> servers) {
        this(start, end, total, servers, null);
    }

    public Duration length() {
        return Duration.between(start, end);
    }

    public double opsPerSecond() {
        long nanos = length().toNanos();
        return nanos <= 0 ? 0 : total.operations() * 1e9 / nanos;
    }

    public double opsPerSecond(String server) {
        long nanos = length().toNanos();
        return nanos <= 0 ? 0 : server(server).map(ServerWindow::operations).orElse(0L) * 1e9 / nanos;
    }

    public Optional<ServerWindow> server(String name) {
        return servers.stream().filter(s -> s.server().equals(name)).findFirst();
    }
}
