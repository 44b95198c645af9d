package io.chaosplaybooks.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.chaosplaybooks.cli.ReportIT.chaos;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Record a run (or a REPL session), replay it at another speed on the embedded engine, write it as a playbook, compare runs:
 * all through bin/chaos.
 */
class ReplayIT {
    static final ObjectMapper JSON = new ObjectMapper();

    static final String PLAYBOOK = """
        playbook "tiny" {
            servers 2
            load { clients 8; timeout 200.ms }
            scenario "tiny" {
                stabilize 2.s
                inject latency(50.ms) on server(2) for 2.s
                recover 2.s
                expect errorRate < 50.percent during stabilize
                expect p99 < 5.s during inject
            }
        }
        """;

    /** (fault, server, ms from the scenario's planned start: its deadlines' origin) of each fault-applied and fault-removed, in order. */
    static List<Object[]> faults(Path journal) throws Exception {
        List<Object[]> out = new ArrayList<>();
        double start = 0;
        for (String line : Files.readAllLines(journal)) {
            JsonNode e = JSON.readTree(line);
            String type = e.path("event").asText();
            if (type.equals("scenario-start")) start = e.path("plannedMs").asDouble();
            if (type.equals("fault-applied") || type.equals("fault-removed")) {
                out.add(new Object[] {type + " " + e.path("fault").asText() + " " + e.path("server").asText(), e.path("actualMs").asDouble() - start});
            }
        }
        return out;
    }

    @Test
    void aRecordedRunReplaysAtTwiceTheSpeedWithVerdictsAndComparesWithItsBaseline(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("tiny.groovy"), PLAYBOOK);
        var run = chaos(dir, List.of(), "run", "tiny.groovy", "--journal", "base.jsonl", "--metrics-port", "0", "-q");
        assertTrue(run.exit() == 0 || run.exit() == 1, run.out());

        var replay = chaos(dir, List.of(), "replay", "base.jsonl", "--speed", "2", "--journal", "replay.jsonl", "--metrics-port", "0");
        assertTrue(replay.exit() == 0 || replay.exit() == 1, replay.out());
        assertTrue(replay.out().contains("Replaying base.jsonl"), replay.out());
        JsonNode start = JSON.readTree(Files.readAllLines(dir.resolve("replay.jsonl")).get(0));
        assertEquals("base.jsonl", start.path("replayOf").asText());
        assertEquals(0.5, start.path("timeScale").asDouble(), 1e-9);
        List<Object[]> recorded = faults(dir.resolve("base.jsonl"));
        List<Object[]> replayed = faults(dir.resolve("replay.jsonl"));
        assertEquals(2, recorded.size());
        assertEquals(recorded.stream().map(x -> x[0]).toList(), replayed.stream().map(x -> x[0]).toList(), "the same faults in the same order");
        for (int i = 0; i < recorded.size(); i++) {
            // Generous: the machine is shared; what matters is half the recorded offset, not the recorded one (2000 ms vs 1000 ms).
            assertEquals((double) recorded.get(i)[1] / 2, (double) replayed.get(i)[1], 150.0, "offset of " + recorded.get(i)[0]);
        }
        String replayJournal = Files.readString(dir.resolve("replay.jsonl"));
        assertTrue(replayJournal.contains("\"event\":\"expectation\"") && replayJournal.contains("\"event\":\"verdict\""), "judged again");

        // As a playbook: it validates.
        var written = chaos(dir, List.of(), "replay", "base.jsonl", "--to-playbook", "recorded.groovy");
        assertEquals(0, written.exit(), written.out());
        assertEquals(0, chaos(dir, List.of(), "validate", "recorded.groovy").exit());

        // Against its own journal with wide thresholds: no regression. Against a baseline that did 100 times the throughput: exit 1.
        var same = chaos(dir, List.of(), "run", "tiny.groovy", "--baseline", "base.jsonl", "--threshold",
            "throughput=-95%,p99=+100000%,errorRate=+100pt,recovery=+600s", "--metrics-port", "0", "-q");
        assertTrue(same.exit() == 0 || same.out().contains("FAIL"), same.out());
        assertTrue(same.out().contains("Compared with the baseline base.jsonl"), same.out());
        List<String> inflated = new ArrayList<>();
        for (String line : Files.readAllLines(dir.resolve("base.jsonl"))) {
            JsonNode e = JSON.readTree(line);
            if (e.path("event").asText().equals("load-second")) {
                ((ObjectNode) e).put("operations", e.path("operations").asLong() * 100).put("opsPerSecond", e.path("opsPerSecond").asDouble() * 100);
            }
            inflated.add(JSON.writeValueAsString(e));
        }
        Files.write(dir.resolve("fast-base.jsonl"), inflated);
        var slower = chaos(dir, List.of(), "run", "tiny.groovy", "--baseline", "fast-base.jsonl", "--metrics-port", "0", "-q");
        assertEquals(1, slower.exit(), slower.out());
        assertTrue(slower.out().contains("throughput") && slower.out().contains("REGRESSION"), slower.out());

        // chaos diff: the same journal twice, no regression; the inflated baseline, exit 1; html written.
        assertEquals(0, chaos(dir, List.of(), "diff", "base.jsonl", "base.jsonl").exit());
        var diff = chaos(dir, List.of(), "diff", "fast-base.jsonl", "base.jsonl", "-o", "diff.html", "--format", "json");
        assertEquals(1, diff.exit(), diff.out());
        assertTrue(Files.readString(dir.resolve("diff.html")).contains("<svg"));
        // Different time scales: not comparable unless --force.
        var unfair = chaos(dir, List.of(), "diff", "base.jsonl", "replay.jsonl");
        assertEquals(2, unfair.exit(), unfair.out());
        assertTrue(unfair.out().contains("different time scales"), unfair.out());
    }

    /** (load as written, ms from the scenario's planned start) of each load-changed, in order. */
    static List<Object[]> loadChanges(Path journal) throws Exception {
        List<Object[]> out = new ArrayList<>();
        double start = 0;
        for (String line : Files.readAllLines(journal)) {
            JsonNode e = JSON.readTree(line);
            String type = e.path("event").asText();
            if (type.equals("scenario-start")) start = e.path("plannedMs").asDouble();
            if (type.equals("load-changed")) out.add(new Object[] {e.path("load").asText(), e.path("actualMs").asDouble() - start});
        }
        return out;
    }

    @Test
    void aRecordedReplSessionReplaysItsLoadChangeAtItsTime(@TempDir Path dir) throws Exception {
        Path console = dir.resolve("repl.txt");
        Process p = ReplIT.start(dir, console, "--journal", "session.jsonl");
        try (OutputStream in = p.getOutputStream()) {
            in.write("""
                inject latency(20.ms) on server(1) for 1.s
                wait 2.s
                load { clients 3 }
                wait 2.s
                """.getBytes(StandardCharsets.UTF_8));
        }
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the session ends at the end of its input");
        assertEquals(0, p.exitValue(), Files.readString(console));
        List<Object[]> recorded = loadChanges(dir.resolve("session.jsonl"));
        assertEquals(1, recorded.size(), Files.readString(dir.resolve("session.jsonl")));
        assertEquals("load { clients 3 }", recorded.get(0)[0]);

        var replay = chaos(dir, List.of(), "replay", "session.jsonl", "--journal", "replay.jsonl", "--metrics-port", "0");
        assertTrue(replay.exit() == 0 || replay.exit() == 1, replay.out());
        assertFalse(replay.out().contains("not replayed"), replay.out());
        List<Object[]> replayed = loadChanges(dir.resolve("replay.jsonl"));
        assertEquals(1, replayed.size(), Files.readString(dir.resolve("replay.jsonl")));
        assertEquals("load { clients 3 }", replayed.get(0)[0]);
        // Generous: the machine is shared; the recorded change came about 3 s (a wait of 2 s and its judging) into the session.
        assertEquals((double) recorded.get(0)[1], (double) replayed.get(0)[1], 500.0, "offset of the load change");
        String journal = Files.readString(dir.resolve("replay.jsonl"));
        assertFalse(journal.contains("\"event\":\"action-failed\""), "the load engine restarted with the new profile:\n" + journal);
        // Seconds of load were measured after the change: the new engine ran.
        double changedAt = JSON.readTree(journal.lines().filter(l -> l.contains("\"event\":\"load-changed\"")).findFirst().orElseThrow())
            .path("actualMs").asDouble();
        assertTrue(journal.lines().map(l -> {
            try {
                return JSON.readTree(l);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).anyMatch(e -> e.path("event").asText().equals("load-second") && e.path("startMs").asDouble() > changedAt
            && e.path("operations").asLong() > 0), journal);

        // As a playbook: the load change is a comment line, and the console says so.
        var written = chaos(dir, List.of(), "replay", "session.jsonl", "--to-playbook", "session.groovy");
        assertEquals(0, written.exit(), written.out());
        assertTrue(written.out().contains("1 load change made during the recording is written as comment only"), written.out());
        assertTrue(Files.readString(dir.resolve("session.groovy")).contains("the load was changed to load { clients 3 }"));
        assertEquals(0, chaos(dir, List.of(), "validate", "session.groovy").exit());
    }

    @Test
    void aJournalThatCannotBeReplayedIsExit2BeforeAnythingStarts(@TempDir Path dir) throws Exception {
        List<String> lines = Files.readAllLines(ReportIT.ROOT.resolve("runtime/src/test/resources/journals/smoke-schema1.jsonl"));
        Files.write(dir.resolve("cut.jsonl"), lines.subList(0, lines.size() / 2));
        var cut = chaos(dir, List.of(), "replay", "cut.jsonl", "--metrics-port", "0");
        assertEquals(2, cut.exit(), cut.out());
        assertTrue(cut.out().contains("cut short") && cut.out().contains("nothing was replayed"), cut.out());
        assertTrue(!cut.out().contains("Running") && !cut.out().contains("Exception"), cut.out());

        var fewer = chaos(dir, List.of(), "replay", ReportIT.ROOT.resolve("runtime/src/test/resources/journals/smoke-schema1.jsonl").toString(),
            "--servers", "127.0.0.1:1", "--metrics-port", "0");
        assertEquals(2, fewer.exit(), fewer.out());
        assertTrue(fewer.out().contains("--servers gives 1"), fewer.out());

        List<String> newer = new ArrayList<>(lines);
        newer.set(0, newer.get(0).replace("{\"event\":\"run-start\",", "{\"event\":\"run-start\",\"schema\":9,"));
        Files.write(dir.resolve("newer.jsonl"), newer);
        var n = chaos(dir, List.of(), "replay", "newer.jsonl", "--metrics-port", "0");
        assertEquals(2, n.exit(), n.out());
        assertTrue(n.out().contains("newer chaos (journal schema 9"), n.out());
    }
}
