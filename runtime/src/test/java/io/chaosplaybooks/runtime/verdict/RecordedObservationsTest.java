package io.chaosplaybooks.runtime.verdict;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class RecordedObservationsTest {
    @Test
    void aServersStateIsItsLastEventUpToTheTimeEvenWhenAnotherServersLaterEventCameFirst() {
        RecordedObservations seen = new RecordedObservations(0);
        seen.add(new BreakerEvent(100, "server-1", "CLOSED", "OPEN"));
        seen.add(new BreakerEvent(300, "server-1", "OPEN", "HALF_OPEN"));   // published a little early
        seen.add(new BreakerEvent(250, "server-2", "CLOSED", "OPEN"));      // ... and this one late
        assertEquals("OPEN", seen.breakerState("server-2", 280));
        assertEquals("OPEN", seen.breakerState("server-1", 280));
        assertEquals("HALF_OPEN", seen.breakerState("server-1", 300));
        assertEquals("CLOSED", seen.breakerState("server-2", 249));
    }
}
