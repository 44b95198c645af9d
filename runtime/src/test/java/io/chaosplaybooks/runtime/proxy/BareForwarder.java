package io.chaosplaybooks.runtime.proxy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * The control for bench/proxy: the least a thread-pair-per-connection TCP forwarder can do (two
 * threads, a 64 KiB buffer each, read/write, nothing else). The engine's cost beyond this one is
 * what its design adds; the cost of this one is what the architecture and the machine cost.
 */
final class BareForwarder implements AutoCloseable {
    private final ServerSocket server;
    private final InetSocketAddress upstream;

    BareForwarder(InetSocketAddress upstream) throws IOException {
        this.upstream = upstream;
        server = new ServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
        Thread.ofPlatform().daemon().name("bare-accept").start(this::acceptLoop);
    }

    int port() {
        return server.getLocalPort();
    }

    private void acceptLoop() {
        while (true) {
            try {
                Socket client = server.accept();
                Socket target = new Socket();
                target.connect(upstream);
                client.setTcpNoDelay(true);
                target.setTcpNoDelay(true);
                Thread.ofPlatform().daemon().stackSize(256 * 1024).start(() -> copy(client, target));
                Thread.ofPlatform().daemon().stackSize(256 * 1024).start(() -> copy(target, client));
            } catch (IOException e) {
                return;
            }
        }
    }

    private static void copy(Socket from, Socket to) {
        byte[] buffer = new byte[64 * 1024];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            int n;
            while ((n = in.read(buffer)) >= 0) {
                out.write(buffer, 0, n);
            }
        } catch (IOException ignored) {
            // Either side went away: close both below.
        } finally {
            try {
                from.close();
                to.close();
            } catch (IOException ignored) {
                // Closed either way.
            }
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
