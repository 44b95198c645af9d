package io.chaosplaybooks.runtime.load;

import java.util.Objects;

/**
 * A memcached server the load engine talks to: a stable name (used for consistent hashing, metric
 * tags and breaker names, so keys keep their server when its address changes, e.g. behind a proxy)
 * and its address.
 */
public record ServerEndpoint(String name, String host, int port) {
    public ServerEndpoint {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(host, "host");
        if (name.isBlank()) {
            throw new IllegalArgumentException("server name must not be blank");
        }
        if (host.isBlank()) {
            throw new IllegalArgumentException("server host must not be blank (server '" + name + "')");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("server port must be 1..65535, got " + port + " (server '" + name + "')");
        }
    }

    /**
     * Parses {@code host:port} (an IPv6 host in brackets: {@code [::1]:11211}).
     *
     * @throws IllegalArgumentException naming the bad text
     */
    public static ServerEndpoint parse(String name, String hostAndPort) {
        String text = hostAndPort == null ? "" : hostAndPort.trim();
        int colon = text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            throw new IllegalArgumentException("expected host:port, got '" + hostAndPort + "'");
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(text.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("expected a port number after ':' in '" + hostAndPort + "'");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be 1..65535 in '" + hostAndPort + "'");
        }
        return new ServerEndpoint(name, host, port);
    }

    public String address() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
