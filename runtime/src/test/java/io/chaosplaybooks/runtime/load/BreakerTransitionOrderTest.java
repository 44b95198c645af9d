package io.chaosplaybooks.runtime.load;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static io.chaosplaybooks.runtime.load.BreakerState.CLOSED;
import static io.chaosplaybooks.runtime.load.BreakerState.HALF_OPEN;
import static io.chaosplaybooks.runtime.load.BreakerState.OPEN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class BreakerTransitionOrderTest {
    private final List<BreakerTransition> out = new ArrayList<>();
    private final BreakerTransitionOrder order = new BreakerTransitionOrder("server-2");

    private static Instant t(long ms) {
        return Instant.ofEpochMilli(1_000_000 + ms);
    }

    private void accept(BreakerState from, BreakerState to, long ms) {
        order.accept(from, to, t(ms), out::add);
    }

    private String chain() {
        return String.join(" ", out.stream().map(e -> e.from() + ">" + e.to()).toList());
    }

    @Test
    void eventsInOrderPassStraightThrough() {
        accept(CLOSED, OPEN, 10);
        accept(OPEN, HALF_OPEN, 20);
        accept(HALF_OPEN, CLOSED, 30);
        assertEquals("CLOSED>OPEN OPEN>HALF_OPEN HALF_OPEN>CLOSED", chain());
        assertEquals(List.of(t(10), t(20), t(30)), out.stream().map(BreakerTransition::at).toList());
    }

    @Test
    void aLatePublisherIsPutBackInPlace() {
        // The timer thread moved the breaker to half-open, then was descheduled; workers made their
        // probe calls and closed it, and published first. Replaying in arrival order would end half-open.
        accept(CLOSED, OPEN, 10);
        accept(HALF_OPEN, CLOSED, 25);
        assertEquals("CLOSED>OPEN", chain(), "the close waits for the half-open it follows");
        accept(OPEN, HALF_OPEN, 27);
        assertEquals("CLOSED>OPEN OPEN>HALF_OPEN HALF_OPEN>CLOSED", chain());
        assertEquals(CLOSED, out.getLast().to());
        List<Instant> times = out.stream().map(BreakerTransition::at).toList();
        assertEquals(List.of(t(10), t(27), t(27)), times, "times never go backwards");
    }

    @Test
    void aChainThatNeverContinuesDoesNotHoldEventsForever() {
        accept(CLOSED, OPEN, 10);
        for (int i = 0; i < 9; i++) {
            accept(HALF_OPEN, OPEN, 20 + i); // never preceded by an OPEN>HALF_OPEN: a lost event
        }
        assertFalse(out.size() < 10, "flushed after too many waited: " + chain());
    }
}
