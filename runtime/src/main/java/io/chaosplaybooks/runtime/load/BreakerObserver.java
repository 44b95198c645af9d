package io.chaosplaybooks.runtime.load;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Follows one breaker's state by looking at it, instead of asking resilience4j for events.
 *
 * <p>Why: once any consumer is registered on a resilience4j breaker, it builds an event object (with
 * a time-zone clock read) for every call, success or not; that was about 2 % of the load engine's
 * CPU. The engine looks at the state after each permission request and after each recorded call
 * (two volatile reads), and its window thread once a second for breakers that get no calls.
 *
 * <p>Why this sees every transition the engine's breakers make: every change but open → half-open
 * happens inside a worker's call, and that worker looks right after it. A breaker leaves half-open
 * only when its permitted calls end, and each of those workers looked after its permission, while
 * the breaker was still half-open, so an open → half-open → open round is seen. The change to
 * half-open is made by resilience4j's timer; the next permission request on that breaker sees it
 * (microseconds while load runs), the window thread within a second otherwise. Should a step still
 * be skipped (CLOSED seen straight after OPEN, say), the one state between them is filled in:
 * resilience4j moves only closed → open → half-open → closed or open.
 */
final class BreakerObserver {
    private final CircuitBreaker breaker;
    /** A new object at each change, so a look that read an older one cannot win a compare-and-set after a round trip. */
    private record Seen(BreakerState state) {}

    private final AtomicReference<Seen> seen = new AtomicReference<>(new Seen(BreakerState.CLOSED));
    private final BreakerTransitionOrder order;

    BreakerObserver(String server, CircuitBreaker breaker) {
        this.breaker = breaker;
        this.order = new BreakerTransitionOrder(server);
    }

    /** Passes on, in order, the transitions since the last look (usually none). */
    void look(Consumer<BreakerTransition> publish) {
        // What was seen first, the breaker second: then `now` is never older than `before`, and a
        // look that read the breaker before another look's change cannot pass on a stale state.
        Seen last = seen.get();
        BreakerState before = last.state();
        BreakerState now = MemcachedNode.toState(breaker.getState());
        if (now == before || !seen.compareAndSet(last, new Seen(now))) {
            return; // unchanged, or another look passed a change on meanwhile (it or a later look covers this one)
        }
        Instant at = Instant.now();
        BreakerState between = skipped(before, now);
        if (between != null) {
            order.accept(before, between, at, publish);
            order.accept(between, now, at, publish);
        } else {
            order.accept(before, now, at, publish);
        }
    }

    /** The state resilience4j must have passed through from {@code from} to {@code to}, or null if none. */
    private static BreakerState skipped(BreakerState from, BreakerState to) {
        if (from == BreakerState.CLOSED && to == BreakerState.HALF_OPEN) {
            return BreakerState.OPEN;
        }
        if (from == BreakerState.OPEN && to == BreakerState.CLOSED) {
            return BreakerState.HALF_OPEN;
        }
        return null;
    }
}
