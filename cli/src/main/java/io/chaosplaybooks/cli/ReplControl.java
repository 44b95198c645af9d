package io.chaosplaybooks.cli;

import io.chaosplaybooks.dsl.plan.Fault;
import io.chaosplaybooks.runtime.control.LiveStatus;
import io.chaosplaybooks.runtime.control.RunControl;
import io.chaosplaybooks.runtime.control.StopReport;
import io.chaosplaybooks.runtime.load.LoadWindow;
import io.chaosplaybooks.runtime.run.LiveSession;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A REPL session as other shells see it ({@code chaos status}, {@code chaos stop}): its faults, its load's last
 * second and its breakers; a stop ends the session as Ctrl-C does (every fault removed, the load, proxies and servers
 * stopped) and answers once that is done. A session has no timeline to hold, so it does not pause.
 */
final class ReplControl implements RunControl {
    private final LiveSession session;
    private final Instant started = Instant.now();
    private final Consumer<String> stopper;
    private final CountDownLatch ended = new CountDownLatch(1);

    /** {@code stopper} ends the session (its argument says who asked); {@link #ended()} is called once it has. */
    ReplControl(LiveSession session, Consumer<String> stopper) {
        this.session = session;
        this.stopper = stopper;
    }

    /** The session is over and everything it held is removed. */
    void ended() {
        ended.countDown();
    }

    @Override
    public String runId() {
        return session.id();
    }

    @Override
    public String playbook() {
        return session.playbook().name();
    }

    @Override
    public LiveStatus status() {
        LiveSession.Status s = session.status();
        double elapsed = Duration.between(started, Instant.now()).toNanos() / 1e6;
        List<LiveStatus.ActiveFault> faults = new ArrayList<>();
        for (LiveSession.ActiveFault a : s.faults()) {
            double since = Duration.between(started, a.since()).toNanos() / 1e6;
            for (String server : a.servers()) {
                for (Fault f : a.faults()) {
                    faults.add(new LiveStatus.ActiveFault(server, f.describe(), f.type().toxicType(), LiveSession.RECORDED_SCENARIO, since));
                }
            }
        }
        Map<String, String> breakers = new LinkedHashMap<>();
        s.breakers().forEach((server, state) -> breakers.put(server, state.name().toLowerCase(Locale.ROOT).replace('_', '-')));
        LoadWindow w = s.lastSecond();
        Double p99 = w == null || w.latencyNanos() == null || w.latencyNanos().getTotalCount() == 0 ? null
            : w.latencyNanos().getValueAtPercentile(99) / 1e6;
        String state = ended.getCount() == 0 ? "stopped" : s.started() ? "running" : "starting";
        return new LiveStatus(runId(), playbook(), state, ProcessHandle.current().pid(), started.toString(), null, null, null, null,
            null, null, null, null, elapsed, w == null ? null : w.opsPerSecond(), w == null ? null : w.total().errorRate(), p99,
            breakers, faults, null);
    }

    @Override
    public StopReport stop(String by, Duration timeout) throws InterruptedException {
        List<String> held = holdings();
        stopper.accept(by);
        boolean done = ended.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        return new StopReport(runId(), by, done, done ? held : List.of(), done ? List.of() : held);
    }

    /** What the session has on: each fault, and the servers and proxies once started. */
    private List<String> holdings() {
        LiveSession.Status s = session.status();
        List<String> held = new ArrayList<>();
        for (LiveSession.ActiveFault a : s.faults()) held.add("fault " + a.statement());
        if (s.started()) {
            for (LiveSession.ServerLine line : s.servers()) {
                held.add("proxy for " + line.name() + (line.proxy() == null ? "" : " at " + line.proxy())
                    + (line.address() == null ? "" : ", server " + line.address()));
            }
            held.add("the load (" + s.clients() + " clients)");
        }
        return held;
    }

    @Override
    public LiveStatus pause(String by, boolean healFaults) {
        throw new Refused("a REPL session does not pause: it has no timeline to hold (its own 'heal' removes faults)");
    }

    @Override
    public LiveStatus resume(String by) {
        throw new Refused("a REPL session does not pause, so there is nothing to resume");
    }
}
