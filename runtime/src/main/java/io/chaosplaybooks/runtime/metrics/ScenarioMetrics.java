package io.chaosplaybooks.runtime.metrics;

import io.chaosplaybooks.dsl.plan.FaultType;
import io.chaosplaybooks.runtime.events.RunEvent;
import io.chaosplaybooks.runtime.exec.RunListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static io.chaosplaybooks.runtime.metrics.ScenarioMetricNames.*;

/** Publishes what the executor does as the scenario metrics of DESIGN.md §4. */
public final class ScenarioMetrics implements RunListener {
    private final MeterRegistry registry;
    private final List<String> servers;
    private final Map<String, AtomicInteger> phase = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> phaseSeconds = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> toxicActive = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> toxicValue = new ConcurrentHashMap<>();
    private final AtomicInteger active = new AtomicInteger();
    private final Map<String, AtomicInteger> expectations = new ConcurrentHashMap<>();

    public ScenarioMetrics(MeterRegistry registry, List<String> servers) {
        this.registry = registry;
        this.servers = List.copyOf(servers);
        Gauge.builder(SCENARIO_ACTIVE, active, AtomicInteger::get)
            .description("1 while a scenario runs").register(registry);
        // Every server and toxic type reads 0 from the start, so dashboards show "no fault" rather than "no data".
        for (String s : this.servers) {
            for (FaultType t : FaultType.values()) {
                toxicGauge(s, typeTag(t));
                for (String p : params(t)) valueGauge(s, typeTag(t), p);
            }
        }
    }

    private static String typeTag(FaultType t) {
        return t == FaultType.DOWN ? "down" : t.toxicType();
    }

    private static List<String> params(FaultType t) {
        return switch (t) {
            case LATENCY -> List.of("latency_ms", "jitter_ms");
            case PACKET_LOSS -> List.of("rate");
            case BANDWIDTH -> List.of("rate_kbps");
            case TIMEOUT, BLACKHOLE, RESET_PEER -> List.of("timeout_ms");
            case SLOW_CLOSE -> List.of("delay_ms");
            case LIMIT_DATA -> List.of("bytes");
            case SLICER -> List.of("average_size", "size_variation", "delay_us");
            case DOWN -> List.of();
        };
    }

    private static Map<String, Double> values(FaultType type, Map<String, Number> a) {
        return switch (type) {
            case LATENCY -> Map.of("latency_ms", a.get("latency").doubleValue(), "jitter_ms", a.get("jitter").doubleValue());
            case PACKET_LOSS -> Map.of("rate", a.get("rate").doubleValue());
            case BANDWIDTH -> Map.of("rate_kbps", a.get("rate").doubleValue());
            case TIMEOUT, BLACKHOLE, RESET_PEER -> Map.of("timeout_ms", a.get("timeout").doubleValue());
            case SLOW_CLOSE -> Map.of("delay_ms", a.get("delay").doubleValue());
            case LIMIT_DATA -> Map.of("bytes", a.get("bytes").doubleValue());
            case SLICER -> Map.of("average_size", a.get("average_size").doubleValue(),
                "size_variation", a.get("size_variation").doubleValue(), "delay_us", a.get("delay").doubleValue());
            case DOWN -> Map.of();
        };
    }

    private AtomicInteger toxicGauge(String server, String type) {
        return toxicActive.computeIfAbsent(server + "|" + type, k -> {
            AtomicInteger v = new AtomicInteger();
            Gauge.builder(TOXIC_ACTIVE, v, AtomicInteger::get).tags(TAG_SERVER, server, TAG_TYPE, type)
                .description("1 while a fault of this type is applied to the server").register(registry);
            return v;
        });
    }

    private AtomicLong valueGauge(String server, String type, String param) {
        return toxicValue.computeIfAbsent(server + "|" + type + "|" + param, k -> {
            AtomicLong v = new AtomicLong(Double.doubleToLongBits(0));
            Gauge.builder(TOXIC_VALUE, v, x -> Double.longBitsToDouble(x.get()))
                .tags(TAG_SERVER, server, TAG_TYPE, type, TAG_PARAM, param)
                .description("the setting of the applied fault, 0 when none").register(registry);
            return v;
        });
    }

    /** Every scenario of the run reads 0 (idle) from the start, so a dashboard sees its first change to stabilize. */
    public void scenarios(List<String> names) {
        names.forEach(this::phaseGauge);
    }

    private AtomicInteger phaseGauge(String scenario) {
        return phase.computeIfAbsent(scenario, s -> {
            AtomicInteger v = new AtomicInteger();
            Gauge.builder(SCENARIO_PHASE, v, AtomicInteger::get).tags(TAG_SCENARIO, s)
                .description("0 idle, 1 stabilize, 2 test, 3 recovery").register(registry);
            return v;
        });
    }

    private void resetToxics() {
        toxicActive.values().forEach(v -> v.set(0));
        toxicValue.values().forEach(v -> v.set(Double.doubleToLongBits(0)));
    }

    @Override
    public void on(RunEvent event) {
        switch (event) {
            case RunEvent.ScenarioStart e -> {
                resetToxics();
                active.set(1);
                phaseGauge(e.scenario()).set(PHASE_IDLE);
            }
            case RunEvent.PhaseStart e -> phase(e.scenario(), e.phase(), e.lengthMs() / 1e3);
            case RunEvent.FaultApplied e -> {
                FaultType t = type(e.type());
                toxicGauge(e.server(), typeTag(t)).incrementAndGet();
                values(t, e.attributes()).forEach((param, v) -> valueGauge(e.server(), typeTag(t), param).set(Double.doubleToLongBits(v)));
            }
            case RunEvent.FaultRemoved e -> {
                FaultType t = type(e.type());
                AtomicInteger g = toxicGauge(e.server(), typeTag(t));
                if (g.decrementAndGet() <= 0) {
                    g.set(0);
                    for (String param : params(t)) valueGauge(e.server(), typeTag(t), param).set(Double.doubleToLongBits(0));
                }
            }
            case RunEvent.ScenarioEnd e -> {
                phaseGauge(e.scenario()).set(PHASE_IDLE);
                active.set(0);
                resetToxics();
            }
            case RunEvent.ExpectationResult r -> expectations.computeIfAbsent(r.scenario() + "|" + r.expectation(), k -> {
                AtomicInteger g = new AtomicInteger();
                Gauge.builder(EXPECTATION_RESULT, g, AtomicInteger::get)
                    .tags(TAG_SCENARIO, r.scenario(), TAG_EXPECTATION, r.expectation())
                    .description("1 if the expectation held, 0 if it failed").register(registry);
                return g;
            }).set(r.ok() ? 1 : 0);
            case RunEvent.Verdict v -> Counter.builder(SCENARIO_RUNS).tags(TAG_SCENARIO, v.scenario(), TAG_STATUS, v.status())
                .description("scenario runs by verdict").register(registry).increment();
            default -> { }
        }
    }

    private static FaultType type(String word) {
        for (FaultType t : FaultType.values()) if (t.word().equals(word)) return t;
        throw new IllegalArgumentException("no fault type " + word);
    }

    private void phase(String scenario, String word, double seconds) {
        int p = switch (word) {
            case "stabilize" -> PHASE_STABILIZE;
            case "inject" -> PHASE_TEST;
            case "recover" -> PHASE_RECOVERY;
            default -> -1;
        };
        if (p >= 0) phaseGauge(scenario).set(p);
        if (seconds > 0) {
            phaseSeconds.computeIfAbsent(scenario + "|" + word, k -> {
                AtomicLong v = new AtomicLong();
                Gauge.builder(SCENARIO_PHASE_DURATION, v, x -> Double.longBitsToDouble(x.get()))
                    .tags(TAG_SCENARIO, scenario, TAG_PHASE, word).description("planned length of the phase").register(registry);
                return v;
            }).set(Double.doubleToLongBits(seconds));
        }
    }
}
