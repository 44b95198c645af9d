package io.chaosplaybooks.cli;

import sun.misc.Signal;
import sun.misc.SignalHandler;

import java.io.PrintStream;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs a long job so that Ctrl-C (SIGINT) and SIGTERM stop it cleanly: the first signal
 * interrupts the job, which then removes every fault and stops what it started; a second
 * signal during that cleanup does not skip it, it is only acknowledged.
 */
final class Interruptible {
    private Interruptible() {}

    /** Thrown out of {@link #run} when a signal stopped the job. */
    static final class Stopped extends RuntimeException {
        final String signal;

        Stopped(String signal) {
            super("stopped by " + signal + "; everything that had been started is cleaned up");
            this.signal = signal;
        }
    }

    static <T> T run(String what, Callable<T> job, PrintStream console) throws Exception {
        AtomicReference<T> result = new AtomicReference<>();
        AtomicReference<Exception> failure = new AtomicReference<>();
        Thread worker = new Thread(() -> {
            try {
                result.set(job.call());
            } catch (Exception e) {
                failure.set(e);
            }
        }, what);
        AtomicInteger signals = new AtomicInteger();
        AtomicReference<String> first = new AtomicReference<>();
        SignalHandler handler = sig -> {
            int n = signals.incrementAndGet();
            if (n == 1) {
                first.set("SIG" + sig.getName());
                console.println();
                console.println("chaos: SIG" + sig.getName() + ": stopping; removing every fault and stopping what this run started ...");
                worker.interrupt();
            } else {
                console.println("chaos: still cleaning up; the cleanup is not skipped (it ends by itself)");
            }
        };
        SignalHandler oldInt = install("INT", handler);
        SignalHandler oldTerm = install("TERM", handler);
        try {
            worker.start();
            while (true) {
                try {
                    worker.join();
                    break;
                } catch (InterruptedException e) {
                    // The main thread is not the one to stop: keep waiting for the worker's cleanup.
                }
            }
        } finally {
            restore("INT", oldInt);
            restore("TERM", oldTerm);
        }
        // A job that returned has cleaned up and says itself whether it was cut short.
        if (failure.get() != null) {
            if (first.get() != null && isInterruption(failure.get())) throw new Stopped(first.get());
            throw failure.get();
        }
        if (result.get() == null && first.get() != null) throw new Stopped(first.get());
        return result.get();
    }

    private static boolean isInterruption(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof InterruptedException || c instanceof java.io.InterruptedIOException
                || c instanceof java.nio.channels.ClosedByInterruptException) return true;
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
