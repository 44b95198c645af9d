package io.chaosplaybooks.runtime.proxy;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/** Toxiproxy-style {@code host:port} strings: {@code 127.0.0.1:0}, {@code localhost:11211}, {@code [::1]:80}, {@code :8080}. */
final class Addresses {
    private Addresses() {}

    /**
     * Checks the syntax and port range. A listen host must resolve now (binding needs an address);
     * an upstream host may resolve later, as in Toxiproxy, and is left for connect to report.
     */
    static InetSocketAddress parse(String address, String what) {
        if (address == null || address.isBlank()) {
            throw FaultEngineException.badRequest("missing " + what + " address (host:port)");
        }
        int colon = address.lastIndexOf(':');
        if (colon < 0) {
            throw FaultEngineException.badRequest(what + " address '" + address + "' must be host:port");
        }
        String host = address.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(address.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw FaultEngineException.badRequest(what + " address '" + address + "' has no valid port");
        }
        if (port < 0 || port > 65535) {
            throw FaultEngineException.badRequest(what + " address '" + address + "': port must be 0..65535");
        }
        InetSocketAddress result = host.isEmpty() ? new InetSocketAddress(port) : new InetSocketAddress(host, port);
        if (result.isUnresolved() && what.equals("listen")) {
            throw FaultEngineException.badRequest("listen address '" + address + "': '" + host
                + "' is not an IP address or a host name that resolves (listen on an address of this machine, e.g. 127.0.0.1:0)");
        }
        return result;
    }

    /** The address a listener really bound, as Toxiproxy reports it: {@code 127.0.0.1:34567}. */
    static String format(InetAddress bound, int port) {
        String host = bound.getHostAddress();
        return (bound instanceof Inet6Address ? "[" + host + "]" : host) + ":" + port;
    }
}
