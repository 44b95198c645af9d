package io.chaosplaybooks.cli.repl;

import io.chaosplaybooks.dsl.plan.Fault;
import io.chaosplaybooks.dsl.plan.Units;
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

    /** A scenario's phases and fault changes as they happen, timed from now. */
    RunListener progress() {
        long t0 = System.nanoTime();
        return new RunListener() {
            @Override
            public void phaseStarted(String scenario, String word, String label, long lengthNanos, long planned, long actual) {
                line(actual, (label == null || label.isEmpty() || label.equals(word) ? word : word + " " + label) + (lengthNanos > 0 ? " " + Units.format(Duration.ofNanos(lengthNanos)) : ""));
            }

            @Override
            public void faultApplied(String scenario, String server, Fault fault, long planned, long actual) {
                line(actual, "  on: " + fault.describe() + " on " + server);
            }

            @Override
            public void faultRemoved(String scenario, String server, Fault fault, String why, long planned, long actual) {
                line(actual, "  off: " + fault.describe() + " on " + server + " (" + why + ")");
            }

            @Override
            public void actionFailed(String scenario, String what, Exception cause, long actual) {
                line(actual, "  error: " + what);
            }

            private void line(long actual, String s) {
                out.printf(Locale.ROOT, "  [%6.1fs] %s%n", (actual - t0) / 1e9, s);
                out.flush();
            }
        };
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
