package io.chaosplaybooks.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A prometheus(...) probe needs a Prometheus: without one anywhere, the run does not start (exit 2, with the position). */
class ProbeOptionsTest {
    static final String PLAYBOOK = "scenario \"x\" {\n  stabilize 1.s\n  expect prometheus(\"up\") > 0\n}\n";

    @Test
    void aPrometheusProbeWithoutAPrometheusIsAnInvalidRun(@TempDir Path dir) throws Exception {
        Path p = Files.writeString(dir.resolve("p.groovy"), PLAYBOOK);
        var r = CliRunner.run("run", p.toString(), "--metrics-port", "-1");
        assertEquals(ExitCodes.INVALID, r.exitCode(), r.err());
        assertTrue(r.err().contains(p + ":3:10: prometheus(\"up\") needs a Prometheus to ask: give chaos run --prometheus URL"), r.err());
        assertTrue(r.err().contains("nothing was run"), r.err());
    }

    @Test
    void validateAcceptsItTheRunMayBeGivenOne(@TempDir Path dir) throws Exception {
        Path p = Files.writeString(dir.resolve("p.groovy"), PLAYBOOK);
        assertEquals(ExitCodes.OK, CliRunner.run("validate", p.toString()).exitCode());
    }

    @Test
    void aBadPrometheusUrlIsAUsageError(@TempDir Path dir) throws Exception {
        Path p = Files.writeString(dir.resolve("p.groovy"), PLAYBOOK);
        var r = CliRunner.run("run", p.toString(), "--prometheus", "localhost:9090");
        assertEquals(ExitCodes.INVALID, r.exitCode());
        assertTrue(r.err().contains("--prometheus takes a URL"), r.err());
    }
}
