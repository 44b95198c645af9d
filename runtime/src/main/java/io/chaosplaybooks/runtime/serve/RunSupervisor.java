package io.chaosplaybooks.runtime.serve;

import io.chaosplaybooks.dsl.plan.Playbook;
import io.chaosplaybooks.dsl.plan.Scenario;
import io.chaosplaybooks.dsl.plan.ScenarioSelection;
import io.chaosplaybooks.dsl.plan.ServerSpec;
import io.chaosplaybooks.runtime.control.LiveStatus;
import io.chaosplaybooks.runtime.control.ControlEndpoint;
import io.chaosplaybooks.runtime.control.LiveView;
import io.chaosplaybooks.runtime.control.LocalRun;
import io.chaosplaybooks.runtime.exec.PauseRequest;
import io.chaosplaybooks.runtime.exec.RunListener;
import io.chaosplaybooks.runtime.report.JUnitReport;
import io.chaosplaybooks.runtime.report.RunSummary;
import io.chaosplaybooks.runtime.report.html.HtmlReport;
import io.chaosplaybooks.runtime.run.PlaybookRunner;
import io.chaosplaybooks.runtime.run.RunEnvironment;
import io.chaosplaybooks.runtime.run.RunException;
import io.chaosplaybooks.runtime.run.RunOptions;
import io.chaosplaybooks.runtime.run.StopRequest;
import io.chaosplaybooks.runtime.run.StopRequested;
import io.chaosplaybooks.runtime.verdict.ScenarioVerdict;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

/**
 * Starts the server's runs, each as {@code chaos run} would run it (the same {@link PlaybookRunner}),
 * on a thread of its own, and keeps them in the {@link RunIndex}:
 * <pre>
 *  start ─► busy? (max concurrent reached, or its servers in use) ─► recorded as skipped, with why
 *        └► running ─► journal, console.log ─► passed | failed | error | stopped ─► junit.xml, report.html
 * </pre>
 * A stop (the API, {@code chaos stop}, the server's own shutdown) is the run's {@link StopRequest}, which
 * interrupts its thread: the same path as Ctrl-C in {@code chaos run}, so the same cleanup. Each run is
 * registered with the process's control endpoint (when there is one), so {@code chaos status}, {@code stop},
 * {@code pause} and {@code resume} in another shell reach it as they reach a {@code chaos run}.
 */
final class RunSupervisor {
    /** What to run and why. {@code due}: when a schedule was due (null when not scheduled). */
    record Request(Playbook playbook, Path file, List<String> scenarios, double timeScale, String trigger, Instant due) {}

    private record Active(RunRecord record, Thread thread, StopRequest stop, LiveView live, LocalRun control,
                          PrometheusMeterRegistry registry, Set<String> servers) {}

    private final RunIndex index;
    private final int maxConcurrent;
    private final Consumer<String> log;
    private final Map<String, Active> active = new LinkedHashMap<>();
    /** Where other shells reach this process's runs, or null. */
    private final ControlEndpoint control;

    RunSupervisor(RunIndex index, int maxConcurrent, Consumer<String> log) {
        this(index, maxConcurrent, log, null);
    }

    RunSupervisor(RunIndex index, int maxConcurrent, Consumer<String> log, ControlEndpoint control) {
        this.index = index;
        this.maxConcurrent = maxConcurrent;
        this.log = log;
        this.control = control;
    }

    /** Starts the run, or records it as skipped when it cannot start now; either way its record. */
    synchronized RunRecord start(Request r) {
        String id = PlaybookRunner.newRunId();
        List<String> names = scenarioNames(r);
        Set<String> servers = explicitServers(r.playbook());
        String busy = busy(servers);
        String now = Instant.now().toString();
        String due = r.due() == null ? null : r.due().toString();
        if (busy != null) {
            RunRecord skipped = new RunRecord(id, r.playbook().name(), r.file().toString(), names, r.trigger(), "skipped",
                now, now, due, busy, Map.of());
            index.put(skipped);
            log.accept("run " + id + " of " + r.playbook().name() + " (" + r.trigger() + ") skipped: " + busy);
            return skipped;
        }
        RunRecord record = new RunRecord(id, r.playbook().name(), r.file().toString(), names, r.trigger(), "running",
            now, null, due, null, Map.of());
        StopRequest stop = new StopRequest();
        PauseRequest pause = new PauseRequest();
        LiveView live = new LiveView(id, r.playbook().name());
        LocalRun handle = new LocalRun(live, r.playbook().name(), stop, pause);
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry.config().commonTags("run", id);
        Thread thread = Thread.ofPlatform().name("chaos-serve-" + id).unstarted(() -> execute(record, r, stop, pause, handle, live, registry));
        stop.onRequest(thread::interrupt);
        active.put(id, new Active(record, thread, stop, live, handle, registry, servers));
        if (control != null) control.register(handle);
        index.put(record);
        log.accept("run " + id + " of " + r.playbook().name() + " " + names + " started (" + r.trigger() + ")");
        thread.start();
        return record;
    }

    private static List<String> scenarioNames(Request r) {
        List<Scenario> all = r.playbook().scenarios();
        if (r.scenarios().isEmpty()) return all.stream().map(Scenario::name).toList();
        return all.stream().map(Scenario::name).filter(r.scenarios()::contains).toList();
    }

    /** The servers a run uses that another run could use too: the given addresses (servers a run starts are its own). */
    private static Set<String> explicitServers(Playbook p) {
        Set<String> out = new LinkedHashSet<>();
        for (ServerSpec s : p.servers()) if (s.address() != null) out.add(s.address());
        return out;
    }

    /** Why a run on {@code servers} cannot start now, or null. */
    private String busy(Set<String> servers) {
        if (active.size() >= maxConcurrent) {
            return (active.size() == 1 ? "a run is" : active.size() + " runs are") + " already running (" + String.join(", ", active.keySet())
                + ") and at most " + maxConcurrent + " may run at once (--max-concurrent)";
        }
        for (Active a : active.values()) {
            Set<String> shared = new LinkedHashSet<>(servers);
            shared.retainAll(a.servers());
            if (!shared.isEmpty()) return "its servers " + String.join(", ", shared) + " are in use by run " + a.record().id();
        }
        return null;
    }

    private void execute(RunRecord record, Request r, StopRequest stop, PauseRequest pause, LocalRun handle, LiveView live,
                         PrometheusMeterRegistry registry) {
        Path dir = index.dirOf(record.id());
        Path journal = dir.resolve("journal.jsonl");
        String state;
        String reason = null;
        Map<String, String> verdicts = new LinkedHashMap<>();
        PrintStream console = null;
        try {
            Files.createDirectories(dir);
            console = new PrintStream(new FileOutputStream(dir.resolve("console.log").toFile()), true, StandardCharsets.UTF_8);
            RunOptions options = new RunOptions(null, List.of(), ThreadLocalRandom.current().nextLong() & 0xffff_ffffL, r.timeScale(),
                new ScenarioSelection(r.scenarios(), List.of()), 1, "127.0.0.1", -1, journal, false, false, console, record.id(),
                List.<RunListener>of(live)).withRegistry(registry); // the load's meters and the scenarios', tagged with the run
            PlaybookRunner.Result result = new PlaybookRunner(stop, pause).run(r.playbook(), options);
            RunSummary summary = result.summary();
            for (RunSummary.ScenarioSummary s : summary.scenarios()) verdicts.put(s.verdict().scenario(), s.verdict().status().label());
            JUnitReport.write(summary, dir.resolve("junit.xml"));
            if (result.interrupted() || stop.requested()) {
                state = "stopped";
                reason = "stopped by " + (stop.by() == null ? "an interrupt" : stop.by());
            } else if (summary.count(ScenarioVerdict.Status.ERROR) > 0) {
                state = "error";
                reason = String.join("; ", summary.scenarios().stream().flatMap(s -> s.verdict().errors().stream()).toList());
            } else if (summary.count(ScenarioVerdict.Status.FAIL) > 0 || summary.aborted() > 0) {
                state = "failed";
            } else {
                state = "passed";
            }
        } catch (StopRequested s) {
            state = "stopped";
            reason = "stopped by " + (stop.by() == null ? "an interrupt" : stop.by()) + " during start-up (" + s.stage() + ")";
        } catch (RunException e) {
            state = stop.requested() ? "stopped" : "error";
            reason = e.getMessage();
        } catch (IOException e) {
            state = "error";
            reason = "cannot write the run's files under " + dir + ": " + e.getMessage();
        } catch (RuntimeException | Error e) {
            state = "error";
            reason = "internal error: " + e;
            log.accept("run " + record.id() + " failed: " + e);
        } finally {
            if (console != null) console.close();
            handle.finished();
            if (control != null) control.unregister(record.id());
        }
        if (Files.exists(journal)) {
            try {
                HtmlReport.write(journal, dir.resolve("report.html"));
            } catch (Exception e) {
                log.accept("run " + record.id() + ": cannot write its report: " + e.getMessage());
            }
        }
        RunRecord ended = record.ended(state, Instant.now().toString(), reason, verdicts);
        synchronized (this) {
            index.put(ended);
            active.remove(record.id());
            notifyAll();
        }
        log.accept("run " + record.id() + " " + state + (reason == null ? "" : ": " + reason));
    }

    /** Asks a running run to stop; false when it is not running. */
    synchronized boolean stop(String id, String by) {
        Active a = active.get(id);
        if (a == null) return false;
        a.stop().request(by);
        a.thread().interrupt();
        return true;
    }

    /**
     * Holds a running run's timeline (its faults stay on, or with {@code healFaults} come off until the resume).
     * @return its live figures, or null when it is not running
     * @throws io.chaosplaybooks.runtime.control.RunControl.Refused when it is paused already or ending
     */
    LiveStatus pause(String id, String by, boolean healFaults) throws InterruptedException {
        LocalRun run;
        synchronized (this) {
            Active a = active.get(id);
            if (a == null) return null;
            run = a.control();
        }
        return run.pause(by, healFaults);
    }

    /** @throws io.chaosplaybooks.runtime.control.RunControl.Refused when it is not paused */
    LiveStatus resume(String id, String by) {
        LocalRun run;
        synchronized (this) {
            Active a = active.get(id);
            if (a == null) return null;
            run = a.control();
        }
        return run.resume(by);
    }

    /** Live figures of a running run, or null when it is not running. */
    synchronized LiveStatus live(String id) {
        Active a = active.get(id);
        return a == null ? null : a.live().status();
    }

    /** Records a run that was due but does not start, with why (a missed due time, a broken playbook). */
    RunRecord skip(String playbook, Path file, List<String> scenarios, String trigger, Instant due, String why) {
        String now = Instant.now().toString();
        RunRecord skipped = new RunRecord(PlaybookRunner.newRunId(), playbook, file.toString(), scenarios, trigger, "skipped",
            now, now, due == null ? null : due.toString(), why, Map.of());
        index.put(skipped);
        log.accept("run " + skipped.id() + " of " + playbook + " (" + trigger + ") skipped: " + why);
        return skipped;
    }

    synchronized List<String> running() {
        return List.copyOf(active.keySet());
    }

    /** The Prometheus registries of the runs under way. */
    synchronized List<PrometheusMeterRegistry> registries() {
        return active.values().stream().map(Active::registry).toList();
    }

    /**
     * Stops every run and waits for their cleanup: at most the cleanup's deadline and a margin.
     * @return the ids still running when the wait ended (empty when all stopped)
     */
    List<String> stopAll(String by) {
        long end = System.nanoTime() + RunEnvironment.CLEANUP_DEADLINE.plusSeconds(4).toNanos();
        synchronized (this) {
            for (String id : active.keySet()) stop(id, by);
            while (!active.isEmpty()) {
                long left = end - System.nanoTime();
                if (left <= 0) break;
                try {
                    wait(Math.max(1, Duration.ofNanos(left).toMillis()));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            return new ArrayList<>(active.keySet());
        }
    }
}
