package io.chaosplaybooks.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The shaded jar through the real launcher, from another working directory: finds a JDK 21+,
 * the extension module survived shading ({@code 30.s} works), exit codes and no stack traces.
 */
class LauncherIT {
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    static final Path LAUNCHER = ROOT.resolve("bin/chaos");

    record Run(int code, String out, String err) {}

    static Run chaos(Path cwd, String... args) throws IOException, InterruptedException {
        return chaos(cwd, Map.of(), args);
    }

    static Run chaos(Path cwd, Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(LAUNCHER.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(cwd.toFile());
        // The launcher must find a JDK 21+ itself, even when PATH's java is 17 and JAVA_HOME is unset.
        pb.environment().remove("JAVA_HOME");
        pb.environment().putAll(env);
        Path out = Files.createTempFile("chaos-out", ".txt");
        Path err = Files.createTempFile("chaos-err", ".txt");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process p = pb.start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("chaos " + String.join(" ", args) + " did not finish in 120 s");
        }
        Run r = new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
        Files.delete(out);
        Files.delete(err);
        return r;
    }

    @Test
    void versionFromAnotherDirectory(@TempDir Path cwd) throws Exception {
        Run r = chaos(cwd, "--version");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("chaos "), r.out());
        String major = r.out().replaceAll("(?s).*JVM (\\d+).*", "$1");
        assertTrue(Integer.parseInt(major) >= 21, "runs on a JDK 21+: " + r.out());
    }

    @Test
    void validatesTheShippedLibraryThroughTheShadedJar(@TempDir Path cwd) throws Exception {
        Run r = chaos(cwd, "validate", ROOT.resolve("playbooks").toString(), ROOT.resolve("stdlib-scenarios").toString());
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("files valid"), r.out());
    }

    /**
     * What keeps {@code chaos validate} quick (bench/validate has the times): with the playbooks in the compile cache,
     * validating the shipped ones starts neither Groovy's compiler nor its string formatting (whose first use scans
     * the class path), and on JDK 25+ picocli comes from the start-up cache like the rest. The JVM's own log says so.
     */
    @Test
    void aCachedValidateLeavesTheCompilerAndGroovysFormattingAlone(@TempDir Path cwd) throws Exception {
        Map<String, String> env = Map.of("CHAOS_CACHE_DIR", cwd.resolve("cache").toString());
        String[] args = {"validate", ROOT.resolve("playbooks").toString(), ROOT.resolve("stdlib-scenarios").toString()};
        assertEquals(0, chaos(cwd, env, args).code()); // fills the compile cache
        Path log = cwd.resolve("classes.log");
        Map<String, String> logged = new java.util.HashMap<>(env);
        logged.put("CHAOS_JAVA_OPTS", "-Xlog:class+init=info,class+load=info:file=" + log);
        Run r = chaos(cwd, logged, args);
        assertEquals(0, r.code(), r.out() + r.err());
        String classes = Files.readString(log);
        assertTrue(classes.contains("Initializing 'io/chaosplaybooks/dsl/PlaybookLoader"), "the log has class initialisation");
        assertFalse(classes.contains("Initializing 'org/codehaus/groovy/runtime/FormatHelper"), "Groovy's string formatting started");
        assertFalse(classes.contains("Initializing 'org/codehaus/groovy/control/CompilationUnit"), "the compiler started");
        String picocli = classes.lines().filter(l -> l.contains(" picocli.CommandLine source:")).findFirst().orElse("");
        if (Runtime.version().feature() >= 25 && classes.contains("source: shared objects file")) {
            assertTrue(picocli.contains("shared objects file"), "picocli from the start-up cache: " + picocli);
        }
    }

    @Test
    void relativePathsResolveAgainstTheCallersDirectory(@TempDir Path cwd) throws Exception {
        Files.writeString(cwd.resolve("lib.groovy"), "scenario \"from-lib\" { stabilize 1.s }\n");
        Files.writeString(cwd.resolve("main.groovy"), "include \"lib.groovy\"\ninclude \"stdlib:latency\"\n");
        Run r = chaos(cwd, "list", "main.groovy");
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("from-lib") && r.out().contains("latency-200ms-2m"), r.out());
    }

    @Test
    void invalidPlaybookExitsTwoWithoutAStackTrace(@TempDir Path cwd) throws Exception {
        Files.writeString(cwd.resolve("bad.groovy"), "scenario \"x\" {\n  inject packetLoss(0.1) on server(1) for 1.min\n  stabilise 30.s\n}\n");
        Run r = chaos(cwd, "validate", "bad.groovy");
        assertEquals(ExitCodes.INVALID, r.code());
        assertTrue(r.out().contains("bad.groovy:3:3: unknown word 'stabilise'"), r.out());
        assertFalse((r.out() + r.err()).contains("at io.chaosplaybooks"), r.out() + r.err());
    }

    @Test
    void anUnreachableToxiproxyIsOneClearLineAndExitThree(@TempDir Path cwd) throws Exception {
        Run r = chaos(cwd, "run", ROOT.resolve("playbooks/smoke.groovy").toString(), "--toxiproxy", "http://127.0.0.1:1",
            "--metrics-port", "-1");
        assertEquals(ExitCodes.RUNTIME_ERROR, r.code(), r.out() + r.err());
        assertTrue(r.err().contains("Toxiproxy at http://127.0.0.1:1 does not answer"), r.err());
        assertFalse((r.out() + r.err()).contains("\tat "), "no stack trace:\n" + r.out() + r.err());
    }

    @Test
    void aMetricsPortInUseIsOneClearLineAndExitThree(@TempDir Path cwd) throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            Run r = chaos(cwd, "run", ROOT.resolve("playbooks/smoke.groovy").toString(), "--metrics-port",
                Integer.toString(taken.getLocalPort()));
            assertEquals(ExitCodes.RUNTIME_ERROR, r.code(), r.out() + r.err());
            assertTrue(r.err().contains("--metrics-port"), r.err());
            assertFalse((r.out() + r.err()).contains("\tat "), "no stack trace:\n" + r.out() + r.err());
        }
    }
}
