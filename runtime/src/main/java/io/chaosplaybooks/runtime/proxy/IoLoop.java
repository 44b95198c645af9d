package io.chaosplaybooks.runtime.proxy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.Iterator;
import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * One event-loop thread: a selector over the sockets of its connections, a queue of tasks posted by
 * other threads, and a heap of timers (when a toxic's delayed chunk or its close is due).
 *
 * <pre>
 *   loop: run posted tasks ─► fire due timers ─► select(until the next timer) ─► ready sockets ─┐
 *     ▲                                                                                         │
 *     └─────────────────────────────────────────────────────────────────────────────────────────┘
 * </pre>
 *
 * Every socket read and write of a connection happens on its loop's thread, so a connection needs no
 * thread of its own: an idle one costs two sockets and a few small objects. Other threads (the API,
 * a proxy's connect thread) {@link #execute} tasks on the loop to start a connection or to hand it a
 * toxic change. One read buffer per loop serves all its connections.
 */
final class IoLoop implements AutoCloseable {
    /** What the loop calls back when a registered socket is ready (timers call {@link Timed#timerDue}). */
    interface Handler {
        void ready(SelectionKey key);
    }

    /** A timer set by {@link #schedule}; stale when its owner has since asked for another time. */
    private record Timer(long deadline, Timed owner) {}

    /** Something with one pending wake-up time: only the latest {@link #schedule} call counts. */
    abstract static class Timed {
        /** The deadline this object's live timer is set for; {@link Times#NEVER} when none. Loop thread only. */
        long scheduledAt = Times.NEVER;

        abstract void timerDue();
    }

    static final int READ_BUFFER_SIZE = 64 * 1024;

    private final Selector selector;
    private final Thread thread;
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final PriorityQueue<Timer> timers = new PriorityQueue<>((a, b) -> Long.compare(a.deadline, b.deadline));
    /** Shared by every connection of this loop: a read is copied out (or written on) before the next one. */
    final ByteBuffer readBuffer = ByteBuffer.allocateDirect(READ_BUFFER_SIZE);
    private volatile boolean closing;

    IoLoop(String name) {
        try {
            selector = Selector.open();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a selector for the fault engine", e);
        }
        thread = Thread.ofPlatform().name(name).daemon(true).unstarted(this::run);
        thread.start();
    }

    boolean inLoop() {
        return Thread.currentThread() == thread;
    }

    /** Runs the task on the loop's thread, soon; from the loop itself, after the current batch of events. */
    void execute(Runnable task) {
        tasks.add(task);
        if (!inLoop()) {
            selector.wakeup();
        }
    }

    /** Loop thread only: registers a channel for the given interest, with the handler as attachment. */
    SelectionKey register(SelectableChannel channel, int ops, Handler handler) throws IOException {
        return channel.register(selector, ops, handler);
    }

    /** Loop thread only: wakes {@code owner} at {@code deadline} (replacing any later wake-up it had). */
    void schedule(Timed owner, long deadline) {
        if (deadline == Times.NEVER || deadline >= owner.scheduledAt) {
            return;
        }
        owner.scheduledAt = deadline;
        timers.add(new Timer(deadline, owner));
    }

    private void run() {
        try {
            while (!closing) {
                Runnable task;
                while ((task = tasks.poll()) != null) {
                    runSafely(task);
                }
                long now = Times.now();
                fireTimers(now);
                if (!tasks.isEmpty()) {
                    selector.selectNow();
                } else {
                    Timer next = timers.peek();
                    if (next == null) {
                        selector.select();
                    } else {
                        long waitNanos = next.deadline - Times.now();
                        if (waitNanos <= 0) {
                            selector.selectNow();
                        } else {
                            // Selectors wait in whole milliseconds: round up, so a timer is never early.
                            selector.select(Math.max(1, (waitNanos + 999_999) / 1_000_000));
                        }
                    }
                }
                Iterator<SelectionKey> ready = selector.selectedKeys().iterator();
                while (ready.hasNext()) {
                    SelectionKey key = ready.next();
                    ready.remove();
                    if (key.isValid()) {
                        Handler handler = (Handler) key.attachment();
                        runSafely(() -> handler.ready(key));
                    }
                }
            }
        } catch (IOException | ClosedSelectorException e) {
            // The selector failed or was closed under us: nothing more this loop can do.
        } finally {
            Runnable task;
            while ((task = tasks.poll()) != null) {
                runSafely(task); // closes posted during shutdown still happen
            }
            try {
                selector.close();
            } catch (IOException ignored) {
                // Closing is all we wanted.
            }
        }
    }

    private void fireTimers(long now) {
        Timer t;
        while ((t = timers.peek()) != null && t.deadline <= now) {
            timers.poll();
            if (t.owner.scheduledAt == t.deadline) {
                t.owner.scheduledAt = Times.NEVER;
                Timed owner = t.owner;
                runSafely(owner::timerDue);
            }
        }
    }

    /** A bug in one connection's handling must not stop the loop that serves all the others. */
    private static void runSafely(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            Thread t = Thread.currentThread();
            t.getUncaughtExceptionHandler().uncaughtException(t, e);
        }
    }

    /** Stops the loop after it has run the tasks already posted; waits for it briefly. */
    @Override
    public void close() {
        closing = true;
        selector.wakeup();
        if (!inLoop()) {
            try {
                thread.join(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
