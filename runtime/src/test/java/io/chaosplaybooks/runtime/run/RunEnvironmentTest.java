package io.chaosplaybooks.runtime.run;

import io.chaosplaybooks.dsl.PlaybookLoader;
import io.chaosplaybooks.dsl.plan.Fault;
import io.chaosplaybooks.dsl.plan.Playbook;
import io.chaosplaybooks.runtime.exec.FaultBackend;
import io.chaosplaybooks.runtime.load.ServerEndpoint;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RunEnvironmentTest {
    /** A backend that logs what it is asked, fails where told, and proxies nothing (the load goes straight to the server). */
    static class LoggingBackend implements FaultBackend {
        final List<String> log = Collections.synchronizedList(new ArrayList<>());
        String failProxyFor;
        boolean failCleanup;

        record H(String server, Fault fault) implements Handle {}

        public String name() { return "logging"; }

        public String addProxy(String server, String upstream) throws FaultException {
            if (server.equals(failProxyFor)) throw new FaultException("no proxy for " + server);
            log.add("proxy " + server);
            return upstream;
        }

        public Handle apply(String server, Fault fault) { return new H(server, fault); }

        public void remove(Handle h) {}

        public void removeAll() {
            log.add("remove faults");
            if (failCleanup) throw new IllegalStateException("the API is gone");
        }

        public void close() {
            log.add("delete proxies");
            if (failCleanup) throw new IllegalStateException("the API is still gone");
        }
    }

    static Playbook playbook(String text) {
        var r = new PlaybookLoader().loadText("e.groovy", text);
        assertTrue(r.ok(), r.formatProblems());
        return r.playbook();
    }

    static boolean answers(ServerEndpoint s) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(s.host(), s.port()), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void serversCarryThePlaybooksNamesAndCloseTakesAllDownEvenWhenAStepFails() throws Exception {
        Playbook pb = playbook("playbook \"p\" { server \"cache-a\"; server \"cache-b\" }\nscenario \"s\" { wait 1.s }");
        LoggingBackend backend = new LoggingBackend();
        List<String> console = Collections.synchronizedList(new ArrayList<>());
        RunEnvironment env = RunEnvironment.open("chaos-test01", pb, new RunEnvironment.Settings(List.of(), 1, id -> backend, console::add));
        List<ServerEndpoint> servers = env.servers().servers();
        assertEquals(List.of("cache-a", "cache-b"), servers.stream().map(ServerEndpoint::name).toList());
        assertEquals(List.of("cache-a", "cache-b"), env.proxies().stream().map(ServerEndpoint::name).toList());
        assertEquals(List.of("proxy cache-a", "proxy cache-b"), backend.log);
        assertTrue(servers.stream().allMatch(RunEnvironmentTest::answers));

        backend.failCleanup = true;
        env.close();
        assertEquals(List.of("proxy cache-a", "proxy cache-b", "remove faults", "delete proxies"), backend.log, "in that order, each tried");
        assertFalse(servers.stream().anyMatch(RunEnvironmentTest::answers), "the servers it started are stopped though cleanup failed before");
        assertEquals(List.of("cleanup: cannot remove the faults: the API is gone", "cleanup: cannot delete the proxies: the API is still gone"),
            env.cleanupFailures());
        assertTrue(console.containsAll(env.cleanupFailures()), "failures are said: " + console);
        env.close();
        assertEquals(4, backend.log.size(), "closing twice does nothing more");
    }

    @Test
    void aFailedOpenTakesDownWhatItMade() throws Exception {
        Playbook pb = playbook("servers 2\nscenario \"s\" { wait 1.s }");
        LoggingBackend backend = new LoggingBackend();
        backend.failProxyFor = "server-2";
        RunException e = assertThrows(RunException.class,
            () -> RunEnvironment.open("chaos-test02", pb, new RunEnvironment.Settings(List.of(), 1, id -> backend, l -> {})));
        assertEquals("no proxy for server-2", e.getMessage());
        assertEquals(List.of("proxy server-1", "remove faults", "delete proxies"), backend.log);
    }

    @Test
    void givenAddressesMustMatchThePlaybooksServers() {
        Playbook pb = playbook("servers 3\nscenario \"s\" { wait 1.s }");
        LoggingBackend backend = new LoggingBackend();
        RunException e = assertThrows(RunException.class, () -> RunEnvironment.open("chaos-test03", pb,
            new RunEnvironment.Settings(List.of("127.0.0.1:1", "127.0.0.1:2"), 1, id -> backend, l -> {})));
        assertEquals("--servers gives 2 addresses but the playbook has 3 servers (server-1, server-2, server-3)", e.getMessage());
        assertTrue(backend.log.isEmpty(), "nothing was made: " + backend.log);
    }

    @Test
    void givenServersThatDoNotAnswerFailTheOpenNamingThem() throws Exception {
        Playbook pb = playbook("servers 2\nscenario \"s\" { wait 1.s }");
        LoggingBackend backend = new LoggingBackend();
        try (var alive = io.chaosplaybooks.runtime.targets.Targets.startStandIns(1, l -> {})) {
            String good = alive.servers().get(0).address();
            RunException e = assertThrows(RunException.class, () -> RunEnvironment.open("chaos-test04", pb,
                new RunEnvironment.Settings(List.of(good, "127.0.0.1:1"), 1, id -> backend, l -> {})));
            assertEquals("cannot reach a server (asked for memcached's version): server-2 at 127.0.0.1:1 (connection refused); "
                + "check the addresses (--servers, or the playbook's) and that memcached runs there", e.getMessage());
            assertTrue(backend.log.isEmpty(), "no proxy was made: " + backend.log);
        }
    }

    @Test
    void aStopDuringStartUpWinsThoughTheInterruptIsSwallowed() throws Exception {
        Playbook pb = playbook("servers 2\nscenario \"s\" { wait 1.s }");
        StopRequest stop = new StopRequest();
        LoggingBackend backend = new LoggingBackend() {
            @Override
            public String addProxy(String server, String upstream) throws FaultException {
                // A signal arrives while the proxies are made; the library under us clears the interrupt.
                stop.request("SIGINT");
                Thread.currentThread().interrupt();
                Thread.interrupted();
                return super.addProxy(server, upstream);
            }
        };
        StopRequested e = assertThrows(StopRequested.class, () -> RunEnvironment.open("chaos-test05", pb,
            new RunEnvironment.Settings(List.of(), 1, id -> backend, l -> {}), stop));
        assertEquals("backend", e.stage());
        assertEquals(List.of("proxy server-1", "remove faults", "delete proxies"), backend.log, "no second proxy; what was made is removed");
        assertTrue(stop.held().isEmpty(), "nothing is held after the cleanup: " + stop.held());
    }

    @Test
    void aServerThatGoesAwayIsSaidOnce() throws Exception {
        Playbook pb = playbook("servers 2\nscenario \"s\" { wait 1.s }");
        LoggingBackend backend = new LoggingBackend();
        List<io.chaosplaybooks.runtime.events.RunEvent> events = Collections.synchronizedList(new ArrayList<>());
        try (var standIns = io.chaosplaybooks.runtime.targets.Targets.startStandIns(2, l -> {})) {
            List<String> given = standIns.servers().stream().map(ServerEndpoint::address).toList();
            try (RunEnvironment env = RunEnvironment.open("chaos-test06", pb, new RunEnvironment.Settings(given, 1, id -> backend, l -> {}))) {
                env.watchServers(events::add);
                Thread.sleep(700);
                assertTrue(events.isEmpty(), "both answer: " + events);
                standIns.close();
                long deadline = System.nanoTime() + 10_000_000_000L;
                while (env.lost().size() < 2 && System.nanoTime() < deadline) Thread.sleep(50);
                Thread.sleep(1200);
                assertEquals(List.of("server-1", "server-2"), env.lost().stream().map(l -> l.server()).sorted().toList());
                assertEquals(2, events.size(), "once per server: " + events);
                var lost = (io.chaosplaybooks.runtime.events.RunEvent.ServerLost) events.get(0);
                assertEquals("connection refused", lost.reason());
                assertTrue(given.contains(lost.address()));
            }
        }
    }
}
