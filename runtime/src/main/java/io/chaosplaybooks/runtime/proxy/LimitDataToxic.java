package io.chaosplaybooks.runtime.proxy;

import java.util.Arrays;
import java.util.Map;
import java.util.Set;

/**
 * Passes {@code bytes} bytes per connection and direction, then closes the connection, as
 * Toxiproxy's limit_data. The count survives an update of the toxic, as Toxiproxy's stub state does.
 */
record LimitDataToxic(long bytes) implements Toxic {
    static final String TYPE = "limit_data";

    static LimitDataToxic from(Map<String, Object> attributes) {
        Attributes a = new Attributes(TYPE, attributes, Set.of("bytes"));
        return new LimitDataToxic(a.nonNegativeLong("bytes", 0));
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public Map<String, Object> attributes() {
        return Attributes.of("bytes", bytes);
    }

    @Override
    public ToxicFlow open(ToxicFlow previous) {
        Flow flow = new Flow();
        if (previous instanceof Flow earlier) {
            flow.transmitted = earlier.transmitted;
        }
        return flow;
    }

    private final class Flow implements ToxicFlow {
        private long transmitted;
        private boolean closed;

        @Override
        public void onData(Chunk chunk, FlowOutput out) {
            if (closed) {
                return;
            }
            long allowed = bytes - transmitted;
            byte[] data = chunk.bytes();
            if (data.length < allowed) {
                transmitted += data.length;
                out.data(data, chunk.at());
                return;
            }
            if (allowed > 0) {
                out.data(data.length == allowed ? data : Arrays.copyOf(data, (int) allowed), chunk.at());
                transmitted += allowed;
            }
            closed = true;
            out.end(EndKind.CLOSE, chunk.at());
        }

        @Override
        public void onStart(long now, FlowOutput out) {
            // After an update that lowered the limit below what already went through.
            if (bytes > 0 && transmitted >= bytes && !closed) {
                closed = true;
                out.end(EndKind.CLOSE, now);
            }
        }
    }
}
