package io.chaosplaybooks.runtime.faults;

import io.chaosplaybooks.dsl.plan.Direction;
import io.chaosplaybooks.dsl.plan.Fault;
import io.chaosplaybooks.dsl.plan.FaultType;
import io.chaosplaybooks.dsl.plan.SourcePos;
import io.chaosplaybooks.runtime.exec.FaultBackend;
import io.chaosplaybooks.runtime.proxy.FaultEngine;
import io.chaosplaybooks.runtime.proxy.ProxySpec;
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
 * Timing assertions carry a stated tolerance (shared 2-core machine).
 */
abstract class FaultBackendContract {
    /** The engine behind the backend, to look at what is left; the backend under test talks to it its own way. */
    protected FaultEngine engine;
    protected FaultBackend backend;
    private EchoServer echo;

    protected abstract FaultBackend createBackend(FaultEngine engine, String runId) throws Exception;

    protected void stopServing() {}

    @BeforeEach
    void start() throws Exception {
        engine = new FaultEngine();
        echo = new EchoServer();
        backend = createBackend(engine, "run1");
    }

    @AfterEach
    void stop() throws Exception {
        backend.close();
        stopServing();
        engine.close();
        echo.close();
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

    @Test
    void removeAllThenCloseLeaveNothingOfTheRunAndTouchNothingElse() throws Exception {
        engine.createProxy(ProxySpec.of("someone-elses", "127.0.0.1:0", echo.address()));
        backend.addProxy("server-1", echo.address());
        backend.addProxy("server-2", echo.address());
        backend.apply("server-1", fault(FaultType.LATENCY, Map.of("latency", 10, "jitter", 0)));
        backend.apply("server-2", new Fault(FaultType.BANDWIDTH, Map.of("rate", 10), Direction.BOTH, 0.5, SourcePos.UNKNOWN));
        backend.apply("server-2", fault(FaultType.DOWN, Map.of()));
        assertEquals(3, engine.proxies().size());
        backend.removeAll();
        engine.proxies().values().forEach(p -> {
            assertTrue(p.toxics().isEmpty(), "toxics left on " + p.name() + ": " + p.toxics());
            assertTrue(p.enabled(), p.name() + " left disabled");
        });
        backend.close();
        assertEquals(java.util.Set.of("someone-elses"), engine.proxies().keySet());
    }

    @Test
    void everyNameCarriesTheRunId() throws Exception {
        backend.addProxy("server-1", echo.address());
        backend.apply("server-1", fault(FaultType.SLOW_CLOSE, Map.of("delay", 100)));
        var p = engine.proxies().values().iterator().next();
        assertTrue(p.name().startsWith("run1-"), p.name());
        assertTrue(p.toxics().get(0).name().startsWith("run1-"), p.toxics().get(0).name());
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
