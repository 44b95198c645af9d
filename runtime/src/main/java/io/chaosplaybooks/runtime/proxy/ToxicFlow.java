package io.chaosplaybooks.runtime.proxy;

/**
 * One toxic acting on one direction of one connection. Flows do not sleep: each turns an input
 * event stamped with the time it reaches the toxic into output events stamped with the time they
 * leave it, and {@link Link} delivers them in order when their time comes. Because every flow
 * computes its schedule at once, a toxic never holds data itself: removing one can never lose
 * bytes, and what is queued is simply released.
 *
 * <p>All methods run on the connection's loop thread: no flow needs its own synchronisation.
 */
interface ToxicFlow {
    /** A chunk of bytes reached this toxic at {@code chunk.at()}. */
    void onData(Chunk chunk, FlowOutput out);

    /** The stream ended (peer's FIN, or a close from an earlier toxic). Default: pass it on. */
    default void onEnd(End end, FlowOutput out) {
        out.end(end.kind(), end.at());
    }

    /** The toxic became active on this connection (connection opened, or toxic added/updated). */
    default void onStart(long now, FlowOutput out) {}

    /** The toxic is being removed from a live connection. */
    default void onRemove(long now, FlowOutput out) {}
}
