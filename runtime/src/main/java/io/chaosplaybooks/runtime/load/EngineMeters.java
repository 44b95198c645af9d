package io.chaosplaybooks.runtime.load;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;

import static io.chaosplaybooks.runtime.metrics.LoadMetricNames.*;

/**
 * The engine's Micrometer meters, registered once per server at start so that recording an
 * operation is array lookups and lock-free increments, never a registry lookup.
 *
 * <p>Latencies reach the timers once a second, from the window thread ({@link #recordDurations}),
 * not per operation: a Micrometer timer with a Prometheus histogram updates a max, a sum and a
 * bucket array that every worker would contend on (about 4 % of the process's CPU samples with 50 workers).
 * The values are HdrHistogram's (3 significant digits), so a latency within 0.1 % of a bucket
 * bound may be counted in the bucket next to it.
 */
final class EngineMeters {
    private final MeterRegistry registry;
    private final Counter[][][] operations; // [server][op][outcome]
    private final Counter[][][] errors;     // [server][op][outcome], null for non-error outcomes
    private final Timer[][] durations;      // [server][op]
    private final Counter[] failovers;
    private final AtomicLongArray hitRatioBits; // doubles as bits: written by the window thread, read by scrapes

    private final Set<Meter> registered = new LinkedHashSet<>();

    EngineMeters(MeterRegistry registry, MemcachedNode[] nodes) {
        this.registry = registry;
        int n = nodes.length;
        Operation[] ops = Operation.values();
        Outcome[] outcomes = Outcome.values();
        operations = new Counter[n][ops.length][outcomes.length];
        errors = new Counter[n][ops.length][outcomes.length];
        durations = new Timer[n][ops.length];
        failovers = new Counter[n];
        hitRatioBits = new AtomicLongArray(n);
        for (MemcachedNode node : nodes) {
            int s = node.index;
            String server = node.endpoint.name();
            for (Operation op : ops) {
                for (Outcome outcome : outcomes) {
                    if (op != Operation.GET && (outcome == Outcome.HIT || outcome == Outcome.MISS)) {
                        continue; // only gets hit or miss: no empty series
                    }
                    if (op == Operation.GET && outcome == Outcome.OK) {
                        continue;
                    }
                    operations[s][op.ordinal()][outcome.ordinal()] = track(Counter.builder(OPERATIONS)
                        .description("memcached operations by outcome")
                        .tag(TAG_SERVER, server).tag(TAG_OP, op.tag()).tag(TAG_RESULT, outcome.tag())
                        .register(registry));
                    if (outcome.isError()) {
                        errors[s][op.ordinal()][outcome.ordinal()] = track(Counter.builder(ERRORS)
                            .description("memcached operations that failed, by kind")
                            .tag(TAG_SERVER, server).tag(TAG_OP, op.tag()).tag(TAG_KIND, outcome.tag())
                            .register(registry));
                    }
                }
                durations[s][op.ordinal()] = track(Timer.builder(OPERATION_DURATION)
                    .description("memcached operation latency (open loop: from the intended start)")
                    .tag(TAG_SERVER, server).tag(TAG_OP, op.tag())
                    .publishPercentileHistogram()
                    .minimumExpectedValue(Duration.ofMillis(1).dividedBy(20))
                    .maximumExpectedValue(Duration.ofSeconds(60))
                    .register(registry));
            }
            failovers[s] = track(Counter.builder(FAILOVERS)
                .description("operations sent to another server because this server's breaker was open")
                .tag(TAG_SERVER, server).register(registry));
            track(Gauge.builder(HIT_RATIO, hitRatioBits, r -> Double.longBitsToDouble(r.get(s)))
                .description("hits / (hits + misses) over the last second")
                .tag(TAG_SERVER, server).register(registry));
            track(Gauge.builder(BREAKER_STATE, node, nd -> nd.state().gaugeValue())
                .description("circuit breaker state: 0 closed, 1 half-open, 2 open")
                .tag(TAG_SERVER, server).register(registry));
            track(Gauge.builder(POOL_CONNECTIONS, node, MemcachedNode::connectionsTotal)
                .description("xmemcached connections to the server")
                .tag(TAG_SERVER, server).tag(TAG_STATE, "total").register(registry));
            track(Gauge.builder(POOL_CONNECTIONS, node, MemcachedNode::connectionsActive)
                .description("xmemcached connections to the server")
                .tag(TAG_SERVER, server).tag(TAG_STATE, "active").register(registry));
            track(Gauge.builder(POOL_CONNECTIONS, node, nd -> Math.max(0, nd.connectionsTotal() - nd.connectionsActive()))
                .description("xmemcached connections to the server")
                .tag(TAG_SERVER, server).tag(TAG_STATE, "idle").register(registry));
            // Transition counters exist from the start, at zero, so rate() works before the first change.
            for (BreakerState from : BreakerState.values()) {
                for (BreakerState to : BreakerState.values()) {
                    if (from != to) {
                        transitionCounter(server, from, to);
                    }
                }
            }
        }
    }

    private <M extends Meter> M track(M meter) {
        synchronized (registered) {
            registered.add(meter);
        }
        return meter;
    }

    /**
     * Removes this engine's meters from the registry, so that a later engine on the same registry
     * registers its own (a gauge still bound to this engine's objects would otherwise stay).
     */
    void removeAll() {
        synchronized (registered) {
            registered.forEach(registry::remove);
            registered.clear();
        }
    }

    void record(int server, Operation op, Outcome outcome) {
        operations[server][op.ordinal()][outcome.ordinal()].increment();
        Counter error = errors[server][op.ordinal()][outcome.ordinal()];
        if (error != null) {
            error.increment();
        }
    }

    /** Adds one window's latencies of one server and operation kind to their timer. */
    void recordDurations(int server, Operation op, Histogram latencyNanos) {
        Timer timer = durations[server][op.ordinal()];
        for (HistogramIterationValue v : latencyNanos.recordedValues()) {
            long value = latencyNanos.medianEquivalentValue(v.getValueIteratedTo());
            for (long n = v.getCountAtValueIteratedTo(); n > 0; n--) {
                timer.record(value, TimeUnit.NANOSECONDS);
            }
        }
    }

    void recordFailover(int server) {
        failovers[server].increment();
    }

    void updateHitRatio(int server, double ratio) {
        hitRatioBits.set(server, Double.doubleToRawLongBits(ratio));
    }

    void recordTransition(BreakerTransition t) {
        transitionCounter(t.server(), t.from(), t.to()).increment();
    }

    private Counter transitionCounter(String server, BreakerState from, BreakerState to) {
        return track(Counter.builder(BREAKER_TRANSITIONS)
            .description("circuit breaker state changes")
            .tag(TAG_SERVER, server).tag(TAG_FROM, from.tag()).tag(TAG_TO, to.tag())
            .register(registry));
    }
}
