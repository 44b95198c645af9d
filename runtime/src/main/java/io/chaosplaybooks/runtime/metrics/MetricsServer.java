package io.chaosplaybooks.runtime.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Serves a Prometheus registry at {@code http://host:port/metrics} with the JDK's HTTP server.
 * {@code chaos load} uses port 9090, {@code chaos run} 9092; both bind 127.0.0.1 unless told otherwise.
 */
public final class MetricsServer implements AutoCloseable {
    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final String PATH = "/metrics";
    private static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final HttpServer server;
    private final ExecutorService executor;

    private MetricsServer(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /**
     * Binds and starts serving.
     *
     * @param port 0 picks a free port (see {@link #port()})
     * @throws PortInUseException when the port is taken, with a one-line message naming it
     * @throws IOException        for other binding failures (unknown host, no permission)
     */
    public static MetricsServer start(String host, int port, PrometheusMeterRegistry registry) throws IOException {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("metrics port must be 0..65535, got " + port);
        }
        InetSocketAddress address;
        try {
            address = new InetSocketAddress(InetAddress.getByName(host), port);
        } catch (UnknownHostException e) {
            throw new IOException("unknown metrics host '" + host + "'", e);
        }
        HttpServer http;
        try {
            http = HttpServer.create(address, 16);
        } catch (BindException e) {
            throw new PortInUseException("cannot serve metrics on " + host + ":" + port + ": the port is in use"
                + " (pick another with --metrics-port)", e);
        }
        // One thread: scrapes come once a second or so; a slow scraper must not spawn threads.
        ExecutorService executor = Executors.newSingleThreadExecutor(r -> Thread.ofPlatform().daemon().name("chaos-metrics-http").unstarted(r));
        http.setExecutor(executor);
        http.createContext(PATH, exchange -> serve(exchange, registry));
        http.createContext("/", MetricsServer::notFound);
        http.start();
        return new MetricsServer(http, executor);
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public String url() {
        InetSocketAddress a = server.getAddress();
        String host = a.getAddress().getHostAddress();
        return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort() + PATH;
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private static void serve(HttpExchange exchange, PrometheusMeterRegistry registry) throws IOException {
        try (exchange) {
            if (!exchange.getRequestMethod().equals("GET") && !exchange.getRequestMethod().equals("HEAD")) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            byte[] body = registry.scrape().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
            boolean head = exchange.getRequestMethod().equals("HEAD");
            exchange.sendResponseHeaders(200, head ? -1 : body.length);
            if (!head) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        }
    }

    private static void notFound(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = ("not found: metrics are at " + PATH + "\n").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
            exchange.sendResponseHeaders(404, body.length);
            exchange.getResponseBody().write(body);
        }
    }

    /** The metrics port is taken by another process. */
    public static final class PortInUseException extends IOException {
        public PortInUseException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
