package io.chaosplaybooks.runtime.proxy;

import java.io.IOException;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One client connection and its upstream connection: two {@link Link}s, one per direction, each
 * read by its own platform thread (a thread pair per connection measured better than virtual threads
 * for this copy loop). The object itself is the lock both links share.
 */
final class ProxyConnection {
    private static final AtomicLong IDS = new AtomicLong();
    /** Small stacks: 10,000 connections are 20,000 threads, and a copy loop needs little stack. */
    private static final long THREAD_STACK_BYTES = 256 * 1024;

    private final Proxy proxy;
    private final long id = IDS.incrementAndGet();
    final Socket client;
    final Socket server;
    final Link upstream;
    final Link downstream;
    private volatile boolean closed;

    ProxyConnection(Proxy proxy, Socket client, Socket server) {
        this.proxy = proxy;
        this.client = client;
        this.server = server;
        this.upstream = new Link(this, "upstream", client, server, proxy.bytesUpstream);
        this.downstream = new Link(this, "downstream", server, client, proxy.bytesDownstream);
    }

    static Thread newThread(String name, Runnable body) {
        return Thread.ofPlatform().name(name).daemon(true).stackSize(THREAD_STACK_BYTES).unstarted(body);
    }

    String threadName(String role) {
        return "proxy-" + proxy.name + "-" + id + "-" + role;
    }

    Link link(String stream) {
        return stream.equals("upstream") ? upstream : downstream;
    }

    boolean isClosed() {
        return closed;
    }

    /** Starts the downstream reader on a new thread and runs the upstream reader on the calling one. */
    void run() {
        newThread(threadName("downstream"), downstream::pump).start();
        upstream.pump();
    }

    /** Under the lock: the link delivered its EOF; the connection closes once both directions have. */
    void halfClose(Link link, Socket target) {
        try {
            target.shutdownOutput();
        } catch (IOException e) {
            close();
            return;
        }
        if (upstream.ended() && downstream.ended()) {
            close();
        }
    }

    void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            closeQuietly(client);
            closeQuietly(server);
            notifyAll();
        }
        proxy.forget(this);
    }

    /** Closes both sockets with an RST instead of a FIN. */
    void reset() {
        synchronized (this) {
            if (closed) {
                return;
            }
            for (Socket s : new Socket[] {client, server}) {
                try {
                    s.setSoLinger(true, 0);
                } catch (IOException ignored) {
                    // Already gone: a close is all that is left to do.
                }
            }
        }
        close();
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // Nothing to do: the socket is gone either way.
        }
    }
}
