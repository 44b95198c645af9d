package io.chaosplaybooks.runtime.load;

/**
 * One server's figures over a window (one second, or since the start for a snapshot).
 * {@code server} is {@value #ALL_SERVERS} for the sum over all servers.
 *
 * @param operations       operations attributed to this server (served, or rejected with every breaker open)
 * @param hits             gets that found their key
 * @param misses           gets that did not
 * @param timeouts         operations with no answer in time
 * @param connectionErrors operations with no usable connection
 * @param breakerOpen      operations failed fast because every candidate server's breaker was open
 * @param otherErrors      error answers and anything else
 * @param failedOver       operations whose key belongs to this server but that another server served
 *                         because this one's breaker was open (counted on that other server too)
 * @param latency          latency of the operations attributed to this server
 * @param breaker          breaker state at the end of the window
 */
public record ServerWindow(
    String server,
    long operations,
    long hits,
    long misses,
    long timeouts,
    long connectionErrors,
    long breakerOpen,
    long otherErrors,
    long failedOver,
    LatencySummary latency,
    BreakerState breaker) {

    public static final String ALL_SERVERS = "all";

    public long errors() {
        return timeouts + connectionErrors + breakerOpen + otherErrors;
    }

    /** Errors over operations; 0 when there were no operations. */
    public double errorRate() {
        return operations == 0 ? 0 : (double) errors() / operations;
    }

    /** Hits over gets that reached a server and answered; 0 when there were none. */
    public double hitRatio() {
        long answered = hits + misses;
        return answered == 0 ? 0 : (double) hits / answered;
    }
}
