package io.chaosplaybooks.runtime.proxy;

import java.util.Arrays;
import java.util.Map;
import java.util.Set;

/**
 * Limits throughput to {@code rate} KB/s (1 KB = 1000 bytes), as Toxiproxy's bandwidth toxic: each
 * chunk leaves when the link would have finished sending it, and a chunk worth more than 100 ms is
 * sent in 100 ms slices so the receiver sees a steady trickle. Rate 0 stalls the direction (Toxiproxy
 * would instead treat 0 as unlimited): data is held until the toxic is changed or removed.
 */
record BandwidthToxic(long rateKBps) implements Toxic {
    static final String TYPE = "bandwidth";
    private static final long SLICE_NANOS = 100_000_000;

    static BandwidthToxic from(Map<String, Object> attributes) {
        Attributes a = new Attributes(TYPE, attributes, Set.of("rate"));
        return new BandwidthToxic(a.nonNegativeLong("rate", 0));
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public Map<String, Object> attributes() {
        return Attributes.of("rate", rateKBps);
    }

    @Override
    public ToxicFlow open(ToxicFlow previous) {
        return new Flow();
    }

    private final class Flow implements ToxicFlow {
        /** When the emulated link has finished sending everything before. */
        private long busyUntil;

        @Override
        public void onData(Chunk chunk, FlowOutput out) {
            if (rateKBps == 0) {
                out.data(chunk.bytes(), Times.NEVER);
                return;
            }
            byte[] bytes = chunk.bytes();
            long sliceBytes = Math.max(1, rateKBps * 100); // 100 ms worth: rate KB/s = rate bytes/ms
            long t = Math.max(chunk.at(), busyUntil);
            for (int offset = 0; offset < bytes.length; ) {
                int n = (int) Math.min(sliceBytes, bytes.length - offset);
                t = Times.plusNanos(t, n * 1_000_000L / rateKBps);
                out.data(offset == 0 && n == bytes.length ? bytes : Arrays.copyOfRange(bytes, offset, offset + n), t);
                offset += n;
            }
            busyUntil = t;
        }
    }
}
