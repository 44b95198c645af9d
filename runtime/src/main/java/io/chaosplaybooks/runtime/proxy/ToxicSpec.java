package io.chaosplaybooks.runtime.proxy;

import java.util.Map;

/**
 * A toxic, in Toxiproxy's terms. When adding: {@code name} defaults to {@code <type>_<stream>},
 * {@code stream} ("upstream" = client→server, "downstream" = server→client) to downstream,
 * {@code toxicity} (the probability that a connection gets the toxic) to 1.0; attributes are the
 * type's (see docs/fault-engine.md), missing ones 0 as in Toxiproxy. When updating, null fields are
 * unchanged and the given attributes are merged into the current ones. As returned by the engine,
 * every field is set.
 */
public record ToxicSpec(String name, String type, String stream, Double toxicity, Map<String, Object> attributes) {
    public ToxicSpec {
        attributes = attributes == null ? null : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(attributes));
    }

    public static ToxicSpec of(String type, String stream, Map<String, Object> attributes) {
        return new ToxicSpec(null, type, stream, null, attributes);
    }
}
