package io.chaosplaybooks.runtime.targets;

/** Where a run's memcached servers come from. */
public enum TargetKind {
    /** Addresses the user gave; nothing is started or stopped. */
    EXPLICIT,
    /** {@code memcached} processes this run started on loopback and stops at exit. */
    LOCAL_MEMCACHED,
    /** The in-process memcached stand-in: no memcached binary was found. */
    STAND_IN
}
