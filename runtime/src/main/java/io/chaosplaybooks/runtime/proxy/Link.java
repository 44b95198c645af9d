package io.chaosplaybooks.runtime.proxy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.concurrent.atomic.LongAdder;

/**
 * One direction of a proxied connection: reads the source socket and writes the target socket, on
 * the connection's {@link IoLoop}.
 *
 * <pre>
 *   source readable ─┬─ no toxics, nothing queued ─────────────────────────► write (fast path)
 *                    └─ ToxicChain ─► queue of (bytes | end, due time) ─► write when due
 *                                                 ▲            (loop timer; OP_WRITE when the
 *                                                 │             target's send buffer is full)
 *                               toxic added/updated/removed: queued data released, loop told
 * </pre>
 *
 * With no toxics a read is written straight from the loop's buffer, so a toxic-free proxy costs one
 * read and one write per chunk and no copy. The fast path is taken only when the queue is empty, so
 * bytes are never reordered. When a toxic is updated or removed, everything queued is made due at
 * once: data a toxic was holding is passed on, never dropped. When more than
 * {@link #MAX_QUEUED_BYTES} are queued the link stops reading, so a stalled toxic pushes back on the
 * sender through TCP.
 *
 * <p>All state, the chain's included, belongs to the loop's thread: no lock is taken on the data path.
 * Other threads change a chain by handing the change to the connection ({@link ProxyConnection#change}),
 * which the loop applies before it handles anything else of that connection.
 */
final class Link extends IoLoop.Timed implements FlowOutput {
    static final long MAX_QUEUED_BYTES = 4L * 1024 * 1024;

    private final ProxyConnection connection;
    private final SocketChannel source;
    private final SocketChannel target;
    private final LongAdder bytesOut;
    final ToxicChain chain = new ToxicChain(this);

    private final ArrayDeque<Item> queue = new ArrayDeque<>(4);
    private long queuedBytes;
    /** The source sent its FIN: nothing more to read. */
    private boolean sourceDone;
    /** The target's send buffer is full: the head of the queue waits for OP_WRITE. */
    private boolean blocked;
    private boolean ended;

    /** A queued event: bytes to write (the buffer's position tracks a partial write), or the end of the stream. */
    private static final class Item {
        final ByteBuffer bytes;
        final EndKind end;
        /** Mutable: a toxic change releases it. */
        long due;

        Item(ByteBuffer bytes, EndKind end, long due) {
            this.bytes = bytes;
            this.end = end;
            this.due = due;
        }
    }

    Link(ProxyConnection connection, SocketChannel source, SocketChannel target, LongAdder bytesOut) {
        this.connection = connection;
        this.source = source;
        this.target = target;
        this.bytesOut = bytesOut;
    }

    // ---- the loop's calls ----

    /** Loop thread: the source has bytes (or its end) to read. */
    void readable() {
        ByteBuffer buffer = connection.loop.readBuffer;
        buffer.clear();
        int n;
        try {
            n = source.read(buffer);
        } catch (IOException e) {
            connection.close(); // reset by a peer, or our own close: either way this connection is over
            return;
        }
        if (n == 0) {
            return;
        }
        if (connection.isClosed()) {
            return;
        }
        long now = Times.now();
        boolean direct = chain.isEmpty() && queue.isEmpty();
        if (n < 0) {
            sourceDone = true;
            if (direct) {
                endNow(EndKind.EOF);
            } else {
                chain.end(EndKind.EOF, now);
            }
        } else if (direct) {
            buffer.flip();
            if (!write(buffer)) {
                return;
            }
            if (buffer.hasRemaining()) {
                ByteBuffer rest = ByteBuffer.allocate(buffer.remaining());
                rest.put(buffer).flip();
                data(rest, now);
            }
        } else {
            byte[] bytes = new byte[n];
            buffer.flip();
            buffer.get(bytes);
            chain.data(bytes, now);
        }
        service(now);
    }

    /** Loop thread: the target's send buffer has room again. */
    void writable() {
        blocked = false;
        service(Times.now());
    }

    @Override
    void timerDue() {
        service(Times.now());
    }

    boolean wantsRead() {
        return !sourceDone && queuedBytes <= MAX_QUEUED_BYTES;
    }

    boolean wantsWrite() {
        return blocked;
    }

    boolean ended() {
        return ended;
    }

    /**
     * Loop thread: fires due toxic timers, writes what is due, and sets the loop's timer for what is
     * due next and the sockets' interest for what the link waits for. Also run when the connection
     * starts and after each change of its chain.
     */
    void service(long now) {
        if (connection.isClosed()) {
            return;
        }
        if (chain.nextTimer() <= now) {
            chain.fireDueTimers(now);
        }
        deliverDue(now);
        if (connection.isClosed()) {
            return;
        }
        long next = chain.nextTimer();
        Item head = queue.peek();
        if (head != null && !blocked) {
            next = Math.min(next, head.due);
        }
        connection.loop.schedule(this, next);
        connection.updateInterest();
    }

    /** Writes every queued item that is due, in order, until the target's buffer is full. */
    private void deliverDue(long now) {
        Item head;
        while ((head = queue.peek()) != null && head.due <= now) {
            if (head.end != null) {
                queue.poll();
                endNow(head.end);
                return;
            }
            if (!write(head.bytes)) {
                return;
            }
            if (head.bytes.hasRemaining()) {
                blocked = true;
                return;
            }
            queue.poll();
            queuedBytes -= head.bytes.limit();
        }
        blocked = false;
    }

    /** One non-blocking write; false (and the connection closed) if the target is gone. */
    private boolean write(ByteBuffer bytes) {
        try {
            int n = target.write(bytes);
            bytesOut.add(n);
            return true;
        } catch (IOException e) {
            connection.close();
            return false;
        }
    }

    /** Loop thread, after a toxic was updated or removed: what the chain held back is due now. */
    void releaseQueued(long now) {
        for (Item item : queue) {
            item.due = Math.min(item.due, now);
        }
    }

    // ---- FlowOutput: the end of the chain. Loop thread. ----

    @Override
    public void data(byte[] bytes, long at) {
        data(ByteBuffer.wrap(bytes), at);
    }

    private void data(ByteBuffer bytes, long at) {
        if (ended) {
            return;
        }
        queue.add(new Item(bytes, null, at));
        queuedBytes += bytes.remaining();
    }

    @Override
    public void end(EndKind kind, long at) {
        if (ended) {
            return;
        }
        if (kind == EndKind.RESET) {
            // RST discards what is queued, as the kernel does: no point in waiting for it.
            connection.reset();
            return;
        }
        queue.add(new Item(null, kind, at));
    }

    @Override
    public void endAfter(EndKind kind, long deadline) {
        throw new UnsupportedOperationException("timers belong to toxics");
    }

    private void endNow(EndKind kind) {
        if (ended) {
            return;
        }
        if (kind == EndKind.EOF) {
            ended = true;
            connection.halfClose(target);
        } else {
            connection.close();
        }
    }
}
