package io.chaosplaybooks.runtime.proxy;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/** Every toxic type the engine knows, by its Toxiproxy type name. Adding a toxic = one file + one line here. */
final class ToxicRegistry {
    private static final Map<String, Function<Map<String, Object>, Toxic>> FACTORIES = new LinkedHashMap<>();

    static {
        FACTORIES.put(LatencyToxic.TYPE, LatencyToxic::from);
        FACTORIES.put(BandwidthToxic.TYPE, BandwidthToxic::from);
        FACTORIES.put(SlowCloseToxic.TYPE, SlowCloseToxic::from);
        FACTORIES.put(TimeoutToxic.TYPE, TimeoutToxic::from);
        FACTORIES.put(ResetPeerToxic.TYPE, ResetPeerToxic::from);
        FACTORIES.put(SlicerToxic.TYPE, SlicerToxic::from);
        FACTORIES.put(LimitDataToxic.TYPE, LimitDataToxic::from);
        FACTORIES.put(LossToxic.TYPE, LossToxic::from);
        FACTORIES.put(NoopToxic.TYPE, NoopToxic::from);
    }

    private ToxicRegistry() {}

    /** Builds a toxic from its API attributes; a 400 {@link FaultEngineException} names what is wrong. */
    static Toxic create(String type, Map<String, Object> attributes) {
        if (type == null || type.isEmpty()) {
            throw FaultEngineException.badRequest("missing toxic type (one of: " + String.join(", ", FACTORIES.keySet()) + ")");
        }
        Function<Map<String, Object>, Toxic> factory = FACTORIES.get(type);
        if (factory == null) {
            throw FaultEngineException.badRequest(
                "unknown toxic type '" + type + "' (one of: " + String.join(", ", FACTORIES.keySet()) + ")");
        }
        return factory.apply(attributes);
    }
}
