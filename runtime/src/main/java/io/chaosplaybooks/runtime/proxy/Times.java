package io.chaosplaybooks.runtime.proxy;

/** Arithmetic on nanoTime stamps where {@link #NEVER} means "held back until the toxic goes away". */
final class Times {
    static final long NEVER = Long.MAX_VALUE;

    /** Stamps start here so they are never negative and {@link #NEVER} arithmetic cannot overflow. */
    private static final long ORIGIN = System.nanoTime();

    private Times() {}

    static long now() {
        return System.nanoTime() - ORIGIN;
    }

    static long plusNanos(long at, long nanos) {
        if (at == NEVER || nanos >= NEVER - at) { // stamps are >= 0, so NEVER - at cannot overflow
            return NEVER;
        }
        return at + nanos;
    }

    static long plusMillis(long at, long millis) {
        return plusNanos(at, millis >= NEVER / 1_000_000 ? NEVER : millis * 1_000_000);
    }
}
