package io.chaosplaybooks.runtime.load;

import io.chaosplaybooks.runtime.targets.ProvisionedTargets;
import io.chaosplaybooks.runtime.targets.Targets;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/** The two kinds of server the engine is tested against. */
enum TestServers {
    MEMCACHED, STAND_IN;

    static boolean memcachedInstalled() {
        return Arrays.stream(System.getenv().getOrDefault("PATH", "").split(":"))
            .anyMatch(d -> !d.isEmpty() && Files.isExecutable(Path.of(d, "memcached")));
    }

    /** Fails when a memcached this test JVM started is still running. */
    static void assertNoMemcachedLeft() {
        java.util.List<String> left = ProcessHandle.current().descendants()
            .filter(ProcessHandle::isAlive)
            .map(p -> p.pid() + " " + p.info().command().orElse("?"))
            .filter(c -> c.contains("memcached"))
            .toList();
        org.junit.jupiter.api.Assertions.assertEquals(java.util.List.of(), left, "memcached processes left running");
    }

    ProvisionedTargets start(int count) throws IOException {
        if (this == MEMCACHED) {
            Assumptions.assumeTrue(memcachedInstalled(),
                "SKIPPED: memcached is not on PATH (apt-get install memcached); the stand-in variant still runs");
            return Targets.startLocalMemcached(count, line -> {});
        }
        return Targets.startStandIns(count, line -> {});
    }
}
