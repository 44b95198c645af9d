package io.chaosplaybooks.runtime.load;

import java.util.Locale;

/** The memcached commands a workload issues. */
public enum Operation {
    GET, SET, DELETE;

    /** The lower-case name used in metric tags and JSON. */
    public String tag() {
        return name().toLowerCase(Locale.ROOT);
    }
}
