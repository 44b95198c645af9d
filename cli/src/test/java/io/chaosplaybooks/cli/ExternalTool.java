package io.chaosplaybooks.cli;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A program from a Debian package that an end-to-end test needs. Absent on a developer's machine,
 * the test is skipped saying what to install; absent in CI (the variable CI is set), it fails,
 * because .ci/run installs it and a silent skip there would hide a broken setup.
 */
final class ExternalTool {
    private ExternalTool() {}

    static Path require(String name, String debianPackage) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (dir.isEmpty()) continue;
            Path p = Path.of(dir, name);
            if (Files.isExecutable(p)) return p;
        }
        String why = name + " is not on PATH; install Debian's " + debianPackage + " package (.ci/run does)";
        if (System.getenv("CI") != null) fail(why + " [CI is set, so this fails instead of skipping]");
        assumeTrue(false, why);
        return null;
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** Stops a process the test started, and its children (the launcher runs java as a child). */
    static void stop(Process p) throws InterruptedException {
        if (p == null) return;
        p.descendants().forEach(ProcessHandle::destroy);
        p.destroy();
        if (!p.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly().waitFor();
        }
    }
}
