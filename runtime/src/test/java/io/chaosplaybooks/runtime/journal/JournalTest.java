package io.chaosplaybooks.runtime.journal;

import io.chaosplaybooks.runtime.events.RunEvent;
import io.chaosplaybooks.runtime.events.RunEventsDocTest;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JournalTest {
    /** One event of every type, with values that read back as written (whole numbers as Integer). */
    static List<RunEvent> oneOfEach() {
        Map<String, Number> latency = Map.of("latency", 200, "jitter", 0);
        return List.of(
            new RunEvent.RunStart(RunEvent.SCHEMA, "chaos-abc123", "2026-12-02T12:00:00Z", "smoke", "playbooks/smoke.groovy", "sha256:0011223344556677",
                "embedded", 42, 0.1, List.of("server-1"), List.of("127.0.0.1:11211"), List.of("127.0.0.1:20001"), "LOCAL_MEMCACHED", List.of("s"),
                "load { clients 20 }", "earlier.jsonl"),
            new RunEvent.ScenarioStart("s", 250.0, 250.2),
            new RunEvent.PhaseStart("s", "inject", "flap", 5000.0, 250.0, 250.3),
            new RunEvent.FaultApplied("s", "server-1", "latency(200 ms)", "latency", latency, "downstream", 1.0, 250.0, 250.4),
            new RunEvent.ActionFailed("s", "inject down() on server-2: server unreachable", 250.5),
            new RunEvent.FaultRemoved("s", "server-1", "latency(200 ms)", "latency", latency, "downstream", 1.0, "inject ended", 5250.0, 5250.7),
            new RunEvent.BreakerChange("server-1", "CLOSED", "OPEN", 1200.5),
            loadSecond(),
            new RunEvent.Paused("control API", 3000.0),
            new RunEvent.Resumed("control API", 3500.0),
            new RunEvent.ServerLost("server-2", "127.0.0.1:11212", "connection refused", 3600.25),
            new RunEvent.LoadChanged("load { clients 20 }", 3700.5),
            new RunEvent.ProbeSample("s", "http(\"http://127.0.0.1:8080/health\")", null, 200, 3.25, Map.of("ok", true), null, 3700.5),
            new RunEvent.ScenarioAborted("s", "abortWhen", "errorRate > 50%", "measured 80.00%", "p.groovy:6:5", 4000.0, 4100.5, 4150.25),
            new RunEvent.ScenarioEnd("s", 10250.0, 10250.9),
            new RunEvent.ExpectationResult("s", 1, "errorRate < 1% during stabilize", true, "< 1.00%", "0.00%", "p.groovy:3:5"),
            new RunEvent.Verdict("s", 1, "pass", List.of(), Map.of("operations", 1000)),
            new RunEvent.RunStopped("SIGINT", "interrupted", 10300.0),
            new RunEvent.RunEnd(true, 10400.5));
    }

    static RunEvent.LoadSecond loadSecond() {
        Histogram h = new Histogram(3);
        h.recordValue(1500 * 1000L);
        h.recordValue(800 * 1000L);
        var w = new io.chaosplaybooks.runtime.load.LoadWindow(java.time.Instant.EPOCH.plusSeconds(1), java.time.Instant.EPOCH.plusSeconds(2),
            new io.chaosplaybooks.runtime.load.ServerWindow("all", 2, 1, 0, 0, 0, 0, 0, 0, null, null),
            List.of(new io.chaosplaybooks.runtime.load.ServerWindow("server-1", 2, 1, 0, 0, 0, 0, 0, 0, null,
                io.chaosplaybooks.runtime.load.BreakerState.HALF_OPEN)), h);
        return RunEvent.LoadSecond.of(w, java.time.Instant.EPOCH);
    }

    @Test
    void everyEventTypeReadsBackAsTheRecordWritten(@TempDir Path dir) throws Exception {
        List<RunEvent> events = oneOfEach();
        assertEquals(new java.util.HashSet<>(RunEventsDocTest.eventTypes()), events.stream().map(Object::getClass).collect(java.util.stream.Collectors.toSet()),
            "one of each type");
        assertEquals(RunEventsDocTest.eventTypes().size(), events.size());
        Path file = dir.resolve("run.jsonl");
        try (Journal j = new Journal(file)) {
            events.forEach(j::on);
        }
        assertEquals(events, Journal.read(file));
        List<String> lines = Files.readAllLines(file);
        assertTrue(lines.get(0).startsWith("{\"event\":\"run-start\",\"schema\":2,"), lines.get(0));
        assertTrue(lines.get(1).endsWith("\"lagMs\":0.2}"), "timed events say how late they were: " + lines.get(1));
    }

    @Test
    void aSecondKeepsItsLatencyHistogramForTheVerdict() {
        RunEvent.LoadSecond s = loadSecond();
        assertEquals(1000.0, s.startMs());
        assertEquals(2000.0, s.endMs());
        assertEquals("half_open", s.servers().get("server-1").breaker());
        Histogram micros = s.histogram();
        assertEquals(2, micros.getTotalCount());
        assertEquals(1500, micros.getValueAtPercentile(100), 2);
        assertEquals(800, micros.getValueAtPercentile(0), 1);
    }

    @Test
    void aSchemaOneJournalReadsAsTodaysEvents() throws Exception {
        List<RunEvent> events = Journal.read(Path.of(getClass().getResource("/journals/smoke-schema1.jsonl").toURI()));
        RunEvent.RunStart start = (RunEvent.RunStart) events.get(0);
        assertEquals(null, start.schema(), "schema 1 had no schema field");
        assertEquals(List.of("server-1", "server-2", "server-3"), start.serverNames());
        // The verdict's results come out as expectation events just before it.
        int verdict = 0;
        while (!(events.get(verdict) instanceof RunEvent.Verdict)) verdict++;
        List<RunEvent> results = events.subList(verdict - 4, verdict);
        assertTrue(results.stream().allMatch(e -> e instanceof RunEvent.ExpectationResult r && r.scenario().equals("smoke-latency")), results.toString());
        assertEquals(new RunEvent.ExpectationResult("smoke-latency", 1, "breaker(server(1)).opened during inject", false, "opened",
            "server-1: never opened (state CLOSED)", "playbooks/smoke.groovy:22:9"), results.get(1));
        assertEquals(3, events.stream().filter(e -> e instanceof RunEvent.Verdict).count());
    }

    @Test
    void eventsOfANewerToolAreLeftOutAndBadLinesNamed(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("j.jsonl");
        Files.writeString(file, "{\"event\":\"run-end\",\"interrupted\":false,\"durationMs\":5.0}\n{\"event\":\"probe-result\",\"x\":1}\n");
        assertEquals(List.of(new RunEvent.RunEnd(false, 5.0)), Journal.read(file));
        Files.writeString(file, "{\"event\":\"run-end\",\"interrupted\":false}\n{\"event\":\"breaker\",\"actualMs\":\"soon\"}\n");
        JournalException e = org.junit.jupiter.api.Assertions.assertThrows(JournalException.class, () -> Journal.read(file));
        assertTrue(e.getMessage().startsWith(file + ":2: not a journal event ("), e.getMessage());
    }
}
