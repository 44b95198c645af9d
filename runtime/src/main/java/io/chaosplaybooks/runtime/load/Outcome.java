package io.chaosplaybooks.runtime.load;

import java.util.Locale;

/**
 * What became of one operation. Exactly one outcome per operation, attributed to the server that
 * served it, or for {@link #BREAKER_OPEN} to the key's primary server.
 */
public enum Outcome {
    /** A get found its key. */
    HIT(false),
    /** A get did not find its key: not an error, but it lowers the hit ratio. */
    MISS(false),
    /** A set or delete answered (a delete of an absent key included). */
    OK(false),
    /** No answer within the profile's timeout. */
    TIMEOUT(true),
    /** No usable connection: refused, reset, closed. */
    CONNECTION(true),
    /** Every server the key could go to had its circuit breaker open: failed fast, never sent. */
    BREAKER_OPEN(true),
    /** The server answered with an error, or something else went wrong. */
    OTHER_ERROR(true);

    private final boolean error;

    Outcome(boolean error) {
        this.error = error;
    }

    public boolean isError() {
        return error;
    }

    /** The lower-case name used in metric tags and JSON. */
    public String tag() {
        return this == OTHER_ERROR ? "error" : name().toLowerCase(Locale.ROOT);
    }
}
