package io.chaosplaybooks.runtime.proxy;

import java.util.Map;
import java.util.Set;

/**
 * Drops all data and closes the connection {@code timeout} ms after the toxic became active
 * (connection opened, or toxic added or updated), as Toxiproxy's timeout. Timeout 0 never closes:
 * a blackhole. Removing the toxic closes the connection, as in Toxiproxy: the data it swallowed is
 * gone, so carrying on would hand the peer a corrupt stream.
 */
record TimeoutToxic(long timeoutMs) implements Toxic {
    static final String TYPE = "timeout";

    static TimeoutToxic from(Map<String, Object> attributes) {
        Attributes a = new Attributes(TYPE, attributes, Set.of("timeout"));
        return new TimeoutToxic(a.nonNegativeLong("timeout", 0));
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public Map<String, Object> attributes() {
        return Attributes.of("timeout", timeoutMs);
    }

    @Override
    public ToxicFlow open(ToxicFlow previous) {
        return new ToxicFlow() {
            @Override
            public void onData(Chunk chunk, FlowOutput out) {
                // Dropped on the floor: that is the fault.
            }

            @Override
            public void onStart(long now, FlowOutput out) {
                if (timeoutMs > 0) {
                    out.endAfter(EndKind.CLOSE, Times.plusMillis(now, timeoutMs));
                }
            }

            @Override
            public void onRemove(long now, FlowOutput out) {
                out.end(EndKind.CLOSE, now);
            }
        };
    }
}
