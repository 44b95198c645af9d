package io.chaosplaybooks.runtime.proxy;

import java.util.ArrayList;
import java.util.List;

/**
 * The event loops of one fault engine, one per core, started on the first connection (an engine that
 * only answers its API costs no loop threads). Connections are spread over them in turn. Closing
 * stops the loops; a later connection starts new ones.
 */
final class IoLoopGroup implements AutoCloseable {
    private final int size;
    private final List<IoLoop> loops = new ArrayList<>();
    private int next;

    IoLoopGroup() {
        this(Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors())));
    }

    IoLoopGroup(int size) {
        this.size = size;
    }

    synchronized IoLoop next() {
        if (loops.size() < size) {
            IoLoop loop = new IoLoop("fault-engine-io-" + (loops.size() + 1));
            loops.add(loop);
            return loop;
        }
        IoLoop loop = loops.get(next);
        next = (next + 1) % loops.size();
        return loop;
    }

    @Override
    public synchronized void close() {
        for (IoLoop loop : loops) {
            loop.close();
        }
        loops.clear();
        next = 0;
    }
}
