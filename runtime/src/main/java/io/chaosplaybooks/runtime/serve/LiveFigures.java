package io.chaosplaybooks.runtime.serve;

import io.chaosplaybooks.runtime.events.RunEvent;
import io.chaosplaybooks.runtime.exec.RunListener;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/** A run's events folded into what its page shows while it runs: scenario, phase, time left, load figures, breakers, faults. */
final class LiveFigures implements RunListener {
    private volatile String scenario;
    private volatile String phase;
    private volatile double phaseEndMs = Double.NaN;
    private volatile double nowMs;
    private volatile int scenarioIndex;
    private volatile int scenarioCount;
    private volatile RunEvent.LoadSecond last;
    private final Map<String, String> breakers = new ConcurrentHashMap<>();
    private final Map<String, String> faults = new ConcurrentHashMap<>();

    @Override
    public void on(RunEvent event) {
        switch (event) {
            case RunEvent.RunStart e -> scenarioCount = e.scenarios().size();
            case RunEvent.ScenarioStart e -> {
                scenario = e.scenario();
                scenarioIndex++;
                phase = null;
                nowMs = e.actualMs();
            }
            case RunEvent.PhaseStart e -> {
                phase = e.phase();
                phaseEndMs = e.plannedMs() + e.lengthMs();
                nowMs = e.actualMs();
            }
            case RunEvent.FaultApplied e -> faults.put(e.server() + " " + e.fault(), e.server() + ": " + e.fault());
            case RunEvent.FaultRemoved e -> faults.remove(e.server() + " " + e.fault());
            case RunEvent.BreakerChange e -> breakers.put(e.server(), e.to().toLowerCase(java.util.Locale.ROOT));
            case RunEvent.LoadSecond e -> {
                last = e;
                nowMs = e.endMs();
                e.servers().forEach((server, s) -> { if (s.breaker() != null) breakers.put(server, s.breaker()); });
            }
            case RunEvent.ScenarioEnd e -> {
                phase = "judging";
                faults.clear();
            }
            default -> { }
        }
    }

    Map<String, Object> snapshot() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("scenario", scenario);
        m.put("scenarioIndex", scenarioIndex);
        m.put("scenarioCount", scenarioCount);
        m.put("phase", phase);
        m.put("phaseSecondsLeft", Double.isNaN(phaseEndMs) || phase == null || phase.equals("judging") ? null
            : Math.max(0, Math.round((phaseEndMs - nowMs) / 100.0) / 10.0));
        RunEvent.LoadSecond s = last;
        m.put("opsPerSecond", s == null ? null : s.opsPerSecond());
        m.put("errorRate", s == null ? null : s.errorRate());
        m.put("p99Ms", s == null ? null : s.p99Ms());
        m.put("breakers", new TreeMap<>(breakers));
        m.put("activeFaults", List.copyOf(new TreeMap<>(faults).values()));
        return m;
    }
}
