package io.chaosplaybooks.runtime.run;

import io.chaosplaybooks.dsl.PlaybookLoader;
import io.chaosplaybooks.dsl.plan.Playbook;
import io.chaosplaybooks.runtime.proxy.FaultEngine;
import io.chaosplaybooks.runtime.proxy.ProxySpec;
import io.chaosplaybooks.runtime.proxy.ToxiproxyHttpApi;
import io.chaosplaybooks.runtime.targets.Targets;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The environment of a playbook whose servers name their own Toxiproxy, listen address or existing proxy. */
class FleetEnvironmentTest {
    static Playbook playbook(String text) {
        var r = new PlaybookLoader().loadText("f.groovy", text);
        assertTrue(r.ok(), r.formatProblems());
        return r.playbook();
    }

    @Test
    void everyToxiproxyIsAskedFirstAndTheOnesThatDoNotAnswerAreNamed() {
        Playbook pb = playbook("""
            server "a", "127.0.0.1:11211", toxiproxy: "http://127.0.0.1:1"
            server "b", "127.0.0.1:11211", toxiproxy: "http://127.0.0.1:2"
            load none
            scenario "s" { wait 1.s }""");
        List<String> console = new ArrayList<>();
        RunException e = assertThrows(RunException.class,
            () -> RunEnvironment.open("chaos-f1", pb, RunEnvironment.Settings.of(null, List.of(), 1, console::add)));
        assertTrue(e.getMessage().startsWith("2 Toxiproxy servers do not answer (asked GET /version): Toxiproxy at http://127.0.0.1:1 does not answer")
            && e.getMessage().contains("http://127.0.0.1:2"), e.getMessage());
        assertEquals(List.of(), console, "nothing to clean up, nothing said but the error");
    }

    @Test
    void anExistingProxyNeedsAToxiproxy() {
        Playbook pb = playbook("server \"a\", proxy: \"memcached_a\"\nscenario \"s\" { wait 1.s }");
        RunException e = assertThrows(RunException.class,
            () -> RunEnvironment.open("chaos-f2", pb, RunEnvironment.Settings.of(null, List.of(), 1, l -> {})));
        assertEquals("f.groovy:1:1: server 'a' uses the existing proxy 'memcached_a' but names no Toxiproxy to find it on: "
            + "add toxiproxy: \"http://host:8474\" to it, or run with --toxiproxy URL", e.getMessage());
    }

    @Test
    void aFleetOfExistingAndCreatedProxiesIsOpenedAndTakenDown() throws Exception {
        try (FaultEngine host = new FaultEngine(); ToxiproxyHttpApi api = ToxiproxyHttpApi.start(host, "127.0.0.1", 0);
             var memcached = Targets.startStandIns(1, l -> {})) {
            String mc = memcached.servers().get(0).address();
            var existing = host.createProxy(ProxySpec.of("memcached_b", "127.0.0.1:0", mc));
            String url = "http://127.0.0.1:" + api.port();
            Playbook pb = playbook("""
                server "a", "%s", toxiproxy: "%s", listen: "0.0.0.0:0"
                server "b", proxy: "memcached_b"
                load none
                scenario "s" { wait 1.s }""".formatted(mc, url).replace("0.0.0.0:0", "0.0.0.0:" + freePort()));
            // b names no Toxiproxy: --toxiproxy (the same API here) is its default, and is shared with a.
            try (RunEnvironment env = RunEnvironment.open("chaos-f3", pb,
                RunEnvironment.Settings.of(java.net.URI.create(url), List.of(), 1, l -> {}))) {
                assertEquals(List.of(mc, mc), env.servers().servers().stream().map(s -> s.address()).toList(), "b's upstream as found");
                assertTrue(env.proxies().get(0).address().startsWith("127.0.0.1:"), "0.0.0.0 is reached at the API's host: " + env.proxies());
                assertEquals(existing.listen(), env.proxies().get(1).address());
                assertEquals(2, host.proxies().size());
            }
            assertEquals(List.of("memcached_b"), List.copyOf(host.proxies().keySet()));
            assertEquals(existing, host.proxy("memcached_b"));
        }
    }

    private static int freePort() throws java.io.IOException {
        try (var s = new java.net.ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
