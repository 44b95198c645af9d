package io.chaosplaybooks.runtime.proxy;

import java.util.List;

/** A proxy as it is now: {@code listen} carries the real port. Toxics: upstream ones first, each in the order added. */
public record ProxyInfo(String name, String listen, String upstream, boolean enabled, List<ToxicSpec> toxics) {
    public ProxyInfo {
        toxics = List.copyOf(toxics);
    }

    /** The port the proxy listens on, from {@link #listen()}. */
    public int listenPort() {
        return Integer.parseInt(listen.substring(listen.lastIndexOf(':') + 1));
    }
}
