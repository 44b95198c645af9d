package io.chaosplaybooks.runtime.run;

import io.chaosplaybooks.dsl.plan.Fault;
import io.chaosplaybooks.dsl.plan.Units;
import io.chaosplaybooks.runtime.exec.RunListener;
import io.chaosplaybooks.runtime.load.LoadWindow;
import io.chaosplaybooks.runtime.load.ServerWindow;
import io.chaosplaybooks.runtime.verdict.ScenarioVerdict;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
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
    private final long runStart;
    private final int total;
    private volatile int index;
    private volatile String scenario = "";
    private volatile String phase = "starting";
    private volatile long phaseEnd;
    private final Map<String, String> faults = new ConcurrentHashMap<>();
    private volatile boolean statusShown;
    private long seconds;

    ConsoleStatus(PrintStream out, boolean terminal, boolean quiet, long runStart, int total) {
        this.out = out;
        this.terminal = terminal;
        this.quiet = quiet;
        this.runStart = runStart;
        this.total = total;
    }

    private String clock(long nanos) {
        return Units.clock(Duration.ofNanos(Math.max(0, nanos - runStart)));
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
    public void scenarioStarted(String s, long planned, long actual) {
        index++;
        scenario = s;
        faults.clear();
        if (!quiet) line(String.format(Locale.ROOT, "[%s] scenario %d/%d: %s", clock(actual), index, total, s));
    }

    @Override
    public void phaseStarted(String s, String word, String label, long len, long planned, long actual) {
        phase = label.isEmpty() ? word : label + "/" + word;
        phaseEnd = actual + len;
        if (!quiet && !word.equals("step")) {
            line(String.format(Locale.ROOT, "[%s]   %-9s %s", clock(actual), word, len > 0 ? Units.format(Duration.ofNanos(len)) : ""));
        }
    }

    @Override
    public void faultApplied(String s, String server, Fault f, long planned, long actual) {
        faults.merge(server, f.describe(), (a, b) -> a + " + " + b);
        if (!quiet) line(String.format(Locale.ROOT, "[%s]     + %s on %s", clock(actual), f.describe(), server));
    }

    @Override
    public void faultRemoved(String s, String server, Fault f, String why, long planned, long actual) {
        faults.remove(server);
        if (!quiet) line(String.format(Locale.ROOT, "[%s]     - %s on %s (%s)", clock(actual), f.describe(), server, why));
    }

    @Override
    public void actionFailed(String s, String what, Exception cause, long actual) {
        line(String.format(Locale.ROOT, "[%s]     ! %s", clock(actual), what));
    }

    void verdict(ScenarioVerdict v) {
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%-5s %s", v.status(), v.scenario()));
        for (ScenarioVerdict.Result r : v.failures()) {
            b.append(String.format(Locale.ROOT, "%n        %s: expect %s: expected %s, measured %s", r.position(), r.expectation(), r.expected(), r.measured()));
        }
        for (String e : v.errors()) b.append("\n        error: ").append(e);
        line(b.toString());
    }

    /** Called by the load engine once a second. */
    void window(LoadWindow w, long now) {
        seconds++;
        if (quiet) return;
        ServerWindow t = w.total();
        String breakers = w.servers().stream()
            .map(s -> s.server() + ":" + (s.breaker() == null ? "?" : s.breaker().tag()))
            .collect(Collectors.joining(" "));
        String activeFaults = faults.isEmpty() ? "none" : new TreeMap<>(faults).entrySet().stream()
            .map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", "));
        long left = Math.max(0, phaseEnd - now);
        String status = String.format(Locale.ROOT, "%d/%d %s | %s %s left | %.0f ops/s | err %.2f%% | p99 %.1f ms | %s | faults: %s",
            index, total, scenario, phase, Units.format(Duration.ofMillis(left / 1_000_000 / 100 * 100)), w.opsPerSecond(),
            t.errorRate() * 100, t.latency() == null ? 0 : t.latency().p99Ms(), breakers, activeFaults);
        synchronized (this) {
            if (terminal) {
                out.print("\r\033[2K" + status);
                out.flush();
                statusShown = true;
            } else if (seconds % 5 == 0) {
                out.println("[" + clock(now) + "]     " + status);
                out.flush();
            }
        }
    }
}
