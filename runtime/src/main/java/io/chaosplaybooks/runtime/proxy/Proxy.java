package io.chaosplaybooks.runtime.proxy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.Channel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * One TCP proxy: a listener, its live connections, and the toxics of each direction.
 * A change to its toxics is handed to every live connection under this object's lock, which a new
 * connection also takes to copy the chains, so no connection misses a change or sees one twice.
 */
final class Proxy {
    static final int CONNECT_TIMEOUT_MS = 5_000;

    /** A toxic as installed on the proxy: configuration only, shared by its connections. */
    record InstalledToxic(String name, String stream, double toxicity, Toxic toxic) {
        ToxicSpec spec() {
            return new ToxicSpec(name, toxic.type(), stream, toxicity, toxic.attributes());
        }
    }

    final String name;
    private String listen;
    private String upstream;
    private boolean enabled;
    private final List<InstalledToxic> upstreamToxics = new ArrayList<>();
    private final List<InstalledToxic> downstreamToxics = new ArrayList<>();
    private final Set<ProxyConnection> connections = ConcurrentHashMap.newKeySet();
    private final IoLoopGroup loops;
    private ServerSocketChannel listener;
    private Thread acceptThread;
    final LongAdder bytesUpstream = new LongAdder();
    final LongAdder bytesDownstream = new LongAdder();

    Proxy(String name, String listen, String upstream, IoLoopGroup loops) {
        this.name = name;
        this.loops = loops;
        this.listen = listen;
        this.upstream = upstream;
    }

    synchronized ProxyInfo info() {
        return new ProxyInfo(name, listen, upstream, enabled, toxics());
    }

    synchronized List<ToxicSpec> toxics() {
        List<ToxicSpec> all = new ArrayList<>();
        upstreamToxics.forEach(t -> all.add(t.spec()));
        downstreamToxics.forEach(t -> all.add(t.spec()));
        return all;
    }

    synchronized ProxyStats stats() {
        return new ProxyStats(name, bytesUpstream.sum(), bytesDownstream.sum(), connections.size(),
            upstreamToxics.size() + downstreamToxics.size());
    }

    synchronized String listen() {
        return listen;
    }

    synchronized String upstream() {
        return upstream;
    }

    synchronized boolean enabled() {
        return enabled;
    }

    // ---- lifecycle ----

    /** Binds the listen address (port 0 → a free port, written back into listen) and starts accepting. */
    synchronized void enable() {
        if (enabled) {
            return;
        }
        InetSocketAddress address = Addresses.parse(listen, "listen");
        ServerSocketChannel socket = null;
        try {
            socket = ServerSocketChannel.open();
            socket.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            socket.bind(address, 1024);
        } catch (IOException e) {
            closeQuietly(socket);
            throw new FaultEngineException(500,
                "proxy " + name + ": cannot listen on " + listen + ": " + e.getMessage(), e);
        }
        listener = socket;
        InetSocketAddress bound = (InetSocketAddress) socket.socket().getLocalSocketAddress();
        listen = Addresses.format(bound.getAddress(), bound.getPort());
        enabled = true;
        ServerSocketChannel acceptingOn = socket;
        acceptThread = Thread.ofPlatform().name("proxy-" + name + "-accept").daemon(true)
            .unstarted(() -> acceptLoop(acceptingOn));
        acceptThread.start();
    }

    /** Stops listening and closes every open connection; toxics stay. */
    void disable() {
        synchronized (this) {
            if (!enabled) {
                return;
            }
            enabled = false;
            closeQuietly(listener);
            listener = null;
            // The JDK closes a listening socket's descriptor only once the thread blocked in accept()
            // has left it: wait, so that re-enabling can bind the same port again.
            try {
                acceptThread.join(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            acceptThread = null;
        }
        for (ProxyConnection c : List.copyOf(connections)) {
            c.close();
        }
    }

    /** Changes listen and/or upstream, restarting the proxy if enabled; on failure the old settings stay. */
    synchronized void reconfigure(String newListen, String newUpstream) {
        String oldListen = listen;
        String oldUpstream = upstream;
        boolean wasEnabled = enabled;
        disable();
        listen = newListen;
        upstream = newUpstream;
        if (wasEnabled) {
            try {
                enable();
            } catch (FaultEngineException e) {
                listen = oldListen;
                upstream = oldUpstream;
                try {
                    enable();
                } catch (FaultEngineException ignored) {
                    // The old port was taken meanwhile: the proxy stays disabled, which info() shows.
                }
                throw e;
            }
        }
    }

    private void acceptLoop(ServerSocketChannel socket) {
        while (true) {
            SocketChannel client;
            try {
                client = socket.accept();
            } catch (IOException e) {
                return; // listener closed: disabled or deleted
            }
            // Connecting upstream may take up to the connect timeout: not on the accept thread.
            Thread.ofVirtual().name("proxy-" + name + "-connect").start(() -> connect(client));
        }
    }

    /** Connects upstream, then hands both sockets to an event loop. */
    private void connect(SocketChannel client) {
        SocketChannel server = null;
        try {
            server = SocketChannel.open();
            client.setOption(StandardSocketOptions.TCP_NODELAY, true);
            server.setOption(StandardSocketOptions.TCP_NODELAY, true);
            server.socket().connect(Addresses.parse(upstream(), "upstream"), CONNECT_TIMEOUT_MS);
            client.configureBlocking(false);
            server.configureBlocking(false);
        } catch (IOException | FaultEngineException e) {
            // Upstream down: as Toxiproxy, accept the client and close it.
            closeQuietly(client);
            closeQuietly(server);
            return;
        }
        IoLoop loop = loops.next();
        ProxyConnection connection = new ProxyConnection(this, loop, client, server);
        if (!register(connection)) {
            closeQuietly(client);
            closeQuietly(server);
            return;
        }
        loop.execute(connection::start);
    }

    private boolean register(ProxyConnection connection) {
        synchronized (this) {
            if (!enabled) {
                return false;
            }
            connections.add(connection);
            // Not yet on its loop: the chains can be filled from this thread.
            long now = Times.now();
            for (InstalledToxic t : upstreamToxics) {
                connection.upstream.chain.add(t.name(), t.toxic(), t.toxicity(), now);
            }
            for (InstalledToxic t : downstreamToxics) {
                connection.downstream.chain.add(t.name(), t.toxic(), t.toxicity(), now);
            }
            return true;
        }
    }

    void forget(ProxyConnection connection) {
        connections.remove(connection);
    }

    int openConnections() {
        return connections.size();
    }

    // ---- toxics ----

    synchronized InstalledToxic toxic(String toxicName) {
        for (InstalledToxic t : upstreamToxics) {
            if (t.name().equals(toxicName)) {
                return t;
            }
        }
        for (InstalledToxic t : downstreamToxics) {
            if (t.name().equals(toxicName)) {
                return t;
            }
        }
        return null;
    }

    synchronized void addToxic(InstalledToxic toxic) {
        listOf(toxic.stream()).add(toxic);
        forEachLink(toxic.stream(), link -> link.chain.add(toxic.name(), toxic.toxic(), toxic.toxicity(), Times.now()));
    }

    synchronized void replaceToxic(InstalledToxic toxic) {
        List<InstalledToxic> list = listOf(toxic.stream());
        for (int i = 0; i < list.size(); i++) {
            if (list.get(i).name().equals(toxic.name())) {
                list.set(i, toxic);
            }
        }
        forEachLink(toxic.stream(), link -> {
            long now = Times.now();
            link.chain.replace(toxic.name(), toxic.toxic(), toxic.toxicity(), now);
            link.releaseQueued(now);
        });
    }

    synchronized void removeToxic(InstalledToxic toxic) {
        listOf(toxic.stream()).removeIf(t -> t.name().equals(toxic.name()));
        forEachLink(toxic.stream(), link -> {
            long now = Times.now();
            link.chain.remove(toxic.name(), now);
            link.releaseQueued(now);
        });
    }

    synchronized void removeAllToxics() {
        for (InstalledToxic t : List.copyOf(upstreamToxics)) {
            removeToxic(t);
        }
        for (InstalledToxic t : List.copyOf(downstreamToxics)) {
            removeToxic(t);
        }
    }

    private List<InstalledToxic> listOf(String stream) {
        return stream.equals("upstream") ? upstreamToxics : downstreamToxics;
    }

    /** Hands the change to every live connection; each runs it on its loop (see ProxyConnection#change). */
    private void forEachLink(String stream, Consumer<Link> change) {
        for (ProxyConnection c : connections) {
            Link link = c.link(stream);
            c.change(() -> change.accept(link));
        }
    }

    static void closeQuietly(Channel c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (IOException ignored) {
            // Gone either way.
        }
    }
}
