package io.chaosplaybooks.runtime.load;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Test-only TCP proxy on 127.0.0.1, standing in for the fault engine that is being built in
 * parallel: FORWARD; BLACKHOLE (accepts and reads, never delivers: like Toxiproxy's timeout toxic
 * with timeout 0); STALL (holds the bytes and delivers them when the mode changes); DOWN (drops
 * every connection and closes new ones at once, like a disabled proxy or a crashed server).
 */
final class FaultyTcpProxy implements AutoCloseable {
    enum Mode { FORWARD, BLACKHOLE, STALL, DOWN }

    private final ServerSocket listener;
    private final InetSocketAddress upstream;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final Object modeLock = new Object();
    private volatile Mode mode = Mode.FORWARD;
    private volatile boolean closed;

    FaultyTcpProxy(String upstreamHost, int upstreamPort) throws IOException {
        this.upstream = new InetSocketAddress(upstreamHost, upstreamPort);
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofPlatform().daemon().name("test-proxy-accept").start(this::acceptLoop);
    }

    int port() {
        return listener.getLocalPort();
    }

    void mode(Mode m) {
        synchronized (modeLock) {
            mode = m;
            modeLock.notifyAll();
        }
        if (m == Mode.DOWN) {
            for (Socket s : sockets) {
                closeQuietly(s);
            }
        }
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket client = listener.accept();
                if (mode == Mode.DOWN) {
                    client.setSoLinger(true, 0); // reset, as a refused or crashed server would
                    client.close();
                    continue;
                }
                Socket server = new Socket();
                server.connect(upstream, 2000);
                client.setTcpNoDelay(true);
                server.setTcpNoDelay(true);
                sockets.add(client);
                sockets.add(server);
                Thread.ofPlatform().daemon().start(() -> pump(client, server));
                Thread.ofPlatform().daemon().start(() -> pump(server, client));
            } catch (IOException e) {
                if (closed) {
                    return;
                }
            }
        }
    }

    private void pump(Socket from, Socket to) {
        byte[] buf = new byte[64 * 1024];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            int n;
            while ((n = in.read(buf)) >= 0) {
                Mode m;
                synchronized (modeLock) {
                    while ((m = mode) == Mode.STALL && !closed) {
                        modeLock.wait(100);
                    }
                }
                if (m == Mode.BLACKHOLE) {
                    continue; // read and dropped
                }
                out.write(buf, 0, n);
                out.flush();
            }
        } catch (IOException | InterruptedException e) {
            // connection over
        } finally {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private void closeQuietly(Socket s) {
        sockets.remove(s);
        try {
            s.close();
        } catch (IOException ignored) {
            // closing
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        mode(Mode.FORWARD);
        listener.close();
        for (Socket s : sockets) {
            closeQuietly(s);
        }
    }
}
