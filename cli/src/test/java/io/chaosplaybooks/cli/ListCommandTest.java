package io.chaosplaybooks.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ListCommandTest {
    record Captured(int exitCode, String out, String err) {}

    /** Streams as picocli makes them for a real process: they flush on println, not on print. */
    static Captured runAsAProcessWould(String... args) {
        System.setProperty("picocli.disable.closures", "true");
        CommandLine cl = ChaosCommand.commandLine();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        cl.setOut(new PrintWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), true));
        cl.setErr(new PrintWriter(new OutputStreamWriter(err, StandardCharsets.UTF_8), true));
        int code = cl.execute(args);
        return new Captured(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void listOfAnInvalidPlaybookPrintsTheSameProblemsAsValidate(@TempDir Path dir) throws IOException {
        Path bad = dir.resolve("bad.groovy");
        Files.writeString(bad, """
            scenario "a" {
              stabilize 1.s
              inject nosuch(1) on server(9) for 1.s
              recovr 1.s
            }
            """);

        var validate = runAsAProcessWould("validate", bad.toString());
        var list = runAsAProcessWould("list", bad.toString());

        assertEquals(ExitCodes.INVALID, validate.exitCode());
        assertEquals(ExitCodes.INVALID, list.exitCode());
        assertTrue(validate.out().contains(bad + ":3:"), validate.out());
        assertEquals(validate.out(), list.err(), "list prints validate's problems, positions, carets and count");
        assertEquals("", list.out());
    }

    @Test
    void anEndlessLoopStopsAtTheEvalTimeoutWithItsPosition(@TempDir Path dir) throws IOException {
        Path loop = dir.resolve("loop.groovy");
        Files.writeString(loop, "scenario \"a\" { stabilize 1.s }\nwhile (true) { }\n");

        for (String command : new String[] {"validate", "list"}) {
            var r = runAsAProcessWould(command, "--eval-timeout", "300ms", loop.toString());
            assertEquals(ExitCodes.INVALID, r.exitCode(), command);
            String printed = r.out() + r.err();
            assertTrue(printed.contains(loop + ":2:1: evaluation stopped here: it ran longer than 300 ms"), command + ": " + printed);
        }
    }

    @Test
    void aBadEvalTimeoutIsAUsageError(@TempDir Path dir) throws IOException {
        Path ok = dir.resolve("ok.groovy");
        Files.writeString(ok, "scenario \"a\" { stabilize 1.s }\n");
        var r = runAsAProcessWould("validate", "--eval-timeout", "soon", ok.toString());
        assertEquals(ExitCodes.INVALID, r.exitCode());
        assertTrue(r.err().contains("a duration such as 10s"), r.err());
    }
}
