package io.chaosplaybooks.runtime.proxy;

import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Splits each chunk into slices of about {@code average_size} bytes (± {@code size_variation}),
 * sent {@code delay} µs apart, as Toxiproxy's slicer: it exercises a reader's reassembly of
 * partial messages. Unlike Toxiproxy, an average size of 0 is refused rather than crashing.
 */
record SlicerToxic(long averageSize, long sizeVariation, long delayMicros) implements Toxic {
    static final String TYPE = "slicer";

    static SlicerToxic from(Map<String, Object> attributes) {
        Attributes a = new Attributes(TYPE, attributes, Set.of("average_size", "size_variation", "delay"));
        long average = a.positiveLong("average_size", 0);
        long variation = a.nonNegativeLong("size_variation", 0);
        if (variation >= average) {
            throw FaultEngineException.badRequest("slicer attribute 'size_variation' (" + variation
                + ") must be smaller than 'average_size' (" + average + ")");
        }
        return new SlicerToxic(average, variation, a.nonNegativeLong("delay", 0));
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public Map<String, Object> attributes() {
        return Attributes.of("average_size", averageSize, "size_variation", sizeVariation, "delay", delayMicros);
    }

    @Override
    public ToxicFlow open(ToxicFlow previous) {
        return (chunk, out) -> {
            byte[] bytes = chunk.bytes();
            long t = chunk.at();
            int offset = 0;
            while (offset < bytes.length) {
                long size = averageSize;
                if (sizeVariation > 0) {
                    size += ThreadLocalRandom.current().nextLong(-sizeVariation, sizeVariation + 1);
                }
                int n = (int) Math.min(size, bytes.length - offset);
                out.data(Arrays.copyOfRange(bytes, offset, offset + n), t);
                offset += n;
                t = Times.plusNanos(t, delayMicros * 1_000);
            }
        };
    }
}
