package io.chaosplaybooks.runtime.targets;

import io.chaosplaybooks.runtime.load.ServerEndpoint;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class TargetsTest {
    @Test
    void localMemcachedProcessesAnswerAndAreGoneAfterClose() throws Exception {
        Assumptions.assumeTrue(LocalMemcachedProcesses.findBinary().isPresent(),
            "SKIPPED: memcached is not on PATH (apt-get install memcached)");
        List<String> console = new ArrayList<>();
        List<Long> pids;
        try (ProvisionedTargets t = Targets.provision(Targets.names(3), List.of(), console::add)) {
            assertEquals(TargetKind.LOCAL_MEMCACHED, t.kind());
            assertEquals(List.of("server-1", "server-2", "server-3"), t.servers().stream().map(ServerEndpoint::name).toList());
            assertEquals(3, t.servers().stream().map(ServerEndpoint::port).distinct().count());
            for (ServerEndpoint s : t.servers()) {
                assertEquals("127.0.0.1", s.host());
                assertTrue(LocalMemcachedProcesses.answersVersion(s.host(), s.port()));
            }
            pids = ((LocalMemcachedProcesses) t).pids();
            assertEquals(3, ProcessHandle.current().children().filter(c -> pids.contains(c.pid())).count(),
                "the processes are this JVM's children");
            assertTrue(pids.stream().allMatch(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)));
            assertEquals(1, console.size());
            assertTrue(console.get(0).startsWith("Started 3 local memcached"), console.get(0));
        }
        assertEquals(0, ProcessHandle.current().children().filter(ProcessHandle::isAlive)
            .filter(c -> c.info().command().orElse("").contains("memcached")).count());
        for (long pid : pids) {
            assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "memcached pid " + pid + " left running");
        }
    }

    @Test
    void explicitServersAreUsedAsGivenAndNothingIsStarted() throws Exception {
        List<String> console = new ArrayList<>();
        List<ServerEndpoint> given = List.of(ServerEndpoint.parse("cache-a", "127.0.0.1:1"));
        try (ProvisionedTargets t = Targets.provision(Targets.names(3), given, console::add)) {
            assertEquals(TargetKind.EXPLICIT, t.kind());
            assertEquals(given, t.servers());
        }
        assertTrue(console.isEmpty());
    }

    @Test
    void standInsAreAnnouncedAndStopped() throws Exception {
        List<String> console = new ArrayList<>();
        List<ServerEndpoint> servers;
        try (ProvisionedTargets t = Targets.startStandIns(2, console::add)) {
            assertEquals(TargetKind.STAND_IN, t.kind());
            servers = t.servers();
            for (ServerEndpoint s : servers) {
                assertTrue(LocalMemcachedProcesses.answersVersion(s.host(), s.port()));
            }
        }
        assertTrue(console.get(0).contains("stand-in"), console.get(0));
        for (ServerEndpoint s : servers) {
            assertFalse(LocalMemcachedProcesses.answersVersion(s.host(), s.port()), "stand-in still answering on " + s.port());
        }
    }

    @Test
    void withoutMemcachedProvisionFallsBackToAnnouncedStandIns() throws Exception {
        List<String> console = new ArrayList<>();
        try (ProvisionedTargets t = Targets.provision(List.of("cache-a", "cache-b"), List.of(), console::add, java.util.Optional.empty())) {
            assertEquals(TargetKind.STAND_IN, t.kind());
            assertEquals(List.of("cache-a", "cache-b"), t.servers().stream().map(ServerEndpoint::name).toList(), "named as the playbook names them");
            assertTrue(console.get(0).startsWith("memcached is not installed: using 2 in-process memcached stand-ins"), console.get(0));
        }
    }

    @Test
    void badCountsAreRefusedWithTheValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Targets.provision(List.of(), List.of(), l -> {}));
        assertTrue(e.getMessage().contains("got 0"));
    }

    @Test
    void endpointParsingNamesTheBadText() {
        assertEquals(new ServerEndpoint("a", "::1", 11211), ServerEndpoint.parse("a", "[::1]:11211"));
        for (String bad : List.of("", "host", "host:", ":11211", "host:x", "host:70000")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ServerEndpoint.parse("a", bad));
            assertTrue(e.getMessage().contains("'" + bad + "'"), e.getMessage());
        }
    }
}
