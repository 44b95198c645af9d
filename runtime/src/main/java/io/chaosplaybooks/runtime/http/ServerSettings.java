package io.chaosplaybooks.runtime.http;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;

/**
 * Where and how an {@link ApiServer} serves.
 *
 * @param bearerToken     when set, every request needs {@code Authorization: Bearer <token>} (401 otherwise)
 * @param refuseBrowsers  answer 403 "User agent not allowed" to a browser's User-Agent, as Toxiproxy does
 * @param headerDeadline  time for a request's line and headers, from the connection's opening or the end
 *                        of its previous response; a connection that misses it is closed
 * @param bodyDeadline    time for a request's body once its headers arrived (408 after it)
 * @param idleTimeout     a connection with no byte in or out for this long is closed
 * @param maxBodyBytes    larger bodies are refused with 413
 * @param openPaths       paths a GET may fetch without the bearer token (a web page and its script: they hold no data;
 *                        the page then calls the API with the token)
 */
public record ServerSettings(String host, int port, String bearerToken, boolean refuseBrowsers,
                             Duration headerDeadline, Duration bodyDeadline, Duration idleTimeout, int maxBodyBytes,
                             java.util.Set<String> openPaths) {
    public ServerSettings {
        openPaths = openPaths == null ? java.util.Set.of() : java.util.Set.copyOf(openPaths);
    }

    public ServerSettings(String host, int port, String bearerToken, boolean refuseBrowsers,
                          Duration headerDeadline, Duration bodyDeadline, Duration idleTimeout, int maxBodyBytes) {
        this(host, port, bearerToken, refuseBrowsers, headerDeadline, bodyDeadline, idleTimeout, maxBodyBytes, java.util.Set.of());
    }

    public static final Duration DEFAULT_HEADER_DEADLINE = Duration.ofSeconds(10);
    public static final Duration DEFAULT_BODY_DEADLINE = Duration.ofSeconds(10);
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(30);

    /** No token, browsers refused, the default deadlines, bodies up to 1 MiB. */
    public static ServerSettings of(String host, int port) {
        return new ServerSettings(host, port, null, true,
            DEFAULT_HEADER_DEADLINE, DEFAULT_BODY_DEADLINE, DEFAULT_IDLE_TIMEOUT, 1 << 20);
    }

    public ServerSettings withBearerToken(String token) {
        return new ServerSettings(host, port, token, refuseBrowsers, headerDeadline, bodyDeadline, idleTimeout, maxBodyBytes, openPaths);
    }

    public ServerSettings withDeadlines(Duration header, Duration body, Duration idle) {
        return new ServerSettings(host, port, bearerToken, refuseBrowsers, header, body, idle, maxBodyBytes, openPaths);
    }

    /**
     * For a server that has a web page: browsers are let in (state-changing requests from another origin are
     * still refused), and GETs of {@code paths} need no token.
     */
    public ServerSettings forWebPage(java.util.Set<String> paths) {
        return new ServerSettings(host, port, bearerToken, false, headerDeadline, bodyDeadline, idleTimeout, maxBodyBytes, paths);
    }

    /** Without the token: settings may end up in a log. */
    @Override
    public String toString() {
        return "ServerSettings[" + host + ":" + port + (bearerToken == null ? "" : ", bearer token set")
            + ", refuseBrowsers=" + refuseBrowsers + ", headerDeadline=" + headerDeadline + ", bodyDeadline=" + bodyDeadline
            + ", idleTimeout=" + idleTimeout + ", maxBodyBytes=" + maxBodyBytes + (openPaths.isEmpty() ? "" : ", openPaths=" + openPaths) + "]";
    }

    /** True when {@link #host} names only this machine (the loopback interface), so no token is needed. */
    public boolean loopbackOnly() {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
