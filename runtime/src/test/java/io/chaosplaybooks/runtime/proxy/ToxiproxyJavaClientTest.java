package io.chaosplaybooks.runtime.proxy;

import eu.rekawek.toxiproxy.Proxy;
import eu.rekawek.toxiproxy.ToxiproxyClient;
import eu.rekawek.toxiproxy.model.Toxic;
import eu.rekawek.toxiproxy.model.ToxicDirection;
import eu.rekawek.toxiproxy.model.toxic.Bandwidth;
import eu.rekawek.toxiproxy.model.toxic.Latency;
import eu.rekawek.toxiproxy.model.toxic.LimitData;
import eu.rekawek.toxiproxy.model.toxic.ResetPeer;
import eu.rekawek.toxiproxy.model.toxic.Slicer;
import eu.rekawek.toxiproxy.model.toxic.SlowClose;
import eu.rekawek.toxiproxy.model.toxic.Timeout;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ConnectException;
import java.net.Socket;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The real toxiproxy-java client (eu.rekawek.toxiproxy 2.1.11) works against our API unchanged. */
class ToxiproxyJavaClientTest {
    private FaultEngine engine;
    private ToxiproxyHttpApi api;
    private ToxiproxyClient client;
    private EchoServer echo;

    @BeforeEach
    void start() throws IOException {
        engine = new FaultEngine();
        api = ToxiproxyHttpApi.start(engine, "127.0.0.1", 0);
        client = new ToxiproxyClient("127.0.0.1", api.port());
        echo = new EchoServer();
    }

    @AfterEach
    void stop() throws IOException {
        api.close();
        engine.close();
        echo.close();
    }

    private static int port(Proxy p) {
        return Integer.parseInt(p.getListen().substring(p.getListen().lastIndexOf(':') + 1));
    }

    @Test
    void createsListsGetsUpdatesAndDeletesProxies() throws IOException {
        assertTrue(client.version().contains("version"));
        Proxy created = client.createProxy("cache", "127.0.0.1:0", echo.address());
        assertEquals("cache", created.getName());
        assertTrue(created.isEnabled());
        assertTrue(port(created) > 0);
        client.createProxy("other", "127.0.0.1:0", echo.address());

        List<Proxy> all = client.getProxies();
        assertEquals(2, all.size());
        assertEquals(echo.address(), client.getProxy("cache").getUpstream());

        created.disable();
        assertFalse(client.getProxy("cache").isEnabled());
        assertThrows(ConnectException.class, () -> Sockets.connect(port(created)).close());
        created.enable();
        assertTrue(client.getProxy("cache").isEnabled());

        try (EchoServer second = new EchoServer()) {
            created.setUpstream(second.address());
            assertEquals(second.address(), client.getProxy("cache").getUpstream());
        }

        created.delete();
        assertNull(client.getProxyOrNull("cache"));
        assertEquals(1, client.getProxies().size());
    }

    @Test
    void createsEveryToxicTheClientSupportsAndReadsThemBack() throws IOException {
        Proxy proxy = client.createProxy("cache", "127.0.0.1:0", echo.address());
        Latency latency = proxy.toxics().latency("lat", ToxicDirection.DOWNSTREAM, 100).setJitter(15);
        Bandwidth bandwidth = proxy.toxics().bandwidth("bw", ToxicDirection.UPSTREAM, 500);
        SlowClose slowClose = proxy.toxics().slowClose("sc", ToxicDirection.DOWNSTREAM, 250);
        Timeout timeout = proxy.toxics().timeout("to", ToxicDirection.UPSTREAM, 0);
        Slicer slicer = proxy.toxics().slicer("sl", ToxicDirection.DOWNSTREAM, 10, 5).setSizeVariation(3);
        LimitData limit = proxy.toxics().limitData("ld", ToxicDirection.UPSTREAM, 4096);
        ResetPeer reset = proxy.toxics().resetPeer("rp", ToxicDirection.DOWNSTREAM, 700);
        latency.setToxicity(0.25f);

        Proxy read = client.getProxy("cache");
        List<? extends Toxic> toxics = read.toxics().getAll();
        assertEquals(7, toxics.size());
        assertEquals(ToxicDirection.UPSTREAM, toxics.get(0).getStream(), "upstream toxics first");

        Latency lat = read.toxics().get("lat", Latency.class);
        assertEquals(100, lat.getLatency());
        assertEquals(15, lat.getJitter());
        assertEquals(0.25f, lat.getToxicity());
        assertEquals(500, read.toxics().get("bw", Bandwidth.class).getRate());
        assertEquals(250, read.toxics().get("sc", SlowClose.class).getDelay());
        assertEquals(0, read.toxics().get("to", Timeout.class).getTimeout());
        Slicer sl = read.toxics().get("sl", Slicer.class);
        assertEquals(10, sl.getAverageSize());
        assertEquals(3, sl.getSizeVariation());
        assertEquals(5, sl.getDelay());
        assertEquals(4096, read.toxics().get("ld", LimitData.class).getBytes());
        assertEquals(700, read.toxics().get("rp", ResetPeer.class).getTimeout());

        bandwidth.setRate(1000);
        assertEquals(1000, read.toxics().get("bw", Bandwidth.class).getRate());

        for (Toxic t : List.of(latency, bandwidth, slowClose, timeout, slicer, limit, reset)) {
            t.remove();
        }
        assertTrue(client.getProxy("cache").toxics().getAll().isEmpty());
    }

    @Test
    void duplicateToxicIsRefusedByTheClient() throws IOException {
        Proxy proxy = client.createProxy("cache", "127.0.0.1:0", echo.address());
        proxy.toxics().latency("lat", ToxicDirection.DOWNSTREAM, 1);
        IOException e = assertThrows(IOException.class, () -> proxy.toxics().latency("lat", ToxicDirection.DOWNSTREAM, 2));
        assertTrue(e.getMessage().contains("409") || e.getMessage().contains("already exists"), e.getMessage());
    }

    @Test
    void resetRemovesToxicsAndEnablesProxies() throws IOException {
        Proxy proxy = client.createProxy("cache", "127.0.0.1:0", echo.address());
        proxy.toxics().latency("lat", ToxicDirection.DOWNSTREAM, 1000);
        proxy.disable();
        client.reset();
        Proxy after = client.getProxy("cache");
        assertTrue(after.isEnabled());
        assertTrue(after.toxics().getAll().isEmpty());
        try (Socket s = Sockets.connect(port(after))) {
            long start = System.nanoTime();
            s.getOutputStream().write("x".getBytes());
            Sockets.readExactly(s, 1);
            assertTrue(Sockets.millisSince(start) < 500, "latency toxic gone after reset");
        }
    }

    @Test
    void latencyToxicFromTheClientDelaysTraffic() throws IOException {
        Proxy proxy = client.createProxy("cache", "127.0.0.1:0", echo.address());
        proxy.toxics().latency("lat", ToxicDirection.DOWNSTREAM, 200);
        try (Socket s = Sockets.connect(port(proxy))) {
            long start = System.nanoTime();
            s.getOutputStream().write("x".getBytes());
            Sockets.readExactly(s, 1);
            double ms = Sockets.millisSince(start);
            assertTrue(ms >= 195 && ms < 200 + 300, "round trip " + ms + " ms, expected 200 ms (+300 ms tolerance)");
        }
    }
}
