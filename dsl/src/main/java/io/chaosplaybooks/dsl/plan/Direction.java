package io.chaosplaybooks.dsl.plan;

/** Which way a fault acts: upstream is client to server, downstream server to client. */
public enum Direction {
    UPSTREAM, DOWNSTREAM, BOTH;

    public String toxiproxyStream() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
