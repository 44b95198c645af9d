package io.chaosplaybooks.runtime.proxy;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Proxies through the Java API: enable/disable, delete, restart, upstream down, live toxic changes. */
class ProxyLifecycleTest {
    private FaultEngine engine;
    private EchoServer echo;

    @BeforeEach
    void start() throws IOException {
        engine = new FaultEngine();
        echo = new EchoServer();
    }

    @AfterEach
    void stop() throws IOException {
        engine.close();
        echo.close();
    }

    private int proxy() {
        return engine.createProxy(ProxySpec.of("p", "127.0.0.1:0", echo.address())).listenPort();
    }

    /** True if the peer closed or reset the connection within the socket timeout. */
    private static boolean closedByPeer(Socket s) throws IOException {
        s.setSoTimeout(3_000);
        try {
            return s.getInputStream().read() == -1;
        } catch (java.net.SocketException e) {
            return true;
        }
    }

    @Test
    void disableClosesOpenConnectionsRefusesNewOnesAndKeepsToxics() throws IOException {
        int port = proxy();
        engine.addToxic("p", ToxicSpec.of("latency", "downstream", Map.of("latency", 5)));
        try (Socket open = Sockets.connect(port)) {
            open.getOutputStream().write(1);
            assertEquals(1, open.getInputStream().read());
            engine.updateProxy("p", new ProxySpec(null, null, null, false));
            assertTrue(closedByPeer(open));
        }
        assertThrows(ConnectException.class, () -> Sockets.connect(port).close());
        engine.updateProxy("p", new ProxySpec(null, null, null, true));
        assertEquals(1, engine.proxy("p").toxics().size(), "toxics survive disable/enable");
        assertEquals(port, engine.proxy("p").listenPort(), "re-enabled on the same port");
        try (Socket again = Sockets.connect(port)) {
            again.getOutputStream().write(2);
            assertEquals(2, again.getInputStream().read());
        }
    }

    @Test
    void deleteClosesConnections() throws IOException {
        int port = proxy();
        try (Socket open = Sockets.connect(port)) {
            open.getOutputStream().write(1);
            assertEquals(1, open.getInputStream().read());
            engine.deleteProxy("p");
            assertTrue(closedByPeer(open));
        }
        assertThrows(ConnectException.class, () -> Sockets.connect(port).close());
        FaultEngineException e = assertThrows(FaultEngineException.class, () -> engine.proxy("p"));
        assertEquals(404, e.status());
    }

    @Test
    void upstreamDownAcceptsThenClosesTheClient() throws IOException {
        int deadPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            deadPort = s.getLocalPort();
        }
        int port = engine.createProxy(ProxySpec.of("dead", "127.0.0.1:0", "127.0.0.1:" + deadPort)).listenPort();
        try (Socket s = Sockets.connect(port)) {
            assertTrue(closedByPeer(s));
        }
    }

    @Test
    void changingUpstreamRestartsTheProxy() throws IOException {
        int port = proxy();
        try (EchoServer other = new EchoServer(); Socket open = Sockets.connect(port)) {
            open.getOutputStream().write(1);
            assertEquals(1, open.getInputStream().read());
            engine.updateProxy("p", new ProxySpec(null, null, other.address(), null));
            assertTrue(closedByPeer(open), "restart closes connections");
            assertEquals(other.address(), engine.proxy("p").upstream());
            try (Socket s = Sockets.connect(port)) {
                s.getOutputStream().write(3);
                assertEquals(3, s.getInputStream().read());
            }
        }
    }

    @Test
    void changingListenToABusyPortFailsAndKeepsTheOldOne() throws IOException {
        int port = proxy();
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            FaultEngineException e = assertThrows(FaultEngineException.class,
                () -> engine.updateProxy("p", new ProxySpec(null, "127.0.0.1:" + taken.getLocalPort(), null, null)));
            assertEquals(500, e.status());
        }
        assertEquals(port, engine.proxy("p").listenPort());
        assertTrue(engine.proxy("p").enabled());
        try (Socket s = Sockets.connect(port)) {
            s.getOutputStream().write(4);
            assertEquals(4, s.getInputStream().read());
        }
    }

    @Test
    void toxicAddedToAnOpenConnectionActsAtOnceAndRemovalReleasesHeldData() throws Exception {
        int port = proxy();
        try (Socket s = Sockets.connect(port)) {
            s.getOutputStream().write(1);
            assertEquals(1, s.getInputStream().read());
            engine.addToxic("p", ToxicSpec.of("latency", "downstream", Map.of("latency", 10_000)));
            long start = System.nanoTime();
            s.getOutputStream().write(2);
            Thread.sleep(200);
            assertEquals(0, s.getInputStream().available(), "latency applies to the open connection");
            engine.removeToxic("p", "latency_downstream");
            assertEquals(2, s.getInputStream().read());
            assertTrue(Sockets.millisSince(start) < 200 + ToxicBehaviourTest.SLACK_MS * 2,
                "removal passes held data on at once, not after 10 s");
        }
    }

    @Test
    void updatingAToxicRestartsItOnOpenConnections() throws Exception {
        int port = proxy();
        engine.addToxic("p", ToxicSpec.of("latency", "downstream", Map.of("latency", 10_000)));
        try (Socket s = Sockets.connect(port)) {
            long start = System.nanoTime();
            s.getOutputStream().write(7);
            Thread.sleep(100);
            engine.updateToxic("p", "latency_downstream", new ToxicSpec(null, null, null, null, Map.of("latency", 50)));
            assertEquals(7, s.getInputStream().read(), "held data released on update");
            assertTrue(Sockets.millisSince(start) < 100 + ToxicBehaviourTest.SLACK_MS * 2);
            long again = System.nanoTime();
            s.getOutputStream().write(8);
            assertEquals(8, s.getInputStream().read());
            double ms = Sockets.millisSince(again);
            assertTrue(ms >= 50 - ToxicBehaviourTest.EARLY_MS && ms < 50 + ToxicBehaviourTest.SLACK_MS, "new latency applies: " + ms);
        }
    }

    @Test
    void limitDataCountSurvivesAnUpdate() throws Exception {
        int port = proxy();
        engine.addToxic("p", ToxicSpec.of("limit_data", "downstream", Map.of("bytes", 100)));
        try (Socket s = Sockets.connect(port)) {
            s.getOutputStream().write(new byte[60]);
            Sockets.readExactly(s, 60);
            engine.updateToxic("p", "limit_data_downstream", new ToxicSpec(null, null, null, null, Map.of("bytes", 80)));
            s.getOutputStream().write(new byte[60]);
            assertEquals(20, Sockets.readToEnd(s).length, "60 already passed of a limit of 80");
        }
    }

    @Test
    void toxicNamesAreUniqueAcrossBothDirections() {
        proxy();
        engine.addToxic("p", new ToxicSpec("same", "latency", "upstream", null, Map.of()));
        FaultEngineException e = assertThrows(FaultEngineException.class,
            () -> engine.addToxic("p", new ToxicSpec("same", "latency", "downstream", null, Map.of())));
        assertEquals(409, e.status());
    }

    @Test
    void populateKeepsUnchangedProxiesAndRollsBackOnFailure() throws IOException {
        int port = proxy();
        engine.populate(java.util.List.of(ProxySpec.of("p", "127.0.0.1:" + port, echo.address())));
        assertEquals(port, engine.proxy("p").listenPort(), "unchanged proxy kept");
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            assertThrows(FaultEngineException.class, () -> engine.populate(java.util.List.of(
                ProxySpec.of("fresh", "127.0.0.1:0", echo.address()),
                ProxySpec.of("clash", "127.0.0.1:" + taken.getLocalPort(), echo.address()))));
        }
        assertEquals(1, engine.proxies().size(), "nothing half-created");
    }

    @Test
    void closeStopsEverything() throws IOException {
        int port = proxy();
        try (Socket open = Sockets.connect(port)) {
            engine.close();
            assertTrue(closedByPeer(open));
        }
        assertThrows(ConnectException.class, () -> Sockets.connect(port).close());
        assertFalse(engine.proxies().containsKey("p"));
        assertNotEquals(0, port);
    }
}
