package io.chaosplaybooks.dsl.plan;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One fault with its Toxiproxy attributes, named and in the units Toxiproxy uses
 * (latency/jitter/timeout/delay in ms, slicer delay in µs, bandwidth rate in KB/s, sizes in bytes,
 * loss rate 0..1). Immutable: direction and toxicity return a new value, so
 * {@code latency(100.ms).upstream.toxicity(0.5)} reads as it is written.
 */
public record Fault(FaultType type, Map<String, Number> attributes, Direction direction, double toxicity, SourcePos pos) {
    public Fault {
        attributes = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
    }

    public Fault withDirection(Direction d) {
        return new Fault(type, attributes, d, toxicity, pos);
    }

    public Fault withToxicity(double t) {
        return new Fault(type, attributes, direction, t, pos);
    }

    private String ms(String key) {
        return Units.format(java.time.Duration.ofMillis(attributes.get(key).longValue()));
    }

    /** The arguments as a playbook writes them. */
    private String arguments() {
        return switch (type) {
            case LATENCY -> ms("latency") + (attributes.get("jitter").longValue() == 0 ? "" : ", jitter: " + ms("jitter"));
            case PACKET_LOSS -> Units.formatNumber(attributes.get("rate").doubleValue() * 100) + "%";
            case BANDWIDTH -> attributes.get("rate") + " KB/s";
            case TIMEOUT -> ms("timeout");
            case RESET_PEER -> attributes.get("timeout").longValue() == 0 ? "" : "after: " + ms("timeout");
            case SLOW_CLOSE -> ms("delay");
            case LIMIT_DATA -> new DataSize(attributes.get("bytes").longValue()).toString();
            case SLICER -> "averageSize: " + attributes.get("average_size") + " bytes, sizeVariation: "
                + attributes.get("size_variation") + " bytes, delay: " + attributes.get("delay") + " µs";
            case BLACKHOLE, DOWN -> "";
        };
    }

    /** {@code packetLoss(10%)}, {@code latency(latency: 500, jitter: 50).upstream}: for listings. */
    public String describe() {
        StringBuilder sb = new StringBuilder(type.word()).append('(').append(arguments()).append(')');
        if (direction != type.defaultDirection()) sb.append('.').append(direction.toxiproxyStream());
        if (toxicity != 1.0) sb.append(".toxicity(").append(Units.formatNumber(toxicity)).append(')');
        return sb.toString();
    }
}
