package io.chaosplaybooks.runtime.load;

import io.chaosplaybooks.dsl.plan.LoadProfile;
import com.google.code.yanf4j.core.Session;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import net.rubyeye.xmemcached.MemcachedClient;
import net.rubyeye.xmemcached.XMemcachedClientBuilder;
import net.rubyeye.xmemcached.transcoders.SerializingTranscoder;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;

/** One server as the engine sees it: its own xmemcached client (and pool), breaker and statistics. */
final class MemcachedNode implements AutoCloseable {
    final int index;
    final ServerEndpoint endpoint;
    final MemcachedClient client;
    final CircuitBreaker breaker;
    final ServerStats stats = new ServerStats();
    final BreakerObserver breakerObserver;

    private MemcachedNode(int index, ServerEndpoint endpoint, MemcachedClient client, CircuitBreaker breaker) {
        this.index = index;
        this.endpoint = endpoint;
        this.client = client;
        this.breaker = breaker;
        this.breakerObserver = new BreakerObserver(endpoint.name(), breaker);
    }

    static MemcachedNode connect(int index, ServerEndpoint endpoint, LoadProfile profile) throws IOException {
        XMemcachedClientBuilder builder = new XMemcachedClientBuilder(
            List.of(new InetSocketAddress(endpoint.host(), endpoint.port())));
        builder.setName("chaos-" + endpoint.name());
        builder.setConnectionPoolSize(profile.poolSize());
        builder.setOpTimeout(Math.max(1, profile.timeout().toMillis()));
        // A server that is down must not hold the start for xmemcached's default minute.
        builder.setConnectTimeout(Math.max(1000, profile.timeout().toMillis() * 10));
        // Reconnect soon after a connection is dropped (see recycleConnections), well within the
        // breaker's open wait, so half-open probes find a fresh connection.
        builder.setHealSessionInterval(Math.max(100, Math.min(1000, profile.breaker().openFor().toMillis() / 4)));
        SerializingTranscoder transcoder = new SerializingTranscoder(LoadProfile.MAX_VALUE_SIZE + 1024);
        transcoder.setCompressionThreshold(Integer.MAX_VALUE); // random values: compressing only burns CPU
        builder.setTranscoder(transcoder);
        MemcachedClient client = builder.build();
        return new MemcachedNode(index, endpoint, client, CircuitBreaker.of(endpoint.name(), breakerConfig(profile.breaker())));
    }

    static CircuitBreakerConfig breakerConfig(LoadProfile.Breaker s) {
        return CircuitBreakerConfig.custom()
            .failureRateThreshold((float) (s.failureRate() * 100))
            .slowCallRateThreshold((float) (s.slowCallRate() * 100))
            .slowCallDurationThreshold(s.slowCall())
            .waitDurationInOpenState(s.openFor())
            .permittedNumberOfCallsInHalfOpenState(s.halfOpenCalls())
            .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
            .slidingWindowSize(s.window())
            .minimumNumberOfCalls(s.minimumCalls())
            // An open breaker receives no calls (its keys fail over), so nothing else would move it
            // to half-open: let resilience4j do it on a timer, which also keeps the state gauge true.
            .automaticTransitionFromOpenToHalfOpenEnabled(true)
            .build();
    }

    BreakerState state() {
        return toState(breaker.getState());
    }

    static BreakerState toState(CircuitBreaker.State s) {
        return switch (s) {
            case OPEN, FORCED_OPEN -> BreakerState.OPEN;
            case HALF_OPEN -> BreakerState.HALF_OPEN;
            default -> BreakerState.CLOSED;
        };
    }

    /** Open connections to this server. */
    int connectionsTotal() {
        int n = 0;
        for (Session s : sessions()) {
            if (!s.isClosed()) {
                n++;
            }
        }
        return n;
    }

    /** Open connections that carried traffic within xmemcached's session idle timeout. */
    int connectionsActive() {
        int n = 0;
        for (Session s : sessions()) {
            if (!s.isClosed() && !s.isIdle()) {
                n++;
            }
        }
        return n;
    }

    private java.util.Collection<Session> sessions() {
        try {
            var q = client.getConnector().getSessionByAddress(new InetSocketAddress(endpoint.host(), endpoint.port()));
            return q == null ? List.of() : List.copyOf(q);
        } catch (RuntimeException e) {
            return List.of();
        }
    }

    /**
     * Closes this server's connections; xmemcached reconnects in the background. Called when the
     * breaker opens. A fault that swallowed requests leaves commands on the connection that will
     * never be answered, and the text protocol matches answers to commands in order, so a
     * connection that lived through such a fault is not trusted again. This is a precaution:
     * the blackhole test also passes without it (xmemcached copes with its cancelled commands
     * there), but it costs one reconnect per opening.
     */
    void recycleConnections() {
        for (Session s : sessions()) {
            try {
                s.close();
            } catch (RuntimeException ignored) {
                // already closing
            }
        }
    }

    @Override
    public void close() {
        try {
            client.shutdown();
        } catch (IOException | RuntimeException ignored) {
            // closing anyway: nothing useful to report about a client we are discarding
        }
    }
}
