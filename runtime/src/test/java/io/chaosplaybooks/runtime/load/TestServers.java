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

    ProvisionedTargets start(int count) throws IOException {
        if (this == MEMCACHED) {
            Assumptions.assumeTrue(memcachedInstalled(),
                "SKIPPED: memcached is not on PATH (apt-get install memcached); the stand-in variant still runs");
            return Targets.startLocalMemcached(count, line -> {});
        }
        return Targets.startStandIns(count, line -> {});
    }
}
