package io.chaosplaybooks.dsl.plan;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

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

    public Fault withPos(SourcePos p) {
        return new Fault(type, attributes, direction, toxicity, p);
    }

    /** {@code packetLoss(rate: 0.1)}, {@code latency(latency: 500, jitter: 50).upstream}: for listings. */
    public String describe() {
        String attrs = attributes.entrySet().stream()
            .map(e -> e.getKey() + ": " + Units.formatNumber(e.getValue().doubleValue()))
            .collect(Collectors.joining(", "));
        StringBuilder sb = new StringBuilder(type.word()).append('(').append(attrs).append(')');
        if (direction != type.defaultDirection()) sb.append('.').append(direction.toxiproxyStream());
        if (toxicity != 1.0) sb.append(".toxicity(").append(Units.formatNumber(toxicity)).append(')');
        return sb.toString();
    }
}
