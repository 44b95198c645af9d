package io.chaosplaybooks.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static io.chaosplaybooks.cli.ListCommandTest.runAsAProcessWould;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** chaos schedule next, and the schedules chaos list and chaos run --dry-run show. */
class ScheduleCommandTest {
    @Test
    void nextPrintsTheTimesAndTheDescription() {
        var r = runAsAProcessWould("schedule", "next", "0 3 * * MON-FRI", "-n", "3", "--zone", "Europe/Paris",
            "--after", "2026-12-02T15:00:00Z");
        assertEquals(ExitCodes.OK, r.exitCode(), r.err());
        assertEquals(List.of(
            "0 3 * * MON-FRI  (unix, Europe/Paris)",
            "at 03:00 every day between Monday and Friday",
            "  Thu 2026-12-03 03:00:00 +01:00",
            "  Fri 2026-12-04 03:00:00 +01:00",
            "  Mon 2026-12-07 03:00:00 +01:00"), r.out().lines().toList());
    }

    @Test
    void quartzWithSecondsAndTheDefaultOfFive() {
        var r = runAsAProcessWould("schedule", "next", "*/20 * * * * ?", "--syntax", "quartz", "--zone", "UTC",
            "--after", "2026-12-02T15:00:00Z");
        assertEquals(ExitCodes.OK, r.exitCode(), r.err());
        var lines = r.out().lines().toList();
        assertEquals("every 20 seconds", lines.get(1));
        assertEquals(List.of("  Wed 2026-12-02 15:00:20 +00:00", "  Wed 2026-12-02 15:00:40 +00:00", "  Wed 2026-12-02 15:01:00 +00:00",
            "  Wed 2026-12-02 15:01:20 +00:00", "  Wed 2026-12-02 15:01:40 +00:00"), lines.subList(2, lines.size()));
    }

    @Test
    void aBadExpressionExitsTwoWithACaretUnderTheWrongPart() {
        var r = runAsAProcessWould("schedule", "next", "0 3 * * MON-FRY");
        assertEquals(ExitCodes.INVALID, r.exitCode());
        assertEquals(List.of(
            "chaos: bad schedule: day of week field 'MON-FRY': invalid characters 'FRY'",
            "  0 3 * * MON-FRY",
            "              ^"), r.err().lines().toList());
        assertEquals("", r.out());

        var never = runAsAProcessWould("schedule", "next", "0 0 30 2 *");
        assertEquals(ExitCodes.INVALID, never.exitCode());
        assertTrue(never.err().contains("never fires"), never.err());

        var zone = runAsAProcessWould("schedule", "next", "0 3 * * *", "--zone", "Europe/Pariss");
        assertEquals(ExitCodes.INVALID, zone.exitCode());
        assertTrue(zone.err().contains("did you mean 'Europe/Paris'?"), zone.err());
    }

    @Test
    void helpTeachesWithExamples() {
        var r = runAsAProcessWould("schedule", "next", "--help");
        assertEquals(ExitCodes.OK, r.exitCode());
        assertTrue(r.out().contains("chaos schedule next \"0 */10 * * * ?\" --syntax quartz"), r.out());
        assertTrue(r.out().contains("schedule \"0 3 * * MON-FRI\", zone: \"Europe/Paris\""), r.out());
    }

    @Test
    void listAndDryRunShowEachScheduleWithThreeFireTimes(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("nightly.groovy");
        Files.writeString(f, """
            playbook "nightly" {
                schedule "0 3 * * MON-FRI", zone: "Europe/Paris"
                scenario "blip" {
                    schedule "0 */10 * * * ?", syntax: "quartz", zone: "UTC"
                    stabilize 1.s
                }
                scenario "past" {
                    once at: "2020-01-15T03:00", zone: "UTC"
                    stabilize 1.s
                }
            }
            """);
        var list = runAsAProcessWould("list", f.toString());
        assertEquals(ExitCodes.OK, list.exitCode(), list.err());
        assertTrue(list.out().contains("schedule nightly/*/1: 0 3 * * MON-FRI  (Europe/Paris)\n      at 03:00 every day between Monday and Friday\n      next: "),
            list.out());
        assertTrue(list.out().contains("schedule nightly/blip/1: 0 */10 * * * ? (quartz)  (UTC)\n          every 10 minutes\n          next: "), list.out());
        assertTrue(list.out().contains("next: Wed 2020-01-15 03:00:00 +00:00 (past)"), list.out());
        String next = list.out().lines().filter(l -> l.contains("next: ")).findFirst().orElseThrow();
        assertEquals(3, next.split(", ").length, next);

        var json = runAsAProcessWould("list", "--format", "json", f.toString());
        assertTrue(json.out().contains("\"id\" : \"nightly/blip/1\"") || json.out().contains("\"id\":\"nightly/blip/1\""), json.out());

        var dry = runAsAProcessWould("run", "--dry-run", "--scenario", "blip", f.toString());
        assertEquals(ExitCodes.OK, dry.exitCode(), dry.err());
        assertTrue(dry.out().contains("schedule nightly/*/1: "), dry.out());
        assertTrue(dry.out().contains("schedule nightly/blip/1: "), dry.out());
        assertTrue(!dry.out().contains("nightly/past/1"), "only the scenarios selected: " + dry.out());
    }
}
