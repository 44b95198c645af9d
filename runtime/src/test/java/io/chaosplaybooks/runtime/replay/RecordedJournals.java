package io.chaosplaybooks.runtime.replay;

import io.chaosplaybooks.dsl.plan.Direction;
import io.chaosplaybooks.dsl.plan.Fault;
import io.chaosplaybooks.dsl.plan.FaultType;
import io.chaosplaybooks.runtime.events.RunEvent;
import io.chaosplaybooks.runtime.journal.Journal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Journals of runs that did not happen, with lags chosen so that actual and planned times differ. */
final class RecordedJournals {
    private RecordedJournals() {}

    static final Fault LATENCY = new Fault(FaultType.LATENCY, Map.of("latency", 200, "jitter", 0), Direction.DOWNSTREAM, 1.0, null);
    static final Fault LOSS = new Fault(FaultType.PACKET_LOSS, Map.of("rate", 0.05), Direction.BOTH, 1.0, null);
    static final Fault PARTITION = new Fault(FaultType.PACKET_LOSS, Map.of("rate", 1.0), Direction.BOTH, 1.0, null);

    /** Two scenarios at time scale 0.5: latency on server-1, then loss on server-2 and (late, in mid-phase) a partition of server-3. */
    static List<RunEvent> twoScenarios() {
        List<RunEvent> e = new ArrayList<>();
        e.add(new RunEvent.RunStart(RunEvent.SCHEMA, "chaos-aaaaaa", "2026-12-02T12:00:00Z", "synthetic", null, "sha256:0011223344556677",
            "embedded", 7, 0.5, List.of("server-1", "server-2", "server-3"), List.of("127.0.0.1:1", "127.0.0.1:2", "127.0.0.1:3"),
            List.of("127.0.0.1:4", "127.0.0.1:5", "127.0.0.1:6"), "STAND_IN", List.of("lat", "mixed"), "load { clients 7 }", null));
        e.add(new RunEvent.ScenarioStart("lat", 1000, 1002));
        e.add(new RunEvent.PhaseStart("lat", "stabilize", null, 2500, 1000, 1002.5));
        e.add(new RunEvent.PhaseStart("lat", "inject", null, 2500, 3500, 3503));
        e.add(RunEvent.FaultApplied.of("lat", "server-1", LATENCY, 3500, 3504.25));
        e.add(RunEvent.FaultRemoved.of("lat", "server-1", LATENCY, "inject ended", 6000, 6001));
        e.add(new RunEvent.PhaseStart("lat", "recover", null, 4000, 6000, 6001.5));
        e.add(new RunEvent.ScenarioEnd("lat", 10000, 10000.2));
        e.add(new RunEvent.ExpectationResult("lat", 1, "errorRate < 1% during stabilize", true, "< 1.00%", "0.10%", "p.groovy:9:9"));
        e.add(new RunEvent.ExpectationResult("lat", 1, "breaker(server(1)).opened during inject", true, "opened", "opened", "p.groovy:10:9"));
        e.add(new RunEvent.ExpectationResult("lat", 1, "recoveredWithin(3 s)", true, "3 s", "1 s", "p.groovy:11:9"));
        e.add(new RunEvent.Verdict("lat", 1, "pass", List.of(), Map.of()));
        e.add(new RunEvent.ScenarioStart("mixed", 11200, 11230));
        e.add(new RunEvent.PhaseStart("mixed", "stabilize", null, 2000, 11200, 11231));
        e.add(new RunEvent.PhaseStart("mixed", "inject", null, 3000, 13200, 13207));
        e.add(RunEvent.FaultApplied.of("mixed", "server-2", LOSS, 13200, 13209));
        e.add(RunEvent.FaultApplied.of("mixed", "server-3", PARTITION, 14200, 14290));
        e.add(RunEvent.FaultRemoved.of("mixed", "server-3", PARTITION, "inject ended", 15200, 15201));
        e.add(RunEvent.FaultRemoved.of("mixed", "server-2", LOSS, "inject ended", 16200, 16203));
        e.add(new RunEvent.PhaseStart("mixed", "recover", null, 2000, 16200, 16204));
        e.add(new RunEvent.ScenarioEnd("mixed", 18200, 18201));
        e.add(new RunEvent.ExpectationResult("mixed", 1, "p99 < 50 ms during recover", false, "< 50 ms", "80 ms", "p.groovy:20:9"));
        e.add(new RunEvent.Verdict("mixed", 1, "fail", List.of(), Map.of()));
        e.add(new RunEvent.RunEnd(false, 19000));
        return e;
    }

    /**
     * A {@code chaos repl --journal} session: latency on server-1 from 1000 to 3500 ms after the session's start, the load
     * changed by hand to 8 clients at 2200 ms and to 2 clients with a 200 ms timeout at 4800 ms; the session ended at 7500 ms.
     */
    static List<RunEvent> replSession() {
        List<RunEvent> e = new ArrayList<>();
        e.add(new RunEvent.RunStart(RunEvent.SCHEMA, "chaos-bbbbbb", "2026-12-02T12:00:00Z", "repl", null, null, "embedded", 3, 1.0,
            List.of("server-1", "server-2"), List.of("127.0.0.1:1", "127.0.0.1:2"), List.of("127.0.0.1:4", "127.0.0.1:5"), "STAND_IN",
            List.of("repl-session"), "load { clients 4 }", null));
        e.add(new RunEvent.ScenarioStart("repl-session", 500, 500));
        e.add(RunEvent.FaultApplied.of("repl-session", "server-1", LATENCY, 1500, 1500));
        e.add(new RunEvent.LoadChanged("load { clients 8 }", 2700));
        e.add(RunEvent.FaultRemoved.of("repl-session", "server-1", LATENCY, "heal", 4000, 4000));
        e.add(new RunEvent.LoadChanged("load { clients 2; timeout 200.ms }", 5300));
        e.add(new RunEvent.ScenarioEnd("repl-session", 8000, 8000));
        e.add(new RunEvent.RunEnd(false, 8000));
        return e;
    }

    static Path write(Path file, List<RunEvent> events) throws IOException {
        try (Journal j = new Journal(file)) {
            for (RunEvent e : events) j.on(e);
        }
        return file;
    }
}
