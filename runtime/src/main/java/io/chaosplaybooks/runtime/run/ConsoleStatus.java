package io.chaosplaybooks.runtime.run;

import io.chaosplaybooks.dsl.plan.Units;
import io.chaosplaybooks.runtime.events.RunEvent;
import io.chaosplaybooks.runtime.exec.RunListener;

import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

/**
 * What a person watching a run sees: a line per phase change and fault change, a verdict line per
 * scenario, and on a terminal one status line rewritten every second (scenario i/N, phase, time
 * left, ops/s, error %, p99, breakers, active faults). Not on a terminal: a plain figures line
 * every 5 seconds instead. {@code --quiet}: verdicts only.
 */
final class ConsoleStatus implements RunListener {
    private final PrintStream out;
    private final boolean terminal;
    private final boolean quiet;
    private final int total;
    private volatile int index;
    private volatile String scenario = "";
    private volatile String phase = "starting";
    private volatile double phaseEndMs;
    /** When the run was paused (ms into the run), or negative when it is not. */
    private volatile double pausedAtMs = -1;
    private final List<RunEvent.ExpectationResult> failed = new CopyOnWriteArrayList<>();
    private final List<RunEvent.ExpectationResult> notJudged = new CopyOnWriteArrayList<>();
    private final Map<String, String> faults = new ConcurrentHashMap<>();
    private volatile boolean statusShown;
    private long seconds;

    ConsoleStatus(PrintStream out, boolean terminal, boolean quiet, int total) {
        this.out = out;
        this.terminal = terminal;
        this.quiet = quiet;
        this.total = total;
    }

    private static String clock(double ms) {
        return Units.clock(Duration.ofNanos(Math.max(0, Math.round(ms * 1e6))));
    }

    /** Prints a line above the status line (clears it first on a terminal). */
    synchronized void line(String text) {
        if (terminal && statusShown) {
            out.print("\r\033[2K");
            statusShown = false;
        }
        out.println(text);
        out.flush();
    }

    @Override
    public void on(RunEvent event) {
        switch (event) {
            case RunEvent.ScenarioStart e -> {
                index++;
                scenario = e.scenario();
                faults.clear();
                failed.clear();
                notJudged.clear();
                if (!quiet) line(String.format(Locale.ROOT, "[%s] scenario %d/%d: %s", clock(e.actualMs()), index, total, e.scenario()));
            }
            case RunEvent.PhaseStart e -> {
                phase = e.step() == null ? e.phase() : e.step() + "/" + e.phase();
                phaseEndMs = e.actualMs() + e.lengthMs();
                if (!quiet && !e.phase().equals("step")) {
                    line(String.format(Locale.ROOT, "[%s]   %-9s %s", clock(e.actualMs()), e.phase(),
                        e.lengthMs() > 0 ? Units.format(Duration.ofNanos(Math.round(e.lengthMs() * 1e6))) : ""));
                }
            }
            case RunEvent.FaultApplied e -> {
                faults.merge(e.server(), e.fault(), (a, b) -> a + " + " + b);
                if (!quiet) line(String.format(Locale.ROOT, "[%s]     + %s on %s", clock(e.actualMs()), e.fault(), e.server()));
            }
            case RunEvent.FaultRemoved e -> {
                faults.remove(e.server());
                if (!quiet) line(String.format(Locale.ROOT, "[%s]     - %s on %s (%s)", clock(e.actualMs()), e.fault(), e.server(), e.why()));
            }
            case RunEvent.ServerLost e -> line(String.format(Locale.ROOT, "[%s] ! server %s at %s is gone: %s", clock(e.actualMs()), e.server(), e.address(), e.reason()));
            case RunEvent.ActionFailed e -> line(String.format(Locale.ROOT, "[%s]     ! %s", clock(e.actualMs()), e.what()));
            case RunEvent.ExpectationResult r -> {
                if (!r.judged()) notJudged.add(r);
                else if (!r.ok()) failed.add(r);
            }
            case RunEvent.ScenarioAborted e -> line(aborted(e));
            case RunEvent.Verdict v -> verdict(v);
            case RunEvent.LoadSecond w -> second(w);
            case RunEvent.Paused p -> {
                pausedAtMs = p.actualMs();
                line(String.format(Locale.ROOT, "[%s]   paused by %s", clock(p.actualMs()), p.by()));
            }
            case RunEvent.Resumed r -> {
                // The executor's remaining deadlines moved by the time paused; the phase's end with them.
                if (pausedAtMs >= 0) phaseEndMs += r.actualMs() - pausedAtMs;
                pausedAtMs = -1;
                line(String.format(Locale.ROOT, "[%s]   resumed by %s", clock(r.actualMs()), r.by()));
            }
            default -> { }
        }
    }

    private void verdict(RunEvent.Verdict v) {
        String label = v.status().toUpperCase(Locale.ROOT).replace('-', ' ');
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%-5s %s", label, v.scenario()));
        if (!notJudged.isEmpty() && v.status().equals("pass")) b.append(" (").append(notJudged.size()).append(" not judged)");
        for (RunEvent.ExpectationResult r : failed) {
            b.append(String.format(Locale.ROOT, "%n        %s: expect %s: expected %s, measured %s", r.position(), r.expectation(), r.expected(), r.measured()));
        }
        for (RunEvent.ExpectationResult r : notJudged) {
            b.append(String.format(Locale.ROOT, "%n        %s: expect %s: not judged: %s", r.position(), r.expectation(), r.notJudged()));
        }
        for (String e : v.errors()) b.append(e.startsWith("aborted: ") ? "\n        " : "\n        error: ").append(e);
        failed.clear();
        notJudged.clear();
        line(b.toString());
    }

    /** The stop of a scenario by its own gate or abort condition, with how long taking the faults off took. */
    private String aborted(RunEvent.ScenarioAborted e) {
        String took = e.faultsRemovedMs() == null ? "before any fault"
            : String.format(Locale.ROOT, "faults off %.2f s after it was measured", (e.faultsRemovedMs() - e.conditionMs()) / 1000);
        return String.format(Locale.ROOT, "[%s]   ! aborted by %s %s: %s (%s)", clock(e.actualMs()), e.by(), e.condition(), e.measured(), took);
    }

    private void second(RunEvent.LoadSecond w) {
        seconds++;
        if (quiet) return;
        String breakers = w.servers().entrySet().stream()
            .map(s -> s.getKey() + ":" + (s.getValue().breaker() == null ? "?" : s.getValue().breaker()))
            .collect(Collectors.joining(" "));
        String activeFaults = faults.isEmpty() ? "none" : new TreeMap<>(faults).entrySet().stream()
            .map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", "));
        long left = Math.max(0, Math.round(phaseEndMs - (pausedAtMs >= 0 ? pausedAtMs : w.endMs())));
        String status = String.format(Locale.ROOT, "%d/%d %s | %s %s left | %.0f ops/s | err %.2f%% | p99 %.1f ms | %s | faults: %s",
            index, total, scenario, phase, Units.format(Duration.ofMillis(left / 100 * 100)), w.opsPerSecond(),
            w.errorRate() * 100, w.p99Ms() == null ? 0 : w.p99Ms(), breakers, activeFaults);
        synchronized (this) {
            if (terminal) {
                out.print("\r\033[2K" + status);
                out.flush();
                statusShown = true;
            } else if (seconds % 5 == 0) {
                out.println("[" + clock(w.endMs()) + "]     " + status);
                out.flush();
            }
        }
    }
}
