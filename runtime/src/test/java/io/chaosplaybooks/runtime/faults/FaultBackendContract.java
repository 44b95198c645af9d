package io.chaosplaybooks.runtime.faults;

import io.chaosplaybooks.dsl.plan.Direction;
import io.chaosplaybooks.dsl.plan.Fault;
import io.chaosplaybooks.dsl.plan.FaultType;
import io.chaosplaybooks.dsl.plan.SourcePos;
import io.chaosplaybooks.runtime.exec.FaultBackend;
import io.chaosplaybooks.runtime.proxy.ProxyInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What every fault backend must do, on real sockets: proxies pass bytes, faults take effect when
 * applied and stop when removed, cleanup leaves nothing of the run, and nothing else is touched.
 * The server is looked at the way a Toxiproxy client sees it ({@link #proxies()}), so the same suite
 * runs against the embedded engine, its HTTP API, and any Toxiproxy ({@code CHAOS_TOXIPROXY_URL}).
 * Timing assertions carry a stated tolerance (shared 2-core machine).
 */
abstract class FaultBackendContract {
    protected FaultBackend backend;
    protected String runId;
    private EchoServer echo;

    protected abstract FaultBackend createBackend(String runId) throws Exception;

    /** Every proxy on the server with its toxics, as {@code GET /proxies} shows them. */
    protected abstract Map<String, ProxyInfo> proxies() throws Exception;

    /** Creates a proxy that is not the backend's (someone else's on a shared server). */
    protected abstract void createOtherProxy(String name, String upstream) throws Exception;

    protected abstract void deleteOtherProxy(String name) throws Exception;

    protected void stopServing() {}

    @BeforeEach
    void start() throws Exception {
        echo = new EchoServer();
        runId = "contract" + Long.toHexString(System.nanoTime() & 0xffffff);
        backend = createBackend(runId);
    }

    @AfterEach
    void stop() throws Exception {
        backend.close();
        stopServing();
        echo.close();
    }

    private Map<String, ProxyInfo> ofThisRun() throws Exception {
        Map<String, ProxyInfo> mine = new java.util.TreeMap<>();
        proxies().forEach((name, p) -> { if (name.startsWith(runId + "-")) mine.put(name, p); });
        return mine;
    }

    static Fault fault(FaultType type, Map<String, Number> attributes) {
        return new Fault(type, attributes, type.defaultDirection(), 1.0, SourcePos.UNKNOWN);
    }

    static Socket connect(String hostPort) throws IOException {
        int colon = hostPort.lastIndexOf(':');
        Socket s = new Socket();
        s.connect(new InetSocketAddress(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1))), 2000);
        s.setSoTimeout(3000);
        return s;
    }

    /** Milliseconds for one 4-byte round trip. */
    static long roundTrip(Socket s) throws IOException {
        long t0 = System.nanoTime();
        s.getOutputStream().write("ping".getBytes());
        byte[] b = s.getInputStream().readNBytes(4);
        assertEquals("ping", new String(b));
        return (System.nanoTime() - t0) / 1_000_000;
    }

    @Test
    void aProxyPassesBytesBothWays() throws Exception {
        String listen = backend.addProxy("server-1", echo.address());
        try (Socket s = connect(listen)) {
            assertTrue(roundTrip(s) < 1000);
        }
    }

    @Test
    void latencyTakesEffectOnALiveConnectionAndStopsWhenRemoved() throws Exception {
        String listen = backend.addProxy("server-1", echo.address());
        try (Socket s = connect(listen)) {
            roundTrip(s);
            var h = backend.apply("server-1", fault(FaultType.LATENCY, Map.of("latency", 200, "jitter", 0)));
            long slow = roundTrip(s);
            // 200 ms added downstream; tolerance +150 ms for a loaded machine.
            assertTrue(slow >= 190 && slow < 350, "round trip with +200 ms: " + slow + " ms");
            backend.remove(h);
            roundTrip(s); // data already delayed drains first
            long fast = roundTrip(s);
            assertTrue(fast < 100, "round trip after removal: " + fast + " ms");
        }
    }

    @Test
    void downRefusesNewConnectionsUntilRemoved() throws Exception {
        String listen = backend.addProxy("server-1", echo.address());
        var h = backend.apply("server-1", fault(FaultType.DOWN, Map.of()));
        assertThrows(IOException.class, () -> {
            try (Socket s = connect(listen)) {
                roundTrip(s);
            }
        });
        backend.remove(h);
        Thread.sleep(100);
        try (Socket s = connect(listen)) {
            roundTrip(s);
        }
    }

    @Test
    void fullPacketLossDeliversNothing() throws Exception {
        String listen = backend.addProxy("server-1", echo.address());
        try (Socket s = connect(listen)) {
            backend.apply("server-1", fault(FaultType.PACKET_LOSS, Map.of("rate", 1.0)));
            s.setSoTimeout(700);
            s.getOutputStream().write("ping".getBytes());
            assertThrows(SocketTimeoutException.class, () -> s.getInputStream().read());
        }
    }

    /** Reads within 2 s: the echoed bytes, or the end of the connection; never silence. */
    static String answerOrEnd(Socket s) throws IOException {
        s.setSoTimeout(2000);
        try {
            byte[] b = s.getInputStream().readNBytes(4);
            return b.length == 0 ? "end" : new String(b);
        } catch (SocketTimeoutException e) {
            return "silence";
        } catch (IOException e) {
            return "end";
        }
    }

    @Test
    void aHealedPartitionLeavesNoConnectionHangingAndNewOnesWork() throws Exception {
        String listen = backend.addProxy("server-1", echo.address());
        try (Socket s = connect(listen)) {
            roundTrip(s);
            var h = backend.apply("server-1", fault(FaultType.PACKET_LOSS, Map.of("rate", 1.0)));
            s.setSoTimeout(700);
            s.getOutputStream().write("ping".getBytes());
            assertThrows(SocketTimeoutException.class, () -> s.getInputStream().read());
            backend.remove(h);
            // The held bytes arrive (TCP retransmitted them) or the connection ends (their loss is known): no silence.
            String after = answerOrEnd(s);
            assertTrue(after.equals("ping") || after.equals("end"), "old connection after the heal: " + after);
        }
        try (Socket s = connect(listen)) {
            assertTrue(roundTrip(s) < 1000);
        }
    }

    @Test
    void aPartialLossIsAppliedOrRefusedBeforeTheRun() throws Exception {
        String listen = backend.addProxy("server-1", echo.address());
        Fault loss = fault(FaultType.PACKET_LOSS, Map.of("rate", 0.05));
        var refused = backend.cannotExpress(loss);
        if (refused.isPresent()) {
            assertTrue(refused.get().contains("packetLoss(5%)") && refused.get().contains("cannot be expressed"), refused.get());
            return;
        }
        backend.apply("server-1", loss);
        try (Socket s = connect(listen)) {
            for (int i = 0; i < 5; i++) roundTrip(s); // delayed at times (retransmissions), never lost
        }
    }

    @Test
    void bandwidthZeroStallsAndItsRemovalDeliversWhatWasHeld() throws Exception {
        String listen = backend.addProxy("server-1", echo.address());
        try (Socket s = connect(listen)) {
            var h = backend.apply("server-1", fault(FaultType.BANDWIDTH, Map.of("rate", 0)));
            s.setSoTimeout(700);
            s.getOutputStream().write("ping".getBytes());
            assertThrows(SocketTimeoutException.class, () -> s.getInputStream().read());
            backend.remove(h);
            assertEquals("ping", answerOrEnd(s));
        }
    }

    @Test
    void downClosesOpenConnections() throws Exception {
        String listen = backend.addProxy("server-1", echo.address());
        try (Socket s = connect(listen)) {
            roundTrip(s);
            backend.apply("server-1", fault(FaultType.DOWN, Map.of()));
            s.getOutputStream().write("ping".getBytes());
            assertEquals("end", answerOrEnd(s));
        }
    }

    @Test
    void aTimeoutDropsDataThenClosesTheConnection() throws Exception {
        String listen = backend.addProxy("server-1", echo.address());
        try (Socket s = connect(listen)) {
            roundTrip(s);
            backend.apply("server-1", fault(FaultType.TIMEOUT, Map.of("timeout", 300)));
            s.getOutputStream().write("ping".getBytes());
            assertEquals("end", answerOrEnd(s));
        }
    }

    @Test
    void aToxicityOfZeroLeavesEveryConnectionAlone() throws Exception {
        String listen = backend.addProxy("server-1", echo.address());
        backend.apply("server-1", fault(FaultType.LATENCY, Map.of("latency", 3000, "jitter", 0)).withToxicity(0.0));
        try (Socket s = connect(listen)) {
            long t = roundTrip(s);
            // Far below the toxic's 3 s even on a loaded machine: the toxic was not on this connection.
            assertTrue(t < 1500, "round trip with a latency toxic of toxicity 0: " + t + " ms");
        }
    }

    @Test
    void limitDataPassesThatManyBytesThenCloses() throws Exception {
        String listen = backend.addProxy("server-1", echo.address());
        backend.apply("server-1", fault(FaultType.LIMIT_DATA, Map.of("bytes", 6)).withDirection(Direction.DOWNSTREAM));
        try (Socket s = connect(listen)) {
            s.getOutputStream().write("pingpong".getBytes());
            s.setSoTimeout(2000);
            assertEquals("pingpo", new String(s.getInputStream().readAllBytes()));
        }
    }

    @Test
    void resetPeerResetsTheConnectionOnItsFirstData() throws Exception {
        String listen = backend.addProxy("server-1", echo.address());
        backend.apply("server-1", fault(FaultType.RESET_PEER, Map.of("timeout", 0)));
        try (Socket s = connect(listen)) {
            s.getOutputStream().write("ping".getBytes());
            s.setSoTimeout(2000);
            var e = assertThrows(IOException.class, () -> s.getInputStream().read());
            assertTrue(e.getMessage().toLowerCase().contains("reset"), e.getMessage());
        }
    }

    @Test
    void slicedDataArrivesWhole() throws Exception {
        String listen = backend.addProxy("server-1", echo.address());
        backend.apply("server-1", fault(FaultType.SLICER, Map.of("average_size", 2, "size_variation", 1, "delay", 1000)));
        try (Socket s = connect(listen)) {
            byte[] data = "sliced into pieces".getBytes();
            s.getOutputStream().write(data);
            assertEquals(new String(data), new String(s.getInputStream().readNBytes(data.length)));
        }
    }

    @Test
    void aProxyWhoseServerIsDownAcceptsThenCloses() throws Exception {
        int dead;
        try (ServerSocket free = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            dead = free.getLocalPort();
        }
        String listen = backend.addProxy("server-1", "127.0.0.1:" + dead);
        try (Socket s = connect(listen)) {
            s.getOutputStream().write("ping".getBytes());
            assertEquals("end", answerOrEnd(s));
        }
    }

    @Test
    void removeAllThenCloseLeaveNothingOfTheRunAndTouchNothingElse() throws Exception {
        String other = "other-" + runId;
        createOtherProxy(other, echo.address());
        try {
            backend.addProxy("server-1", echo.address());
            backend.addProxy("server-2", echo.address());
            backend.apply("server-1", fault(FaultType.LATENCY, Map.of("latency", 10, "jitter", 0)));
            backend.apply("server-2", new Fault(FaultType.BANDWIDTH, Map.of("rate", 10), Direction.BOTH, 0.5, SourcePos.UNKNOWN));
            backend.apply("server-2", fault(FaultType.DOWN, Map.of()));
            assertEquals(2, ofThisRun().size());
            assertEquals(3, ofThisRun().values().stream().mapToInt(p -> p.toxics().size()).sum());
            backend.removeAll();
            for (ProxyInfo p : ofThisRun().values()) {
                assertTrue(p.toxics().isEmpty(), "toxics left on " + p.name() + ": " + p.toxics());
                assertTrue(p.enabled(), p.name() + " left disabled");
            }
            backend.close();
            assertEquals(Map.of(), ofThisRun());
            assertTrue(proxies().containsKey(other), "someone else's proxy was deleted");
        } finally {
            deleteOtherProxy(other);
        }
    }

    @Test
    void everyNameCarriesTheRunId() throws Exception {
        backend.addProxy("server-1", echo.address());
        backend.apply("server-1", fault(FaultType.SLOW_CLOSE, Map.of("delay", 100)));
        ProxyInfo p = ofThisRun().values().iterator().next();
        assertEquals(runId + "-server-1", p.name());
        assertEquals(1, p.toxics().size());
        assertTrue(p.toxics().get(0).name().startsWith(runId + "-"), p.toxics().get(0).name());
    }

    @Test
    void faultsOnAnUnknownServerAreAClearError() {
        var e = assertThrows(FaultBackend.FaultException.class,
            () -> backend.apply("nope", fault(FaultType.LATENCY, Map.of("latency", 1, "jitter", 0))));
        assertTrue(e.getMessage().contains("nope"), e.getMessage());
    }

    /** Answers every byte with itself. */
    static final class EchoServer implements AutoCloseable {
        final ServerSocket server;
        final Thread thread;

        EchoServer() throws IOException {
            server = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
            thread = Thread.ofPlatform().daemon().start(() -> {
                while (!server.isClosed()) {
                    try {
                        Socket c = server.accept();
                        Thread.ofPlatform().daemon().start(() -> {
                            try (c; InputStream in = c.getInputStream(); OutputStream out = c.getOutputStream()) {
                                in.transferTo(out);
                            } catch (IOException ignored) {
                                // peer went away
                            }
                        });
                    } catch (IOException e) {
                        return;
                    }
                }
            });
        }

        String address() {
            return "127.0.0.1:" + server.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }
}
