package io.chaosplaybooks.runtime.proxy;

import java.util.Map;
import java.util.Set;

/** Passes data and the stream's end unchanged, as Toxiproxy's noop: a placeholder a client may add and remove. */
record NoopToxic() implements Toxic {
    static final String TYPE = "noop";

    static NoopToxic from(Map<String, Object> attributes) {
        new Attributes(TYPE, attributes, Set.of());
        return new NoopToxic();
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public Map<String, Object> attributes() {
        return Map.of();
    }

    @Override
    public ToxicFlow open(ToxicFlow previous) {
        return (chunk, out) -> out.data(chunk.bytes(), chunk.at());
    }
}
