package io.chaosplaybooks.runtime.control;

import io.chaosplaybooks.runtime.exec.PauseRequest;
import io.chaosplaybooks.runtime.run.StopRequest;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A run of this process under control: its {@link LiveView} answers the status, its
 * {@link StopRequest} stops it (whoever runs the job interrupts it on the request, as on Ctrl-C), its
 * {@link PauseRequest} pauses it. The owner calls {@link #finished()} once the run has returned,
 * its cleanup done, so that a stop can say what it removed.
 */
public final class LocalRun implements RunControl {
    private static final Duration PAUSE_TAKES_HOLD = Duration.ofSeconds(2);

    private final LiveView view;
    private final String playbook;
    private final StopRequest stop;
    private final PauseRequest pause;
    private final CountDownLatch finished = new CountDownLatch(1);

    public LocalRun(LiveView view, String playbook, StopRequest stop, PauseRequest pause) {
        this.view = view;
        this.playbook = playbook;
        this.stop = stop;
        this.pause = pause;
    }

    /** The run has returned (or thrown) and cleaned up. */
    public void finished() {
        finished.countDown();
    }

    @Override
    public String runId() {
        return view.runId();
    }

    @Override
    public String playbook() {
        return playbook;
    }

    @Override
    public LiveStatus status() {
        return view.status();
    }

    @Override
    public StopReport stop(String by, Duration timeout) throws InterruptedException {
        List<String> before = holdings();
        stop.request(by);
        // A paused run waits in its pause: the stop's interrupt ends it like any other wait.
        boolean done = finished.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        List<String> after = done ? split(stop.held()) : holdings();
        List<String> removed = new ArrayList<>(before);
        removed.removeAll(after);
        return new StopReport(runId(), stop.by(), done, removed, after);
    }

    /** The faults on the servers now and what the run's environment holds (proxies, servers it started). */
    private List<String> holdings() {
        List<String> h = new ArrayList<>();
        for (LiveStatus.ActiveFault f : view.status().faults()) h.add("fault " + f.fault() + " on " + f.server());
        for (String held : stop.held()) h.addAll(java.util.Arrays.asList(held.split("; ")));
        return h;
    }

    private static List<String> split(List<String> held) {
        List<String> out = new ArrayList<>();
        for (String h : held) out.addAll(java.util.Arrays.asList(h.split("; ")));
        return out;
    }

    @Override
    public LiveStatus pause(String by, boolean healFaults) throws InterruptedException {
        if (finished.getCount() == 0 || stop.requested()) throw new Refused("run " + runId() + " is ending; nothing to pause");
        if (!pause.pause(by, healFaults)) throw new Refused("run " + runId() + " is paused already (by " + pause.by() + ")");
        if (pause.awaitHeld(PAUSE_TAKES_HOLD)) {
            // The view hears the pause on the run's event thread, a moment later.
            long end = System.nanoTime() + 500_000_000L;
            while (!view.status().state().equals("paused") && System.nanoTime() < end) Thread.sleep(10);
        }
        return view.status();
    }

    @Override
    public LiveStatus resume(String by) {
        if (!pause.resume(by)) throw new Refused("run " + runId() + " is not paused");
        return view.status();
    }
}
