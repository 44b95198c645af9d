package io.chaosplaybooks.runtime.proxy;

import java.util.Map;
import java.util.Set;

/** Delays the end of the stream by {@code delay} ms, as Toxiproxy's slow_close. A reset is not delayed. */
record SlowCloseToxic(long delayMs) implements Toxic {
    static final String TYPE = "slow_close";

    static SlowCloseToxic from(Map<String, Object> attributes) {
        Attributes a = new Attributes(TYPE, attributes, Set.of("delay"));
        return new SlowCloseToxic(a.nonNegativeLong("delay", 0));
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public Map<String, Object> attributes() {
        return Attributes.of("delay", delayMs);
    }

    @Override
    public ToxicFlow open(ToxicFlow previous) {
        return new ToxicFlow() {
            @Override
            public void onData(Chunk chunk, FlowOutput out) {
                out.data(chunk.bytes(), chunk.at());
            }

            @Override
            public void onEnd(End end, FlowOutput out) {
                out.end(end.kind(), end.kind() == EndKind.RESET ? end.at() : Times.plusMillis(end.at(), delayMs));
            }
        };
    }
}
