package io.chaosplaybooks.cli;

import io.chaosplaybooks.runtime.run.RunEnvironment;
import io.chaosplaybooks.runtime.run.StopRequest;
import io.chaosplaybooks.runtime.run.StopRequested;
import sun.misc.Signal;
import sun.misc.SignalHandler;

import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs a long job so that Ctrl-C (SIGINT) and SIGTERM stop it, whatever the libraries under it do
 * with interrupts: the first signal sets the job's {@link StopRequest} and interrupts it; the job
 * then removes every fault and stops what it started, within the cleanup's deadline. Should the job
 * still not be done {@link #GIVE_UP} after the signal, the wait ends and the caller exits (the JVM's
 * shutdown hook stops the memcached processes), saying what may be left. A second signal during the
 * cleanup is acknowledged; one after the cleanup's deadline exits at once.
 */
final class Interruptible {
    /** How long after the first signal the job may take to stop before it is given up on. */
    static final long GIVE_UP_MS = RunEnvironment.CLEANUP_DEADLINE.toMillis() + 4_000;

    private Interruptible() {}

    /** Thrown out of {@link #run} when a signal stopped the job. */
    static final class Stopped extends RuntimeException {
        final String signal;
        /** The start-up stage the job was in, or null when it was stopped before or after start-up. */
        final String stage;

        Stopped(String signal) {
            this(signal, null, List.of());
        }

        Stopped(String signal, String stage, List<String> left) {
            super("stopped by " + signal + (stage == null ? "" : " during start-up (" + stage + ")")
                + (left.isEmpty() ? "; everything that had been started is cleaned up" : "; may be left: " + String.join("; ", left)));
            this.signal = signal;
            this.stage = stage;
        }
    }

    static <T> T run(String what, Callable<T> job, PrintStream console) throws Exception {
        return run(what, job, console, new StopRequest());
    }

    static <T> T run(String what, Callable<T> job, PrintStream console, StopRequest stop) throws Exception {
        AtomicReference<T> result = new AtomicReference<>();
        AtomicReference<Exception> failure = new AtomicReference<>();
        Thread worker = new Thread(() -> {
            try {
                result.set(job.call());
            } catch (Exception e) {
                failure.set(e);
            }
        }, what);
        // Not holding the JVM up: past the deadline the caller exits while the job may still be stuck.
        worker.setDaemon(true);
        AtomicInteger signals = new AtomicInteger();
        AtomicReference<String> first = new AtomicReference<>();
        AtomicLong firstAt = new AtomicLong();
        SignalHandler handler = sig -> {
            int n = signals.incrementAndGet();
            String name = "SIG" + sig.getName();
            if (n == 1) {
                firstAt.set(System.nanoTime());
                first.set(name);
                stop.request(name);
                console.println();
                console.println("chaos: " + name + ": stopping; removing every fault and stopping what this run started ...");
                worker.interrupt();
                return;
            }
            long since = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - firstAt.get());
            long deadline = RunEnvironment.CLEANUP_DEADLINE.toMillis();
            if (since < deadline) {
                console.printf("chaos: still cleaning up (at most %d s more); a signal after that exits at once%n",
                    Math.max(1, (deadline - since + 999) / 1000));
                return;
            }
            console.println("chaos: " + name + " after the cleanup's deadline: exiting now" + mayBeLeft(stop));
            console.flush();
            // Not on the signal thread: exit runs the shutdown hooks (which stop the memcached processes) and waits for them.
            Thread.ofPlatform().name("chaos-exit").start(() -> System.exit(ExitCodes.INTERRUPTED));
        };
        // A stop asked from elsewhere (chaos stop in another shell, an API) goes the way of the first signal.
        stop.onRequest(() -> {
            if (first.get() == null) {
                console.println();
                console.println("chaos: stopped by " + stop.by() + ": removing every fault and stopping what this run started ...");
            }
            worker.interrupt();
        });
        SignalHandler oldInt = install("INT", handler);
        SignalHandler oldTerm = install("TERM", handler);
        try {
            worker.start();
            while (worker.isAlive()) {
                try {
                    worker.join(100);
                } catch (InterruptedException e) {
                    // The main thread is not the one to stop: keep waiting for the worker's cleanup.
                }
                if (first.get() != null && worker.isAlive()
                    && System.nanoTime() - firstAt.get() > TimeUnit.MILLISECONDS.toNanos(GIVE_UP_MS)) {
                    console.println("chaos: the run did not stop within " + GIVE_UP_MS / 1000 + " s of " + first.get() + "; exiting");
                    throw new Stopped(first.get(), null, stop.held());
                }
            }
        } finally {
            restore("INT", oldInt);
            restore("TERM", oldTerm);
        }
        // A job that returned has cleaned up and says itself whether it was cut short.
        if (failure.get() != null) {
            Exception f = failure.get();
            if (f instanceof StopRequested s) {
                throw new Stopped(first.get() != null ? first.get() : stop.requested() ? stop.by() : "an interrupt", s.stage(), stop.held());
            }
            if (first.get() != null && isInterruption(f)) throw new Stopped(first.get(), null, stop.held());
            throw f;
        }
        if (result.get() == null && first.get() != null) throw new Stopped(first.get(), null, stop.held());
        return result.get();
    }

    private static String mayBeLeft(StopRequest stop) {
        List<String> held = stop.held();
        return held.isEmpty() ? "" : "; may be left: " + String.join("; ", held);
    }

    private static boolean isInterruption(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof InterruptedException || c instanceof java.io.InterruptedIOException
                || c instanceof java.nio.channels.ClosedByInterruptException || c instanceof StopRequested) return true;
        }
        return false;
    }

    private static SignalHandler install(String name, SignalHandler h) {
        try {
            return Signal.handle(new Signal(name), h);
        } catch (IllegalArgumentException unsupported) {
            return null;
        }
    }

    private static void restore(String name, SignalHandler h) {
        if (h == null) return;
        try {
            Signal.handle(new Signal(name), h);
        } catch (IllegalArgumentException ignored) {
            // not supported here
        }
    }
}
