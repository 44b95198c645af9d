package io.chaosplaybooks.runtime.proxy;

/** How a direction of a proxied connection ends. */
enum EndKind {
    /** The source sent FIN: half-close the destination; the connection closes once both directions ended. */
    EOF,
    /** A toxic closes the whole connection (timeout, limit_data), after the data before it. */
    CLOSE,
    /** A toxic resets the connection (reset_peer): RST to both peers at once, queued data discarded. */
    RESET
}
