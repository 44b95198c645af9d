package io.chaosplaybooks.runtime.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.Scheduler;

import java.io.IOException;
import java.net.BindException;
import java.nio.ByteBuffer;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A small JSON API server: a {@link Router}, the {@link RequestGuard}, deadlines, and errors as
 * {@code {"error": message, "status": code}}. Jetty does the HTTP: it parses headers without
 * holding a thread, so a client that never finishes its request costs a socket, not a worker,
 * and no number of them keeps others waiting. Each connection must deliver a request's headers
 * within the header deadline (from its opening, or from the end of its previous response) and
 * its body within the body deadline, or it is closed (408 for a late body).
 */
public final class ApiServer implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    static {
        // Jetty sizes its padding from the platform MBean server unless told: starting that server
        // loads JMX and JFR command classes (~170 classes, ~0.3 s of CPU) for a constant.
        // 16 = a 64-byte cache line of 4-byte (compressed) references; padding only, never correctness.
        System.getProperties().putIfAbsent("org.eclipse.jetty.util.referencesPerCacheLine", "16");
    }

    private final Server server;
    private final ServerConnector connector;

    private ApiServer(Server server, ServerConnector connector) {
        this.server = server;
        this.connector = connector;
    }

    /**
     * Serves {@code router} as {@code settings} say (port 0: a free port, see {@link #port()}).
     *
     * @throws BindException if the port is taken
     * @throws IOException   if the address cannot be bound for another reason (its message says which)
     */
    public static ApiServer start(ServerSettings settings, Router router) throws IOException {
        // Few threads: handlers are short, and reading headers and bodies holds none.
        QueuedThreadPool threads = new QueuedThreadPool(16, 2);
        threads.setName("chaos-api");
        threads.setDaemon(true);
        Server server = new Server(threads);
        server.setStopTimeout(0);
        HttpConfiguration config = new HttpConfiguration();
        config.setSendServerVersion(false);
        config.setSendXPoweredBy(false);
        // "//proxies/x" finds /proxies/x, as the routes ignore empty segments; "%2F" is a slash inside a
        // segment (a schedule id's names may hold one), as the router splits the path before decoding it.
        config.setUriCompliance(UriCompliance.DEFAULT.with("chaos", UriCompliance.Violation.AMBIGUOUS_EMPTY_SEGMENT,
            UriCompliance.Violation.AMBIGUOUS_PATH_SEPARATOR));
        ServerConnector connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(config));
        connector.setHost(settings.host());
        connector.setPort(settings.port());
        connector.setIdleTimeout(settings.idleTimeout().toMillis());
        HeaderDeadlines deadlines = new HeaderDeadlines(server.getScheduler(), settings.headerDeadline().toMillis());
        connector.addBean(deadlines);
        server.addConnector(connector);
        server.setHandler(new Dispatch(settings, router, deadlines, threads));
        server.setErrorHandler(ApiServer::jettyError);
        try {
            server.start();
        } catch (Exception e) {
            stopQuietly(server);
            throw bindFailure(settings, e);
        }
        return new ApiServer(server, connector);
    }

    public int port() {
        return connector.getLocalPort();
    }

    public String host() {
        return connector.getHost();
    }

    /** Stops accepting, closes every connection and the worker threads. */
    @Override
    public void close() {
        stopQuietly(server);
    }

    private static void stopQuietly(Server server) {
        try {
            server.stop();
        } catch (Exception ignored) {
            // Stopping is best effort: the sockets are closed either way.
        }
    }

    private static IOException bindFailure(ServerSettings settings, Exception e) {
        String where = settings.host() + ":" + settings.port();
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BindException b) {
                BindException copy = new BindException(where + ": " + b.getMessage());
                copy.initCause(e);
                return copy;
            }
            if (t instanceof UnresolvedAddressException) {
                return new IOException("'" + settings.host() + "' is not an address of this machine (cannot resolve it)", e);
            }
        }
        return e instanceof IOException io ? io : new IOException(e.getMessage(), e);
    }

    static byte[] errorJson(int status, String message) {
        return (JSON.createObjectNode().put("error", message).put("status", status) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    /** Jetty's own refusals (a malformed request line, headers too large) in the API's error shape. */
    private static boolean jettyError(Request request, Response response, Callback callback) {
        int status = request.getAttribute(ErrorHandler.ERROR_STATUS) instanceof Integer s ? s : 500;
        Object message = request.getAttribute(ErrorHandler.ERROR_MESSAGE);
        write(response, status, "application/json",
            errorJson(status, message == null ? "bad request" : message.toString()), Map.of(), callback);
        return true;
    }

    private static void write(Response response, int status, String contentType, byte[] body,
                              Map<String, String> headers, Callback callback) {
        response.setStatus(status);
        headers.forEach((k, v) -> response.getHeaders().put(k, v));
        if (contentType != null) {
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
        }
        if (status != 204 && status != 304) {
            response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        }
        response.write(true, ByteBuffer.wrap(body), callback);
    }

    /** Closes connections that do not deliver a request's headers in time. */
    private static final class HeaderDeadlines implements Connection.Listener {
        private final Scheduler scheduler;
        private final long millis;
        private final Map<Connection, Scheduler.Task> pending = new ConcurrentHashMap<>();

        HeaderDeadlines(Scheduler scheduler, long millis) {
            this.scheduler = scheduler;
            this.millis = millis;
        }

        void arm(Connection connection) {
            Scheduler.Task task = scheduler.schedule(() -> {
                if (pending.remove(connection) != null) {
                    connection.getEndPoint().close();
                }
            }, millis, TimeUnit.MILLISECONDS);
            Scheduler.Task previous = pending.put(connection, task);
            if (previous != null) {
                previous.cancel();
            }
        }

        void disarm(Connection connection) {
            Scheduler.Task task = pending.remove(connection);
            if (task != null) {
                task.cancel();
            }
        }

        @Override
        public void onOpened(Connection connection) {
            arm(connection);
        }

        @Override
        public void onClosed(Connection connection) {
            disarm(connection);
        }
    }

    /** Guards, routes, reads the body within its deadline, runs the handler, answers. */
    private static final class Dispatch extends org.eclipse.jetty.server.Handler.Abstract {
        private final ServerSettings settings;
        private final Router router;
        private final RequestGuard guard;
        private final HeaderDeadlines deadlines;
        private final Executor workers;

        Dispatch(ServerSettings settings, Router router, HeaderDeadlines deadlines, Executor workers) {
            this.settings = settings;
            this.router = router;
            this.guard = new RequestGuard(settings);
            this.deadlines = deadlines;
            this.workers = workers;
        }

        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            Connection connection = request.getConnectionMetaData().getConnection();
            deadlines.disarm(connection);
            // The next request's headers are due within the deadline from the end of this response.
            Callback done = Callback.from(() -> {
                deadlines.arm(connection);
                callback.succeeded();
            }, callback::failed);
            String method = request.getMethod();
            String path = request.getHttpURI().getPath(); // as sent: the router decodes each segment
            try {
                guard.check(method, path, name -> request.getHeaders().get(name));
                Map<String, String> query = query(request);
                Router.Match match = router.match(method, path);
                long length = request.getLength();
                if (length > settings.maxBodyBytes()) {
                    throw tooLarge();
                }
                if (length == 0) {
                    answer(response, run(match, method, path, new byte[0], query), done);
                    return true;
                }
                Content.Source.asByteArrayAsync(request, settings.maxBodyBytes())
                    .orTimeout(settings.bodyDeadline().toMillis(), TimeUnit.MILLISECONDS)
                    .whenCompleteAsync((body, failure) -> {
                        ApiReply reply = failure == null ? run(match, method, path, body, query) : errorReply(bodyError(failure));
                        answer(response, reply, done);
                    }, workers);
            } catch (ApiError e) {
                answer(response, errorReply(e), done);
            }
            return true;
        }

        private ApiError bodyError(Throwable failure) {
            Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
            if (cause instanceof TimeoutException) {
                return new ApiError(408, "request body not received within " + settings.bodyDeadline().toMillis() + " ms");
            }
            if (cause instanceof IllegalArgumentException || cause instanceof IllegalStateException) {
                return tooLarge();
            }
            return new ApiError(400, "cannot read the request body: " + cause.getMessage());
        }

        private ApiError tooLarge() {
            return new ApiError(413, "request body larger than " + settings.maxBodyBytes() + " bytes");
        }

        /** The query string's parameters, the first value of each (a malformed one is a 400). */
        private static Map<String, String> query(Request request) {
            String raw = request.getHttpURI().getQuery();
            if (raw == null || raw.isEmpty()) return Map.of();
            Map<String, String> out = new java.util.LinkedHashMap<>();
            try {
                for (String pair : raw.split("&")) {
                    if (pair.isEmpty()) continue;
                    int eq = pair.indexOf('=');
                    String name = java.net.URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                    String value = eq < 0 ? "" : java.net.URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                    out.putIfAbsent(name, value);
                }
            } catch (IllegalArgumentException e) {
                throw new ApiError(400, "malformed query string: " + e.getMessage());
            }
            return out;
        }

        private ApiReply run(Router.Match match, String method, String path, byte[] body, Map<String, String> query) {
            try {
                return match.handler().handle(new ApiRequest(method, path, match.params(), body, query));
            } catch (Exception e) {
                return errorReply(router.errorFor(e));
            }
        }

        private static ApiReply errorReply(ApiError e) {
            return ApiReply.error(e);
        }

        private static void answer(Response response, ApiReply reply, Callback done) {
            write(response, reply.status(), reply.contentType(), reply.body(), reply.headers(), done);
        }
    }
}
