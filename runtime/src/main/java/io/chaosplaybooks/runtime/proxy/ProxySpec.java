package io.chaosplaybooks.runtime.proxy;

/**
 * What a caller asks for when creating or updating a proxy. For an update, a null field means
 * "unchanged". {@code listen} defaults to {@code 127.0.0.1:0} (a free port), {@code enabled} to true.
 */
public record ProxySpec(String name, String listen, String upstream, Boolean enabled) {
    public static ProxySpec of(String name, String listen, String upstream) {
        return new ProxySpec(name, listen, upstream, true);
    }
}
