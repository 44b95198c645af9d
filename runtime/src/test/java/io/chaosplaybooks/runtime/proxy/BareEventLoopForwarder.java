package io.chaosplaybooks.runtime.proxy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Iterator;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The second control for bench/proxy: the least an event-loop TCP forwarder can do (a selector
 * thread per core, one read and one write per ready socket, no toxics, no bookkeeping). For
 * request/response traffic only: a write that does not complete at once is retried in a loop.
 * The engine's cost beyond this one is what its toxic pipeline adds.
 */
final class BareEventLoopForwarder implements AutoCloseable {
    private final ServerSocketChannel server;
    private final InetSocketAddress upstream;
    private final Selector[] selectors;
    private final ConcurrentLinkedQueue<SocketChannel[]>[] pending;

    @SuppressWarnings("unchecked")
    BareEventLoopForwarder(InetSocketAddress upstream, int loops) throws IOException {
        this.upstream = upstream;
        server = ServerSocketChannel.open();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
        selectors = new Selector[loops];
        pending = new ConcurrentLinkedQueue[loops];
        for (int i = 0; i < loops; i++) {
            selectors[i] = Selector.open();
            pending[i] = new ConcurrentLinkedQueue<>();
            int k = i;
            Thread.ofPlatform().daemon().name("bare-loop-" + i).start(() -> loop(k));
        }
        Thread.ofPlatform().daemon().name("bare-loop-accept").start(this::acceptLoop);
    }

    int port() throws IOException {
        return ((InetSocketAddress) server.getLocalAddress()).getPort();
    }

    private void acceptLoop() {
        int n = 0;
        while (true) {
            try {
                SocketChannel client = server.accept();
                SocketChannel target = SocketChannel.open(upstream);
                for (SocketChannel c : new SocketChannel[] {client, target}) {
                    c.setOption(StandardSocketOptions.TCP_NODELAY, true);
                    c.configureBlocking(false);
                }
                int k = n++ % selectors.length;
                pending[k].add(new SocketChannel[] {client, target});
                selectors[k].wakeup();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void loop(int k) {
        Selector selector = selectors[k];
        ByteBuffer buffer = ByteBuffer.allocateDirect(64 * 1024);
        try {
            while (selector.isOpen()) {
                selector.select();
                SocketChannel[] pair;
                while ((pair = pending[k].poll()) != null) {
                    pair[0].register(selector, SelectionKey.OP_READ, pair[1]);
                    pair[1].register(selector, SelectionKey.OP_READ, pair[0]);
                }
                Iterator<SelectionKey> ready = selector.selectedKeys().iterator();
                while (ready.hasNext()) {
                    SelectionKey key = ready.next();
                    ready.remove();
                    SocketChannel from = (SocketChannel) key.channel();
                    SocketChannel to = (SocketChannel) key.attachment();
                    try {
                        buffer.clear();
                        if (from.read(buffer) < 0) {
                            from.close();
                            to.close();
                            continue;
                        }
                        buffer.flip();
                        while (buffer.hasRemaining()) {
                            to.write(buffer);
                        }
                    } catch (IOException e) {
                        from.close();
                        to.close();
                    }
                }
            }
        } catch (IOException | java.nio.channels.ClosedSelectorException e) {
            // closed: the benchmark is over
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Selector s : selectors) {
            s.close();
        }
    }
}
