package io.chaosplaybooks.runtime.control;

import io.chaosplaybooks.runtime.events.RunEvent;
import io.chaosplaybooks.runtime.exec.RunListener;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Folds a run's events into its {@link LiveStatus}: what {@code chaos status} and the server's
 * {@code GET /api/runs/{id}} show. It hears the events on the run's event thread and answers
 * {@link #status()} on any other.
 *
 * <p>Events carry times from the run's start; the view learns where that start lies on its own
 * clock from the events themselves (each one happened no later than it was heard, so the earliest
 * estimate is the best), and so tells the time left in a phase without asking the run.
 */
public final class LiveView implements RunListener {
    private final String runId;
    private final LongSupplier nanos;
    private String playbook;
    private String state = "starting";
    private String started;
    private List<String> scenarios = List.of();
    private int scenariosStarted;
    private String scenario;
    private String phase;
    private String step;
    private double phaseLengthMs;
    private double phaseEndMs;
    private boolean inPhase;
    private Double pausedAtMs;
    private RunEvent.LoadSecond lastSecond;
    private final Map<String, String> breakers = new LinkedHashMap<>();
    private final List<LiveStatus.ActiveFault> faults = new ArrayList<>();
    private final List<String> verdicts = new ArrayList<>();
    private String by;
    /** The run's start on {@link #nanos}: the earliest estimate so far, or null before the first timed event. */
    private Long originNanos;

    /** A view of the run {@code runId} of {@code playbook} (both known before its first event). */
    public LiveView(String runId, String playbook) {
        this(runId, playbook, System::nanoTime);
    }

    /** As {@link #LiveView(String, String)}, with the time taken from {@code nanos} (a test's clock). */
    public LiveView(String runId, String playbook, LongSupplier nanos) {
        this.runId = runId;
        this.playbook = playbook;
        this.nanos = nanos;
    }

    public String runId() {
        return runId;
    }

    @Override
    public synchronized void on(RunEvent event) {
        switch (event) {
            case RunEvent.RunStart s -> {
                state = "running";
                started = s.wall();
                if (s.playbook() != null) playbook = s.playbook();
                scenarios = s.scenarios() == null ? List.of() : List.copyOf(s.scenarios());
                if (s.serverNames() != null) for (String server : s.serverNames()) breakers.putIfAbsent(server, "closed");
            }
            case RunEvent.ScenarioStart s -> {
                seen(s.actualMs());
                scenariosStarted++;
                scenario = s.scenario();
                phase = null;
                step = null;
                inPhase = false;
            }
            case RunEvent.PhaseStart p -> {
                seen(p.actualMs());
                phase = p.phase();
                step = p.step();
                phaseLengthMs = p.lengthMs();
                phaseEndMs = p.plannedMs() + p.lengthMs();
                inPhase = true;
            }
            case RunEvent.FaultApplied f -> {
                seen(f.actualMs());
                faults.add(new LiveStatus.ActiveFault(f.server(), f.fault(), f.type(), f.scenario(), f.actualMs()));
            }
            case RunEvent.FaultRemoved f -> {
                seen(f.actualMs());
                for (Iterator<LiveStatus.ActiveFault> it = faults.iterator(); it.hasNext(); ) {
                    LiveStatus.ActiveFault a = it.next();
                    if (a.server().equals(f.server()) && a.fault().equals(f.fault())) {
                        it.remove();
                        break;
                    }
                }
            }
            case RunEvent.ScenarioEnd e -> {
                seen(e.actualMs());
                phase = null;
                step = null;
                inPhase = false;
                // Whatever the scenario put on is off by its end (a removal that failed was reported as such).
                faults.removeIf(a -> a.scenario() != null && a.scenario().equals(e.scenario()));
            }
            case RunEvent.BreakerChange b -> {
                seen(b.actualMs());
                breakers.put(b.server(), b.to().toLowerCase(Locale.ROOT));
            }
            case RunEvent.LoadSecond l -> {
                seen(l.endMs());
                lastSecond = l;
                l.servers().forEach((server, s) -> {
                    if (s.breaker() != null) breakers.put(server, s.breaker().toLowerCase(Locale.ROOT));
                });
            }
            case RunEvent.Verdict v -> verdicts.add(v.status());
            case RunEvent.Paused p -> {
                seen(p.actualMs());
                state = "paused";
                by = p.by();
                pausedAtMs = p.actualMs();
            }
            case RunEvent.Resumed r -> {
                seen(r.actualMs());
                // The executor shifts its remaining deadlines by the paused time; so does the phase's end.
                if (pausedAtMs != null) phaseEndMs += r.actualMs() - pausedAtMs;
                pausedAtMs = null;
                if (state.equals("paused")) state = "running";
                by = null;
            }
            case RunEvent.RunStopped s -> {
                seen(s.actualMs());
                state = "stopping";
                by = s.by();
            }
            case RunEvent.RunEnd e -> {
                state = e.interrupted() ? "stopped" : verdicts.contains("error") ? "error" : verdicts.contains("fail") || verdicts.contains("aborted") ? "failed" : "passed";
                phase = null;
                step = null;
                inPhase = false;
                pausedAtMs = null;
            }
            case RunEvent.ExpectationResult x -> { }
            case RunEvent.ActionFailed a -> { }
            case RunEvent.ServerLost l -> { }
            case RunEvent.LoadChanged l -> { }
            case RunEvent.ProbeSample p -> { }
            case RunEvent.ScenarioAborted a -> { }
        }
    }

    /** An event that happened at {@code actualMs} into the run was heard now: the run began no later than now minus that. */
    private void seen(double actualMs) {
        long estimate = nanos.getAsLong() - Math.round(actualMs * 1e6);
        if (originNanos == null || estimate < originNanos) originNanos = estimate;
    }

    /** Milliseconds into the run now (held at the pause while paused), or null before any timed event. */
    private Double nowMs() {
        if (pausedAtMs != null) return pausedAtMs;
        if (originNanos == null) return null;
        return (nanos.getAsLong() - originNanos) / 1e6;
    }

    public synchronized LiveStatus status() {
        boolean live = !(state.equals("passed") || state.equals("failed") || state.equals("error") || state.equals("stopped"));
        Double now = live ? nowMs() : null;
        Double left = inPhase && phaseLengthMs > 0 && now != null ? round(Math.max(0, phaseEndMs - now)) : null;
        Integer index = null, iteration = null;
        if (scenariosStarted > 0 && !scenarios.isEmpty()) {
            index = (scenariosStarted - 1) % scenarios.size() + 1;
            iteration = (scenariosStarted - 1) / scenarios.size() + 1;
        }
        RunEvent.LoadSecond l = lastSecond;
        return new LiveStatus(runId, playbook, state, null, started, scenario, index, scenarios.isEmpty() ? null : scenarios.size(),
            iteration, inPhase ? phase : null, inPhase ? step : null, inPhase ? phaseLengthMs : null, left, now == null ? null : round(now),
            l == null ? null : l.opsPerSecond(), l == null ? null : l.errorRate(), l == null ? null : l.p99Ms(),
            breakers, faults, by);
    }

    private static double round(double ms) {
        return Math.round(ms * 1e3) / 1e3;
    }
}
