package io.chaosplaybooks.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CommandLineTest {
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    @Test
    void helpListsEveryCommandAndTheExitCodes() {
        var r = CliRunner.run("--help");
        assertEquals(0, r.exitCode());
        for (String word : new String[] {"run", "validate", "list", "Exit codes", "packet-loss-10"}) {
            assertTrue(r.out().contains(word), "help mentions " + word + ":\n" + r.out());
        }
    }

    @Test
    void failuresBecomeExitCodesInOnePlace() {
        assertEquals(ExitCodes.INVALID, ChaosCommand.exitCodeFor(new UserFacingException.Invalid("bad")));
        assertEquals(ExitCodes.RUNTIME_ERROR, ChaosCommand.exitCodeFor(new UserFacingException.Failed("down")));
        assertEquals(ExitCodes.RUNTIME_ERROR, ChaosCommand.exitCodeFor(new io.chaosplaybooks.runtime.run.RunException("unreachable", null)));
        assertEquals(ExitCodes.INTERRUPTED, ChaosCommand.exitCodeFor(new Interruptible.Stopped("SIGINT")));
        assertEquals(ExitCodes.RUNTIME_ERROR, ChaosCommand.exitCodeFor(new IllegalStateException("a bug")));
        assertEquals(ExitCodes.INVALID, Main.run("run", "--no-such-option"), "a parameter error goes through the same mapper");
    }

    @Test
    void everyCommandHasHelpWithAnExample() {
        for (String cmd : new String[] {"run", "validate", "list"}) {
            var r = CliRunner.run(cmd, "--help");
            assertEquals(0, r.exitCode(), cmd);
            assertTrue(r.out().contains("Examples:"), cmd + " --help has examples:\n" + r.out());
        }
    }

    @Test
    void versionPrintsTheToolAndTheJvm() {
        var r = CliRunner.run("--version");
        assertEquals(0, r.exitCode());
        assertTrue(r.out().startsWith("chaos "), r.out());
    }

    @Test
    void unknownCommandIsAUsageErrorWithASuggestion() {
        var r = CliRunner.run("validat", "x");
        assertEquals(ExitCodes.INVALID, r.exitCode());
        assertTrue(r.err().contains("validate"), r.err());
    }

    @Test
    void shippedPlaybooksAndLibraryValidate() {
        var r = CliRunner.run("validate", ROOT.resolve("playbooks").toString(), ROOT.resolve("stdlib-scenarios").toString());
        assertEquals(0, r.exitCode(), r.out() + r.err());
        assertTrue(r.out().contains("valid"), r.out());
    }

    @Test
    void validateReportsEveryProblemWithPositionAndCaretThenCountsThem(@TempDir Path dir) throws IOException {
        Path bad = dir.resolve("bad.groovy");
        Files.writeString(bad, """
            scenario "a" {
              stabilize 30.s
              inject packetLoss(1.5) on server(4) for 1.min
              recovr 60.s
            }
            """);
        Path good = dir.resolve("good.groovy");
        Files.writeString(good, "scenario \"b\" { stabilize 30.s; inject packetLoss(0.1) on server(1) for 1.min; recover 60.s }\n");
        var r = CliRunner.run("validate", dir.toString());
        assertEquals(ExitCodes.INVALID, r.exitCode());
        String out = r.out();
        assertTrue(out.contains(bad + ":3:10: packetLoss rate must be between 0 and 1"), out);
        assertTrue(out.contains(bad + ":3:29: server(4) does not exist"), out);
        assertTrue(out.contains(bad + ":4:3: unknown word 'recovr'") && out.contains("did you mean 'recover'"), out);
        assertTrue(out.contains("\n           ^"), "caret under column 10:\n" + out);
        assertTrue(out.contains("3 problems in 1 of 2 files"), out);
        assertFalse(out.contains("Exception"), out);
    }

    @Test
    void validateReportsManyFilesInTheirOrderWhicheverThreadReadThem(@TempDir Path dir) throws IOException {
        StringBuilder expected = new StringBuilder();
        for (int i = 1; i <= 9; i++) {
            Path f = dir.resolve("p" + i + ".groovy");
            // Odd files are good, even ones each have one problem naming the file's number.
            Files.writeString(f, i % 2 == 1 ? "scenario \"s" + i + "\" { stabilize 1.s }\n" : "scenario \"s" + i + "\" { stabilize " + i + "0 }\n");
            if (i % 2 == 0) expected.append(f).append(":1:");
        }
        var r = CliRunner.run("validate", dir.toString());
        assertEquals(ExitCodes.INVALID, r.exitCode());
        String positions = r.out().lines().filter(l -> l.startsWith(dir.toString())).map(l -> l.substring(0, l.indexOf(":1:") + 3))
            .reduce("", String::concat);
        assertEquals(expected.toString(), positions, r.out());
        assertTrue(r.out().contains("4 problems in 4 of 9 files"), r.out());
        var json = CliRunner.run("validate", "--format", "json", dir.toString());
        for (int i = 1; i < 9; i++) {
            assertTrue(json.out().indexOf("p" + i + ".groovy") < json.out().indexOf("p" + (i + 1) + ".groovy"), json.out());
        }
    }

    @Test
    void validateJsonGivesPositionsForMachines(@TempDir Path dir) throws IOException {
        Path bad = dir.resolve("bad.groovy");
        Files.writeString(bad, "scenario \"a\" { stabilize 0.s }\n");
        var r = CliRunner.run("validate", "--format", "json", bad.toString());
        assertEquals(ExitCodes.INVALID, r.exitCode());
        assertTrue(r.out().contains("\"line\" : 1"), r.out());
        assertTrue(r.out().contains("\"column\" : 16"), r.out());
        assertTrue(r.out().contains("positive duration"), r.out());
    }

    @Test
    void missingPathIsAUsageError() {
        var r = CliRunner.run("validate", "/nonexistent/playbook.groovy");
        assertEquals(ExitCodes.INVALID, r.exitCode());
        assertTrue(r.err().contains("no such file or directory"), r.err());
    }

    @Test
    void listShowsScenariosWithDurationsAndTags() {
        var r = CliRunner.run("list", ROOT.resolve("playbooks/all.groovy").toString());
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("packet-loss-2-pct"), r.out());
        assertTrue(r.out().contains("multi-failure-2-servers-latency"), r.out());
        assertTrue(r.out().contains("2 min 30 s"), "30 s + 1 min + 60 s:\n" + r.out());
        var json = CliRunner.run("list", "--format", "json", ROOT.resolve("playbooks/smoke.groovy").toString());
        assertEquals(0, json.exitCode());
        assertTrue(json.out().contains("\"durationSeconds\" : 18.0"), json.out());
    }

    @Test
    void dryRunPrintsTheTimelineAndTotal() {
        var r = CliRunner.run("run", "--dry-run", ROOT.resolve("playbooks/all.groovy").toString());
        assertEquals(0, r.exitCode(), r.err());
        // 6 loss (2.5 min each) + latency (90 s + length each) + 2 multi (2.5 min each)
        assertTrue(r.out().contains("planned duration 31 min 56.1 s"), r.out());
        assertTrue(r.out().contains("00:00:30.000") && r.out().contains("packetLoss(2%) on server(1) for 1 min"), r.out());
    }

    @Test
    void dryRunSelectsByNameGlobAndTag() {
        var r = CliRunner.run("run", "--dry-run", "--scenario", "multi-*", "--tags", "partition",
            ROOT.resolve("playbooks/all.groovy").toString());
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("1 of 14 scenarios"), r.out());
        assertTrue(r.out().contains("multi-failure-2-servers-packet-loss"), r.out());
        var none = CliRunner.run("run", "--dry-run", "--scenario", "nothing-like-this", ROOT.resolve("playbooks/all.groovy").toString());
        assertEquals(ExitCodes.INVALID, none.exitCode());
        assertTrue(none.err().contains("its scenarios are:"), none.err());
    }

    @Test
    void runOfAnInvalidPlaybookRunsNothing(@TempDir Path dir) throws IOException {
        Path bad = dir.resolve("bad.groovy");
        Files.writeString(bad, "scenario \"a\" { stabilize 30.s for 1.min }\n");
        var r = CliRunner.run("run", "--dry-run", bad.toString());
        assertEquals(ExitCodes.INVALID, r.exitCode());
        assertTrue(r.err().contains(":1:31: 'for' only follows 'inject <fault> on <servers>'"), r.err());
        assertTrue(r.err().contains("nothing was run"), r.err());
    }
}
