package io.chaosplaybooks.runtime.serve;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RunIndexTest {
    static RunRecord record(String id, String state, Instant start) {
        return new RunRecord(id, "p", "p.groovy", List.of("s"), "api", state, start.toString(),
            state.equals("running") ? null : start.plusSeconds(1).toString(), null, null, Map.of());
    }

    @Test
    void keepsTheNewestRunsAndDeletesTheOldestOnesDirectories(@TempDir Path dir) throws Exception {
        List<String> log = new ArrayList<>();
        RunIndex index = new RunIndex(dir, 2, log::add);
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        for (int i = 1; i <= 3; i++) {
            Files.createDirectories(index.dirOf("r" + i));
            Files.writeString(index.dirOf("r" + i).resolve("journal.jsonl"), "{}");
            index.put(record("r" + i, "passed", t.plusSeconds(i)));
        }
        assertEquals(List.of("r3", "r2"), index.newestFirst().stream().map(RunRecord::id).toList());
        assertFalse(Files.exists(index.dirOf("r1")), "the pruned run's files are deleted");
        assertTrue(Files.exists(index.dirOf("r2")));
        assertEquals(List.of(), log);
    }

    @Test
    void aRunStillMarkedRunningWhenReadAgainBecameAnErrorAndTheOrderIsByStart(@TempDir Path dir) throws Exception {
        RunIndex index = new RunIndex(dir, 10, line -> {});
        // Instant.toString drops a zero fraction: "…:04.500Z" is after "…:04Z" although it sorts before it as text.
        index.put(record("later", "running", Instant.parse("2026-01-01T00:00:04.500Z")));
        index.put(record("earlier", "failed", Instant.parse("2026-01-01T00:00:04Z")));
        RunIndex again = new RunIndex(dir, 10, line -> {});
        List<RunRecord> runs = again.newestFirst();
        assertEquals(List.of("later", "earlier"), runs.stream().map(RunRecord::id).toList());
        assertEquals("error", runs.get(0).state());
        assertTrue(runs.get(0).reason().contains("the server ended during the run"), runs.get(0).reason());
        assertEquals("failed", runs.get(1).state());
    }

    @Test
    void aDamagedIndexIsKeptAsideAndTheHistoryStartsAgain(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("runs"));
        Files.writeString(dir.resolve("runs/index.json"), "[{\"id\": ");
        List<String> log = new ArrayList<>();
        RunIndex index = new RunIndex(dir, 10, log::add);
        assertEquals(List.of(), index.newestFirst());
        assertEquals(1, log.size(), log.toString());
        try (var s = Files.list(dir.resolve("runs"))) {
            assertTrue(s.anyMatch(p -> p.getFileName().toString().startsWith("index.json.damaged-")));
        }
    }
}
