package io.chaosplaybooks.runtime.proxy;

/**
 * Live counters of one proxy: bytes written to the server (upstream) and to the client
 * (downstream) since the proxy was created, updated as data flows, not when connections close.
 */
public record ProxyStats(String proxy, long bytesUpstream, long bytesDownstream, int openConnections, int activeToxics) {}
