package io.chaosplaybooks.runtime.proxy;

/** Bytes read from one side, stamped with the time (nanoTime) they reach a toxic. */
record Chunk(byte[] bytes, long at) {}
