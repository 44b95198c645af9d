package io.chaosplaybooks.runtime.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Checks a request before it is routed. A web page the user opens must not drive the API
 * (a fetch from any site can reach a loopback port): browsers are refused by User-Agent as
 * Toxiproxy refuses them, and a state-changing request that a browser marks as coming from
 * another origin is refused even if its User-Agent hides it. Off loopback a bearer token is the
 * only thing between the network and the API.
 */
final class RequestGuard {
    private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS");

    private final ServerSettings settings;
    private final byte[] expectedAuthorization;

    RequestGuard(ServerSettings settings) {
        this.settings = settings;
        this.expectedAuthorization = settings.bearerToken() == null ? null
            : ("Bearer " + settings.bearerToken()).getBytes(StandardCharsets.UTF_8);
    }

    /** Throws the {@link ApiError} that refuses the request, or returns if it may go on. */
    void check(String method, Function<String, String> header) {
        check(method, null, header);
    }

    /** As {@link #check(String, Function)}, with the path: a GET of one of the settings' open paths needs no token. */
    void check(String method, String path, Function<String, String> header) {
        String agent = header.apply("User-Agent");
        if (settings.refuseBrowsers() && agent != null && agent.startsWith("Mozilla/")) {
            throw new ApiError(403, "User agent not allowed");
        }
        if (!settings.refuseBrowsers() && expectedAuthorization == null) {
            checkHost(header.apply("Host"));
        }
        boolean open = path != null && (method.equals("GET") || method.equals("HEAD")) && settings.openPaths().contains(path);
        if (expectedAuthorization != null && !open) {
            String given = header.apply("Authorization");
            // Constant-time comparison: the answer's timing must not reveal how much of a guess was right.
            if (given == null || !MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8), expectedAuthorization)) {
                throw new ApiError(401, given == null ? "missing Authorization: Bearer <token>" : "wrong bearer token",
                    Map.of("WWW-Authenticate", "Bearer"));
            }
        }
        if (!SAFE_METHODS.contains(method)) { // a browser's request from another site: it names its origin
            String origin = header.apply("Origin");
            String host = header.apply("Host");
            if (origin != null && (host == null || !origin.toLowerCase(Locale.ROOT).equals("http://" + host.toLowerCase(Locale.ROOT)))) {
                throw new ApiError(403, "cross-origin request refused: " + method + " from Origin " + origin
                    + " (only this server's own origin may change state)");
            }
            String site = header.apply("Sec-Fetch-Site");
            if (site != null && !site.equals("same-origin") && !site.equals("none")) {
                throw new ApiError(403, "cross-origin request refused: " + method + " with Sec-Fetch-Site " + site);
            }
        }
    }

    /**
     * DNS rebinding: a page on a site whose name the attacker later points at 127.0.0.1 is, to the
     * browser, the same origin as this server, so neither the Origin check nor the browser's own
     * rules stop it from reading the API or changing state. The one trace is the Host header, which
     * carries the attacker's name. A server that lets browsers in and has no token (loopback) answers
     * only to loopback names and IP addresses, which no DNS answer can stand for.
     */
    private static void checkHost(String host) {
        if (host == null || host.isEmpty()) {
            return; // HTTP/1.0 clients; every browser sends Host
        }
        String name = host.toLowerCase(Locale.ROOT);
        if (name.startsWith("[")) {
            return; // an IPv6 literal
        }
        int colon = name.lastIndexOf(':');
        if (colon >= 0) {
            name = name.substring(0, colon);
        }
        boolean ipv4 = !name.isEmpty() && name.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'));
        if (ipv4 || name.equals("localhost") || name.endsWith(".localhost")) {
            return;
        }
        throw new ApiError(403, "Host " + host + " refused: without a token this server answers only to localhost and IP"
            + " addresses (a web page could otherwise reach it through a DNS name pointed at this machine);"
            + " open it as http://localhost:PORT or http://127.0.0.1:PORT");
    }
}
