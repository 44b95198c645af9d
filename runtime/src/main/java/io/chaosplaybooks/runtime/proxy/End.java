package io.chaosplaybooks.runtime.proxy;

/** The end of a stream reaching a toxic at {@code at} (nanoTime). */
record End(EndKind kind, long at) {}
