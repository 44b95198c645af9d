package io.chaosplaybooks.runtime.proxy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Arrays;
import java.util.concurrent.atomic.LongAdder;

/**
 * One direction of a proxied connection: reads the source socket and writes the target socket.
 *
 * <pre>
 *   reader thread: read ─┬─ no toxics, nothing queued ──────────────────────────► write (fast path)
 *                        └─ ToxicChain ─► queue of (bytes | end, due time) ─┬─► write when due
 *                                                                           │   (reader if due now,
 *                                                                           └──  else delivery thread)
 * </pre>
 *
 * With no toxics the reader writes straight through, so an idle proxy costs a thread pair per
 * connection and one copy. The delivery thread starts only when something is due later. Exactly one
 * thread writes at a time ({@code delivering}), and the fast path is taken only when the queue is
 * empty, so bytes are never reordered. When a toxic is updated or removed, everything queued is made
 * due at once: data a toxic was holding is passed on, never dropped.
 *
 * <p>All state is guarded by the connection's lock, shared by both directions so that closing the
 * connection from either side never takes two locks.
 */
final class Link implements FlowOutput {
    static final int BUFFER_SIZE = 64 * 1024;
    /**
     * Readers start with a small buffer and switch to {@link #BUFFER_SIZE} the first time a read fills
     * it: request/response traffic never needs more, and 10,000 idle connections then hold 160 MB less.
     */
    static final int INITIAL_BUFFER_SIZE = 8 * 1024;
    /** Queued bytes beyond which the reader stops reading, so a stalled toxic pushes back on the sender through TCP. */
    static final long MAX_QUEUED_BYTES = 4L * 1024 * 1024;

    private final ProxyConnection connection;
    private final Object lock;
    final String stream;
    private final Socket source;
    private final Socket target;
    private final LongAdder bytesOut;
    final ToxicChain chain = new ToxicChain(this);

    private final ArrayDeque<Item> queue = new ArrayDeque<>();
    private long queuedBytes;
    private boolean delivering;
    private Thread deliveryThread;
    private boolean ended;

    /** A queued event: bytes to write, or the end of the stream. Due time is mutable: a toxic change releases it. */
    private static final class Item {
        final byte[] bytes;
        final EndKind end;
        long due;

        Item(byte[] bytes, EndKind end, long due) {
            this.bytes = bytes;
            this.end = end;
            this.due = due;
        }
    }

    Link(ProxyConnection connection, String stream, Socket source, Socket target, LongAdder bytesOut) {
        this.connection = connection;
        this.lock = connection;
        this.stream = stream;
        this.source = source;
        this.target = target;
        this.bytesOut = bytesOut;
    }

    /** The reader loop; runs on its own platform thread until the source ends or the connection closes. */
    void pump() {
        byte[] buffer = new byte[INITIAL_BUFFER_SIZE];
        try {
            InputStream in = source.getInputStream();
            OutputStream out = target.getOutputStream();
            while (true) {
                int n = in.read(buffer);
                boolean direct;
                synchronized (lock) {
                    if (connection.isClosed()) {
                        return;
                    }
                    direct = chain.isEmpty() && queue.isEmpty() && !delivering;
                    if (n < 0) {
                        if (direct) {
                            endNow(EndKind.EOF);
                        } else {
                            chain.end(EndKind.EOF, Times.now());
                            armTimers();
                        }
                        break;
                    }
                    if (!direct) {
                        chain.data(Arrays.copyOf(buffer, n), Times.now());
                        armTimers();
                    }
                }
                if (direct) {
                    out.write(buffer, 0, n);
                    bytesOut.add(n);
                } else {
                    deliverDue();
                    awaitRoom();
                }
                if (n == buffer.length && buffer.length < BUFFER_SIZE) {
                    buffer = new byte[BUFFER_SIZE]; // bulk traffic: fewer, larger reads
                }
            }
            deliverDue();
        } catch (IOException e) {
            // Reset by a peer, or our own close: either way this connection is over.
            connection.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            connection.close();
        }
    }

    /** Under the lock: a toxic may have armed a timer (reset_peer on first data); someone must wait for it. */
    private void armTimers() {
        if (deliveryThread == null && chain.nextTimer() != Times.NEVER) {
            startDeliveryThread();
        }
        lock.notifyAll();
    }

    private void awaitRoom() throws InterruptedException {
        synchronized (lock) {
            while (queuedBytes > MAX_QUEUED_BYTES && !connection.isClosed()) {
                lock.wait();
            }
        }
    }

    // ---- FlowOutput: the end of the chain. Called under the lock. ----

    @Override
    public void data(byte[] bytes, long at) {
        if (ended) {
            return;
        }
        queue.add(new Item(bytes, null, at));
        queuedBytes += bytes.length;
        scheduleDelivery(at);
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
        scheduleDelivery(at);
    }

    @Override
    public void endAfter(EndKind kind, long deadline) {
        throw new UnsupportedOperationException("timers belong to toxics");
    }

    private void scheduleDelivery(long due) {
        if (due > Times.now() && deliveryThread == null) {
            startDeliveryThread();
        }
        lock.notifyAll();
    }

    /** Called under the lock after the chain changed: toxic timers may be armed, queued data released. */
    void chainChanged(boolean releaseQueued) {
        if (releaseQueued) {
            long now = Times.now();
            for (Item item : queue) {
                item.due = Math.min(item.due, now);
            }
        }
        if (deliveryThread == null && (chain.nextTimer() != Times.NEVER || !queue.isEmpty())) {
            startDeliveryThread();
        }
        lock.notifyAll();
    }

    private void startDeliveryThread() {
        deliveryThread = ProxyConnection.newThread(connection.threadName(stream + "-delivery"), this::deliveryLoop);
        deliveryThread.start();
    }

    /** Waits for the next due item or toxic timer; lives as long as the connection. */
    private void deliveryLoop() {
        try {
            while (true) {
                synchronized (lock) {
                    while (true) {
                        if (connection.isClosed() || ended && queue.isEmpty()) {
                            return;
                        }
                        long now = Times.now();
                        if (chain.nextTimer() <= now) {
                            chain.fireDueTimers(now);
                            continue;
                        }
                        Item head = queue.peek();
                        if (head != null && head.due <= now && !delivering) {
                            break;
                        }
                        long wakeAt = chain.nextTimer();
                        if (head != null && !delivering) {
                            wakeAt = Math.min(wakeAt, head.due);
                        }
                        if (wakeAt == Times.NEVER) {
                            lock.wait();
                        } else {
                            long nanos = wakeAt - now;
                            lock.wait(nanos / 1_000_000, (int) (nanos % 1_000_000));
                        }
                    }
                }
                deliverDue();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            connection.close();
        }
    }

    /**
     * Writes every queued item that is due, in order; returns at once if another thread is writing.
     * Due items are taken in one batch under one lock (up to and including an end), so an idle
     * toxic (latency 0) costs a copy and two lock round trips per chunk, not more.
     */
    private void deliverDue() throws IOException {
        List<Item> batch = new ArrayList<>(4);
        while (true) {
            batch.clear();
            synchronized (lock) {
                if (delivering || connection.isClosed()) {
                    return;
                }
                long now = Times.now();
                Item head;
                while ((head = queue.peek()) != null && head.due <= now) {
                    batch.add(queue.poll());
                    if (head.end != null) {
                        break;
                    }
                }
                if (batch.isEmpty()) {
                    return;
                }
                delivering = true; // the queue may now be empty: this flag keeps the fast path off
            }
            try {
                OutputStream out = target.getOutputStream();
                for (Item item : batch) {
                    if (item.bytes != null) {
                        out.write(item.bytes);
                        bytesOut.add(item.bytes.length);
                    }
                }
            } finally {
                synchronized (lock) {
                    delivering = false;
                    for (Item item : batch) {
                        if (item.bytes != null) {
                            queuedBytes -= item.bytes.length;
                        }
                    }
                    Item last = batch.getLast();
                    if (last.end != null) {
                        endNow(last.end);
                    }
                    lock.notifyAll();
                }
            }
        }
    }

    /** Under the lock. */
    private void endNow(EndKind kind) {
        if (ended) {
            return;
        }
        if (kind == EndKind.EOF) {
            ended = true;
            connection.halfClose(this, target);
        } else {
            connection.close();
        }
    }

    boolean ended() {
        return ended;
    }
}
