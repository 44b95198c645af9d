package io.chaosplaybooks.runtime.run;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * A run's stop request. It is a flag of its own, not the thread's interrupt, because libraries
 * swallow interrupts (xmemcached's connect catches one and waits again): whatever they do, the run
 * checks the flag between start-up stages and while it waits, and stops. What the run holds is
 * registered here so that whoever gave up waiting for it can say what may be left.
 *
 * <p>Tests: {@code CHAOS_TEST_PAUSE_AT=stage[,stage...]} (or {@code all}) pauses at those start-up
 * stages for {@code CHAOS_TEST_PAUSE_MS} (default 2000), printing {@code chaos-test: paused at STAGE}
 * on stderr first, so that a test can send a signal at each stage. A pause swallows interrupts as
 * such libraries do.
 */
public final class StopRequest {
    /** The start-up stages, in order; each may be paused at by the test hook. */
    public static final List<String> STAGES = List.of("servers", "backend", "metrics", "warm-up", "load-start", "first-window");

    private static final List<String> PAUSE_AT = pauseAt(System.getenv("CHAOS_TEST_PAUSE_AT"));
    private static final long PAUSE_MS = pauseMs(System.getenv("CHAOS_TEST_PAUSE_MS"));

    private volatile String by;
    private final List<Supplier<String>> holdings = new ArrayList<>();
    private final List<Runnable> onRequest = new ArrayList<>();

    /** Asks the run to stop; {@code by} says who (SIGINT, SIGTERM, {@code chaos stop (pid N)}). The first request wins. */
    public void request(String by) {
        List<Runnable> tell;
        synchronized (this) {
            if (this.by != null) return;
            this.by = by;
            tell = List.copyOf(onRequest);
        }
        for (Runnable r : tell) r.run();
    }

    /**
     * Runs {@code r} at the first request (at once if there was one): whoever runs the job interrupts its
     * thread here, so that a request from elsewhere than a signal (another shell, an API) stops it the same way.
     */
    public void onRequest(Runnable r) {
        synchronized (this) {
            if (by == null) {
                onRequest.add(r);
                return;
            }
        }
        r.run();
    }

    public boolean requested() {
        return by != null;
    }

    /** Who asked, or null. */
    public String by() {
        return by;
    }

    /** Registers a description of something the run holds (empty string: nothing at the moment). */
    public synchronized void holding(Supplier<String> what) {
        holdings.add(what);
    }

    /** What the run holds now, one item a line; empty when nothing. */
    public synchronized List<String> held() {
        List<String> out = new ArrayList<>();
        for (Supplier<String> s : holdings) {
            try {
                String w = s.get();
                if (w != null && !w.isEmpty()) out.add(w);
            } catch (RuntimeException ignored) {
                // a description that cannot be made is left out
            }
        }
        return out;
    }

    /** Throws {@link StopRequested} when a stop was asked or the thread is interrupted. */
    public void check(String stage) {
        if (requested() || Thread.currentThread().isInterrupted()) throw new StopRequested(stage);
    }

    /** The stage's test pause, if asked for, then {@link #check}. */
    public void stage(String stage) {
        pause(stage, true);
        check(stage);
    }

    /**
     * The test pause at {@code stage}, if asked for. It swallows interrupts; it ends early on a stop
     * request only when {@code yieldsToStop} (a pause on a thread the run abandons does not).
     */
    void pause(String stage, boolean yieldsToStop) {
        if (!PAUSE_AT.contains(stage) && !PAUSE_AT.contains("all")) return;
        System.err.println("chaos-test: paused at " + stage);
        System.err.flush();
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(PAUSE_MS);
        while (System.nanoTime() < end && !(yieldsToStop && requested())) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException swallowed) {
                // as a library that catches the interrupt and waits again
            }
        }
    }

    /**
     * Waits for {@code f}, giving up when a stop is asked or the thread is interrupted (then
     * {@link StopRequested}); the work behind {@code f} goes on where it runs.
     */
    public <T> T await(Future<T> f, String stage) throws ExecutionException {
        while (true) {
            check(stage);
            try {
                return f.get(20, TimeUnit.MILLISECONDS);
            } catch (TimeoutException notYet) {
                // check again
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StopRequested(stage);
            }
        }
    }

    /** Runs {@code work} on a daemon thread of its own, never interrupted. */
    static <T> CompletableFuture<T> onItsOwnThread(String name, java.util.concurrent.Callable<T> work) {
        CompletableFuture<T> f = new CompletableFuture<>();
        Thread.ofPlatform().daemon().name(name).start(() -> {
            try {
                f.complete(work.call());
            } catch (Throwable t) {
                f.completeExceptionally(t);
            }
        });
        return f;
    }

    private static List<String> pauseAt(String v) {
        if (v == null || v.isBlank()) return List.of();
        List<String> out = new ArrayList<>();
        for (String s : v.split(",")) out.add(s.trim().toLowerCase(Locale.ROOT));
        return List.copyOf(out);
    }

    private static long pauseMs(String v) {
        try {
            return v == null ? 2000 : Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            return 2000;
        }
    }
}
