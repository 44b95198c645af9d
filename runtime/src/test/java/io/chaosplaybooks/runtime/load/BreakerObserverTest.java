package io.chaosplaybooks.runtime.load;

import io.chaosplaybooks.dsl.plan.LoadProfile;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BreakerObserverTest {
    private final CircuitBreaker breaker = CircuitBreaker.of("server-1", CircuitBreakerConfig.custom()
        .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
        .slidingWindowSize(10).minimumNumberOfCalls(5).failureRateThreshold(50)
        .permittedNumberOfCallsInHalfOpenState(1) // one probe per half-open: many short rounds
        .waitDurationInOpenState(Duration.ofMillis(20))
        .build());
    private final List<BreakerTransition> out = Collections.synchronizedList(new ArrayList<>());
    private final BreakerObserver observer = new BreakerObserver("server-1", breaker);

    private String chain() {
        synchronized (out) {
            return String.join(" ", out.stream().map(e -> e.from() + ">" + e.to()).toList());
        }
    }

    @Test
    void aChangeIsPassedOnOnceAtTheFirstLookAfterIt() {
        observer.look(out::add);
        assertEquals("", chain(), "nothing changed");
        breaker.transitionToOpenState();
        observer.look(out::add);
        observer.look(out::add);
        assertEquals("CLOSED>OPEN", chain());
        assertEquals("server-1", out.getFirst().server());
    }

    @Test
    void aStepNotSeenIsFilledInFromTheWayResilience4jMoves() {
        breaker.transitionToOpenState();
        breaker.transitionToHalfOpenState();
        observer.look(out::add);
        assertEquals("CLOSED>OPEN OPEN>HALF_OPEN", chain());
        breaker.transitionToOpenState();
        observer.look(out::add);
        breaker.transitionToHalfOpenState();
        breaker.transitionToClosedState();
        observer.look(out::add);
        assertEquals("CLOSED>OPEN OPEN>HALF_OPEN HALF_OPEN>OPEN OPEN>HALF_OPEN HALF_OPEN>CLOSED", chain());
    }

    @Test
    void theObserverAsksResilience4jForNoEvents() {
        // An event consumer makes resilience4j build an event for every call: the cost this class avoids.
        breaker.onSuccess(1, TimeUnit.MILLISECONDS);
        observer.look(out::add);
        assertTrue(!((io.github.resilience4j.core.EventProcessor<?>) breaker.getEventPublisher()).hasConsumers());
    }

    @Test
    void workersThatLookAsTheEngineDoesSeeEveryRoundTheBreakerMakes() throws Exception {
        // Eight threads drive the breaker as the engine's workers do (permission, look, call, record,
        // look), with failures in bursts, so it goes round closed -> open -> half-open -> open/closed
        // many times. The truth is resilience4j's own events (a consumer the engine does not register):
        // the observer must report as many changes of each kind, as one chain, ending where the breaker is.
        List<String> truth = Collections.synchronizedList(new ArrayList<>());
        breaker.getEventPublisher().onStateTransition(e -> truth.add(
            MemcachedNode.toState(e.getStateTransition().getFromState()) + ">" + MemcachedNode.toState(e.getStateTransition().getToState())));
        int threads = 8;
        CountDownLatch done = new CountDownLatch(threads);
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(600);
        for (int t = 0; t < threads; t++) {
            long seed = t;
            Thread.ofPlatform().daemon().start(() -> {
                SplittableRandom random = new SplittableRandom(seed);
                try {
                    while (System.nanoTime() < until) {
                        boolean failing = (System.nanoTime() / TimeUnit.MILLISECONDS.toNanos(50)) % 2 == 0;
                        boolean permitted = breaker.tryAcquirePermission();
                        observer.look(out::add);
                        if (!permitted) {
                            Thread.onSpinWait();
                            continue;
                        }
                        if (failing && random.nextInt(10) < 8) {
                            breaker.onError(1, TimeUnit.MILLISECONDS, new RuntimeException("down"));
                        } else {
                            breaker.onSuccess(1, TimeUnit.MILLISECONDS);
                        }
                        observer.look(out::add);
                    }
                } finally {
                    done.countDown();
                }
            });
        }
        assertTrue(done.await(10, TimeUnit.SECONDS));
        observer.look(out::add);
        List<BreakerTransition> events;
        synchronized (out) {
            events = List.copyOf(out);
        }
        assertTrue(events.size() >= 6, "the breaker went round several times: " + chain());
        BreakerState state = BreakerState.CLOSED;
        java.time.Instant last = java.time.Instant.MIN;
        for (BreakerTransition e : events) {
            assertEquals(state, e.from(), "a chain without gaps: " + chain());
            assertTrue(!e.at().isBefore(last), "times never go backwards");
            state = e.to();
            last = e.at();
        }
        assertEquals(MemcachedNode.toState(breaker.getState()), state);
        java.util.Map<String, Long> seen = events.stream().collect(java.util.stream.Collectors.groupingBy(
            e -> e.from() + ">" + e.to(), java.util.TreeMap::new, java.util.stream.Collectors.counting()));
        java.util.Map<String, Long> happened;
        synchronized (truth) {
            happened = truth.stream().collect(java.util.stream.Collectors.groupingBy(
                k -> k, java.util.TreeMap::new, java.util.stream.Collectors.counting()));
        }
        assertEquals(happened, seen, "every change resilience4j made, seen once");
    }

    @Test
    void theEnginesBreakerConfigurationKeepsTheStatesTheObserverKnows() {
        CircuitBreakerConfig config = MemcachedNode.breakerConfig(LoadProfile.defaults(io.chaosplaybooks.dsl.plan.SourcePos.UNKNOWN).breaker());
        assertTrue(config.isAutomaticTransitionFromOpenToHalfOpenEnabled(),
            "open -> half-open on resilience4j's timer: the window thread's look catches it without calls");
    }
}
