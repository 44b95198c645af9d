package io.chaosplaybooks.runtime.proxy;

import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One client connection and its upstream connection: two {@link Link}s, one per direction, served
 * by one {@link IoLoop} (an event loop per core measured about 1.5 times the throughput of a thread
 * pair per connection, and an idle connection holds no thread).
 *
 * <p>Everything but {@link #closed} belongs to the loop's thread. Other threads (the API adding a
 * toxic) hand changes over with {@link #change}: the loop applies them before it handles any other
 * event of this connection, so every chunk it reads after the change was handed over meets it, and
 * the caller never waits for a lock the busy loop holds.
 */
final class ProxyConnection implements IoLoop.Handler {
    private final Proxy proxy;
    final IoLoop loop;
    final SocketChannel client;
    final SocketChannel server;
    final Link upstream;
    final Link downstream;
    /** Loop thread only; null until {@link #start}. */
    private SelectionKey clientKey;
    private SelectionKey serverKey;
    private volatile boolean closed;
    private volatile boolean reset;
    private final ConcurrentLinkedQueue<Runnable> changes = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean changesPosted = new AtomicBoolean();

    ProxyConnection(Proxy proxy, IoLoop loop, SocketChannel client, SocketChannel server) {
        this.proxy = proxy;
        this.loop = loop;
        this.client = client;
        this.server = server;
        this.upstream = new Link(this, client, server, proxy.bytesUpstream);
        this.downstream = new Link(this, server, client, proxy.bytesDownstream);
    }

    Link link(String stream) {
        return stream.equals("upstream") ? upstream : downstream;
    }

    boolean isClosed() {
        return closed;
    }

    /** Loop thread: registers both sockets and lets each link act on the toxics it was given. */
    void start() {
        if (closed) {
            closeChannels();
            return;
        }
        try {
            clientKey = loop.register(client, 0, this);
            serverKey = loop.register(server, 0, this);
        } catch (IOException e) {
            close();
            return;
        }
        applyChanges();
        serviceBoth();
    }

    /** From any thread: {@code change} runs on the loop before this connection's next event. */
    void change(Runnable change) {
        changes.add(change);
        if (changesPosted.compareAndSet(false, true)) {
            loop.execute(this::changesPosted);
        }
    }

    private void changesPosted() {
        changesPosted.set(false);
        if (clientKey != null && applyChanges()) {
            serviceBoth();
        }
    }

    /** Loop thread: after a change either link may have something due, a timer to arm, another interest. */
    private void serviceBoth() {
        long now = Times.now();
        upstream.service(now);
        downstream.service(now);
    }

    /** Loop thread: runs the changes handed over so far; true if there were any. */
    private boolean applyChanges() {
        boolean any = false;
        Runnable change;
        while ((change = changes.poll()) != null) {
            any = true;
            if (!closed) {
                change.run();
            }
        }
        return any;
    }

    @Override
    public void ready(SelectionKey key) {
        if (!changes.isEmpty() && applyChanges()) {
            serviceBoth();
        }
        // A change just applied (a removed timeout or loss toxic) may have closed the connection: its keys are cancelled.
        if (closed || !key.isValid()) {
            return;
        }
        int ops = key.readyOps();
        boolean fromClient = key == clientKey;
        if ((ops & SelectionKey.OP_WRITE) != 0) {
            (fromClient ? downstream : upstream).writable();
        }
        if ((ops & SelectionKey.OP_READ) != 0 && !closed) {
            (fromClient ? upstream : downstream).readable();
        }
    }

    /** Loop thread: each socket's interest from what the two links wait for. */
    void updateInterest() {
        if (closed || clientKey == null) {
            return;
        }
        setInterest(clientKey, (upstream.wantsRead() ? SelectionKey.OP_READ : 0) | (downstream.wantsWrite() ? SelectionKey.OP_WRITE : 0));
        setInterest(serverKey, (downstream.wantsRead() ? SelectionKey.OP_READ : 0) | (upstream.wantsWrite() ? SelectionKey.OP_WRITE : 0));
    }

    private static void setInterest(SelectionKey key, int ops) {
        if (key.isValid() && key.interestOps() != ops) {
            key.interestOps(ops);
        }
    }

    /** Loop thread: a link delivered its EOF; the connection closes once both directions have. */
    void halfClose(SocketChannel target) {
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

    /** From any thread: the connection is closed at once for its links, its sockets on the loop. */
    void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        proxy.forget(this);
        if (loop.inLoop()) {
            closeChannels();
        } else {
            loop.execute(this::closeChannels);
        }
    }

    /** Closes both sockets with an RST instead of a FIN. */
    void reset() {
        if (closed) {
            return;
        }
        reset = true;
        close();
    }

    /**
     * Loop thread. A socket registered with a selector is released by the selector's next pass, which
     * follows at once; until then the JDK shuts it down for writing (the peer sees its FIN), or, with
     * SO_LINGER 0, leaves it to be reset when released.
     */
    private void closeChannels() {
        for (SocketChannel s : new SocketChannel[] {client, server}) {
            if (reset) {
                try {
                    s.setOption(StandardSocketOptions.SO_LINGER, 0);
                } catch (IOException ignored) {
                    // Already gone: a close is all that is left to do.
                }
            }
            Proxy.closeQuietly(s);
        }
    }
}
