package io.chaosplaybooks.dsl.plan;

/**
 * A server the playbook names.
 *
 * @param address   {@code host:port} of the memcached, as the proxy's host reaches it; null for one the run provides
 *                  (and for an existing proxy, whose upstream is its own)
 * @param listen    where the server's proxy listens, {@code host:port} on the proxy's host (where the user's
 *                  application connects); null for a free loopback port
 * @param toxiproxy the Toxiproxy API this server's proxy lives on ({@code http://host:8474}); null for the run's default
 *                  ({@code --toxiproxy}, else the embedded engine)
 * @param proxy     the name of a proxy that already exists on that Toxiproxy, used as it is; null for one the run creates
 */
public record ServerSpec(String name, String address, SourcePos pos, String listen, String toxiproxy, String proxy) {
    public ServerSpec(String name, String address, SourcePos pos) {
        this(name, address, pos, null, null, null);
    }

    /** Its proxy is where the user's application connects: a listen address given, or an existing proxy. */
    public boolean userFacing() {
        return listen != null || proxy != null;
    }
}
