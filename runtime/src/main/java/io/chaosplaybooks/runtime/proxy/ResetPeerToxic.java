package io.chaosplaybooks.runtime.proxy;

import java.util.Map;
import java.util.Set;

/**
 * When data first arrives, drops it and resets the connection (TCP RST to both peers) {@code timeout}
 * ms later, as Toxiproxy's reset_peer. Data arriving meanwhile is dropped too.
 */
record ResetPeerToxic(long timeoutMs) implements Toxic {
    static final String TYPE = "reset_peer";

    static ResetPeerToxic from(Map<String, Object> attributes) {
        Attributes a = new Attributes(TYPE, attributes, Set.of("timeout"));
        return new ResetPeerToxic(a.nonNegativeLong("timeout", 0));
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
            private boolean armed;

            @Override
            public void onData(Chunk chunk, FlowOutput out) {
                if (!armed) {
                    armed = true;
                    out.endAfter(EndKind.RESET, Times.plusMillis(chunk.at(), timeoutMs));
                }
            }
        };
    }
}
