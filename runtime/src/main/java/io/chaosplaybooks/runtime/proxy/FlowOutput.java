package io.chaosplaybooks.runtime.proxy;

/** Where a {@link ToxicFlow} sends its events: the next toxic in the chain, or the socket. */
interface FlowOutput {
    /** Passes bytes on, to leave this toxic at {@code at} (nanoTime; {@link Times#NEVER} = held back). */
    void data(byte[] bytes, long at);

    /** Ends the stream at {@code at}: after everything already passed on. */
    void end(EndKind kind, long at);

    /**
     * Arms this toxic's one timer: at {@code deadline}, {@code kind} is passed on as if the toxic had
     * called {@link #end}. Replaces the toxic's previous timer; cancelled when the toxic is updated
     * or removed. Used by timeout and reset_peer, whose effect is due without any data arriving.
     */
    void endAfter(EndKind kind, long deadline);
}
