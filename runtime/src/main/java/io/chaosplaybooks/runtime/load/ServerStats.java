package io.chaosplaybooks.runtime.load;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiConsumer;

/**
 * One server's counters and latencies. Workers write without locks (LongAdder, HdrHistogram
 * {@link Recorder}, one per operation kind); the engine's window thread drains a window at a time
 * under the engine's lock, and hands each kind's latencies on (to the Micrometer timers, which
 * then cost the workers nothing).
 */
final class ServerStats {
    private static final int SIGNIFICANT_DIGITS = 3;

    private final LongAdder[] outcomes = new LongAdder[Outcome.values().length];
    private final LongAdder failedOver = new LongAdder();
    private final Recorder[] latencyNanos = new Recorder[Operation.values().length];

    // Reader side, touched only under the engine's window lock.
    private final long[] drainedOutcomes = new long[Outcome.values().length];
    private long drainedFailedOver;
    private final Histogram[] spareIntervals = new Histogram[Operation.values().length];
    private final Histogram interval = new Histogram(SIGNIFICANT_DIGITS);
    private final Histogram cumulative = new Histogram(SIGNIFICANT_DIGITS);

    ServerStats() {
        for (int i = 0; i < outcomes.length; i++) {
            outcomes[i] = new LongAdder();
        }
        for (int i = 0; i < latencyNanos.length; i++) {
            latencyNanos[i] = new Recorder(SIGNIFICANT_DIGITS);
        }
    }

    void record(Operation op, Outcome outcome, long latency) {
        outcomes[outcome.ordinal()].increment();
        latencyNanos[op.ordinal()].recordValue(Math.max(0, latency));
    }

    void recordFailover() {
        failedOver.increment();
    }

    /**
     * The counts since the previous drain, as a window; also folds them into the cumulative figures,
     * adds this window's latencies to {@code allServers} and gives each operation kind's latencies
     * of the window to {@code byOperation} (which must not keep the histogram).
     */
    ServerWindow drain(String server, BreakerState state, Histogram allServers, BiConsumer<Operation, Histogram> byOperation) {
        long[] delta = new long[outcomes.length];
        for (int i = 0; i < outcomes.length; i++) {
            long now = outcomes[i].sum();
            delta[i] = now - drainedOutcomes[i];
            drainedOutcomes[i] = now;
        }
        long failoverNow = failedOver.sum();
        long failoverDelta = failoverNow - drainedFailedOver;
        drainedFailedOver = failoverNow;
        interval.reset();
        for (Operation op : Operation.values()) {
            Histogram ofOp = latencyNanos[op.ordinal()].getIntervalHistogram(spareIntervals[op.ordinal()]);
            interval.add(ofOp);
            byOperation.accept(op, ofOp);
            spareIntervals[op.ordinal()] = ofOp;
        }
        cumulative.add(interval);
        allServers.add(interval);
        return window(server, delta, failoverDelta, LatencySummary.of(interval), state);
    }

    /** Everything drained so far (call after {@link #drain} for up-to-date figures). */
    ServerWindow cumulative(String server, BreakerState state) {
        return window(server, drainedOutcomes.clone(), drainedFailedOver, LatencySummary.of(cumulative), state);
    }

    Histogram cumulativeHistogram() {
        return cumulative;
    }

    long drainedFailedOver() {
        return drainedFailedOver;
    }

    long[] drainedOutcomes() {
        return drainedOutcomes.clone();
    }

    static ServerWindow window(String server, long[] counts, long failedOver, LatencySummary latency, BreakerState state) {
        long operations = 0;
        for (long c : counts) {
            operations += c;
        }
        return new ServerWindow(server, operations,
            counts[Outcome.HIT.ordinal()],
            counts[Outcome.MISS.ordinal()],
            counts[Outcome.TIMEOUT.ordinal()],
            counts[Outcome.CONNECTION.ordinal()],
            counts[Outcome.BREAKER_OPEN.ordinal()],
            counts[Outcome.OTHER_ERROR.ordinal()],
            failedOver, latency, state);
    }
}
