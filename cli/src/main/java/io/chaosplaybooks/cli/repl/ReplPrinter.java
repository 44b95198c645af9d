package io.chaosplaybooks.cli.repl;

import io.chaosplaybooks.dsl.plan.Fault;
import io.chaosplaybooks.dsl.plan.Units;
import io.chaosplaybooks.runtime.events.RunEvent;
import io.chaosplaybooks.runtime.exec.RunListener;
import io.chaosplaybooks.runtime.load.BreakerState;
import io.chaosplaybooks.runtime.load.LoadWindow;
import io.chaosplaybooks.runtime.load.ServerWindow;
import io.chaosplaybooks.runtime.run.LiveSession;
import io.chaosplaybooks.runtime.run.RunException;
import io.chaosplaybooks.runtime.verdict.ScenarioVerdict;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/** How the REPL shows the session: its start, status, figures, a scenario's progress and verdict. */
final class ReplPrinter {
    private final LiveSession session;
    private final PrintWriter out;

    ReplPrinter(LiveSession session, PrintWriter out) {
        this.session = session;
        this.out = out;
    }

    /** Says that the session has started, the first time a statement starts it. */
    void started() throws RunException {
        if (session.started()) return;
        out.println("starting the session: " + session.serverNames().size() + " servers, a proxy in front of each, load "
            + session.load().describe() + " ...");
        out.flush();
        session.start();
        LiveSession.Status st = session.status();
        out.println("session " + session.id() + ": " + st.targets().toLowerCase(Locale.ROOT).replace('_', ' ')
            + " servers, " + st.backend() + " proxies; 'status' shows them");
    }

    void status() {
        LiveSession.Status st = session.status();
        if (!st.started()) {
            out.println("not started: " + session.serverNames().size() + " servers (" + String.join(", ", session.serverNames())
                + "), load " + session.load().describe() + "; the first inject, run or expect starts them");
            return;
        }
        out.println("session " + session.id() + ": " + st.targets().toLowerCase(Locale.ROOT).replace('_', ' ') + " servers, "
            + st.backend() + " proxies");
        out.printf(Locale.ROOT, "  %-14s %-22s %-22s %s%n", "server", "address", "proxy", "breaker");
        for (LiveSession.ServerLine s : st.servers()) {
            BreakerState b = st.breakers().get(s.name());
            out.printf(Locale.ROOT, "  %-14s %-22s %-22s %s%n", s.name(), s.address(), s.proxy(),
                b == null ? "-" : b.name().toLowerCase(Locale.ROOT).replace('_', ' '));
        }
        Instant now = Instant.now();
        if (st.faults().isEmpty()) {
            out.println("faults: none");
        } else {
            out.println("faults:");
            for (LiveSession.ActiveFault f : st.faults()) {
                Duration left = f.left(now);
                out.println("  " + describe(f.faults()) + " on " + String.join(", ", f.servers())
                    + (left == null ? "  until heal" : "  " + String.format(Locale.ROOT, "%.1f s left", left.toMillis() / 1000.0)));
            }
        }
        out.println("load: " + session.load().describe());
        LoadWindow w = st.lastSecond();
        if (w != null) out.println("last second: " + figures(w));
    }

    void verdict(String name, ScenarioVerdict v) {
        if (v.errors().contains("interrupted")) {
            out.println(name + ": stopped before its end; no verdict");
            return;
        }
        out.println(name + ": " + v.status().label());
        for (ScenarioVerdict.Result res : v.results()) {
            out.println("  " + (res.ok() ? "ok   " : "FAIL ") + res.expectation() + ": expected " + res.expected()
                + ", measured " + res.measured());
        }
        for (String e : v.errors()) out.println("  error: " + e);
    }

    /** A scenario's phases and fault changes as they happen, timed from its first event. */
    RunListener progress() {
        double[] t0 = {Double.NaN};
        return event -> {
            switch (event) {
                case RunEvent.PhaseStart p -> line(t0, p.actualMs(), (p.step() == null || p.step().isEmpty() || p.step().equals(p.phase())
                    ? p.phase() : p.phase() + " " + p.step()) + (p.lengthMs() > 0 ? " " + Units.format(Duration.ofNanos(Math.round(p.lengthMs() * 1e6))) : ""));
                case RunEvent.FaultApplied f -> line(t0, f.actualMs(), "  on: " + f.fault() + " on " + f.server());
                case RunEvent.FaultRemoved f -> line(t0, f.actualMs(), "  off: " + f.fault() + " on " + f.server() + " (" + f.why() + ")");
                case RunEvent.ActionFailed f -> line(t0, f.actualMs(), "  error: " + f.what());
                default -> { }
            }
        };
    }

    private void line(double[] t0, double ms, String s) {
        if (Double.isNaN(t0[0])) t0[0] = ms;
        out.printf(Locale.ROOT, "  [%6.1fs] %s%n", (ms - t0[0]) / 1e3, s);
        out.flush();
    }

    static String figures(LoadWindow w) {
        ServerWindow t = w.total();
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%.0f ops/s, %.2f%% errors", w.opsPerSecond(), t.errorRate() * 100));
        if (t.latency() != null) sb.append(String.format(Locale.ROOT, ", p50 %.2f ms, p99 %.2f ms", t.latency().p50Ms(), t.latency().p99Ms()));
        return sb.toString();
    }

    static String describe(List<Fault> faults) {
        return String.join(" + ", faults.stream().map(Fault::describe).toList());
    }
}
