package io.chaosplaybooks.runtime.metrics;

/**
 * Every meter the load engine registers, with its tags. Micrometer names use dots; the Prometheus
 * registry turns them into the names given in each comment (counters gain {@code _total}, timers
 * {@code _seconds_bucket/_count/_sum}). Dashboards and {@code docs/load-engine.md} rely on these.
 */
public final class LoadMetricNames {
    private LoadMetricNames() {}

    // ---- meters -------------------------------------------------------------------------------

    /**
     * Counter {@code memcache_client_operations_total{op,server,result}}: every operation, once,
     * by its outcome. {@code server} is the server that served it (for {@code breaker_open}: the
     * key's primary server).
     */
    public static final String OPERATIONS = "memcache.client.operations";

    /**
     * Counter {@code memcache_client_errors_total{op,server,kind}}: operations that failed, by kind.
     * The same operations are also in {@link #OPERATIONS} with {@code result=<kind>}.
     */
    public static final String ERRORS = "memcache.client.errors";

    /**
     * Timer {@code memcache_client_operation_duration_seconds{op,server}} with a Prometheus
     * histogram ({@code _bucket{le}}): latency of every operation, failed ones included. In open
     * loop it is measured from the operation's intended start (no coordinated omission).
     */
    public static final String OPERATION_DURATION = "memcache.client.operation.duration";

    /** Gauge {@code memcache_client_hit_ratio{server}}: hits / (hits + misses) over the last second. */
    public static final String HIT_RATIO = "memcache.client.hit.ratio";

    /**
     * Counter {@code memcache_client_failovers_total{server}}: operations whose key belongs to
     * {@code server} but that went to the next server on the ring because this one's breaker was open.
     */
    public static final String FAILOVERS = "memcache.client.failovers";

    /**
     * Gauge {@code memcache_circuit_breaker_state{server}}: 0 closed, 1 half-open, 2 open.
     */
    public static final String BREAKER_STATE = "memcache.circuit.breaker.state";

    /** Counter {@code memcache_circuit_breaker_transitions_total{server,from,to}}. */
    public static final String BREAKER_TRANSITIONS = "memcache.circuit.breaker.transitions";

    /**
     * Gauge {@code memcache_pool_connections{server,state}}: the xmemcached connections to a server.
     * {@code state="total"}: open connections; {@code "active"}: open ones that carried traffic within
     * xmemcached's session idle timeout; {@code "idle"}: total - active. xmemcached multiplexes
     * operations on a connection, so "active" means recently used, not checked out.
     */
    public static final String POOL_CONNECTIONS = "memcache.pool.connections";

    // ---- tags ---------------------------------------------------------------------------------

    /** The server's name as given in the playbook or {@code --servers} (e.g. {@code server-1}). */
    public static final String TAG_SERVER = "server";
    /** {@code get}, {@code set}, {@code delete}. */
    public static final String TAG_OP = "op";
    /** {@code hit}, {@code miss}, {@code ok}, {@code timeout}, {@code connection}, {@code breaker_open}, {@code error}. */
    public static final String TAG_RESULT = "result";
    /** {@code timeout}, {@code connection}, {@code breaker_open}, {@code error}. */
    public static final String TAG_KIND = "kind";
    /** Breaker state before a transition: {@code closed}, {@code half_open}, {@code open}. */
    public static final String TAG_FROM = "from";
    /** Breaker state after a transition. */
    public static final String TAG_TO = "to";
    /** {@code total}, {@code active}, {@code idle}. */
    public static final String TAG_STATE = "state";
}
