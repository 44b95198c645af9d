package io.chaosplaybooks.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** chaos serve's options: each mistake is one line and exit 2, before anything is bound or started. */
class ServeCommandTest {
    @Test
    void badOptionsAreRefusedBeforeTheServerStarts(@TempDir Path dir) throws Exception {
        String pb = Files.createDirectories(dir.resolve("playbooks")).toString();
        Path emptyToken = Files.writeString(dir.resolve("token"), "  \n");
        record Case(List<String> args, String says) {}
        List<Case> cases = List.of(
            new Case(List.of("--port", "70000", pb), "--port"),
            new Case(List.of("--max-concurrent", "0", pb), "--max-concurrent"),
            new Case(List.of("--keep", "0", pb), "--keep"),
            new Case(List.of("--time-scale", "0", pb), "--time-scale"),
            new Case(List.of("--poll", "10", pb), "--poll"),
            new Case(List.of("--host", "0.0.0.0", pb), "--token-file"),
            new Case(List.of("--token-file", dir.resolve("missing").toString(), pb), "token file not found"),
            new Case(List.of("--token-file", emptyToken.toString(), pb), "printable ASCII"),
            new Case(List.of(dir.resolve("nope").toString()), "no such file or directory"));
        for (Case c : cases) {
            String[] args = new java.util.ArrayList<String>() {{ add("serve"); addAll(c.args()); add("--state-dir"); add(dir.resolve("state").toString()); }}
                .toArray(String[]::new);
            CliRunner.Result r = CliRunner.run(args);
            assertEquals(ExitCodes.INVALID, r.exitCode(), c + ": " + r.err());
            assertTrue(r.err().contains(c.says()), c + ": " + r.err());
        }
    }

    @Test
    void helpNamesTheOptions() {
        CliRunner.Result r = CliRunner.run("serve", "--help");
        assertEquals(0, r.exitCode());
        for (String o : List.of("--host", "--port", "--state-dir", "--max-concurrent", "--keep", "--token-file", "--time-scale")) {
            assertTrue(r.out().contains(o), o + " in:\n" + r.out());
        }
    }
}
