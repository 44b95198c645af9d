package io.chaosplaybooks.runtime.report.html;

import io.chaosplaybooks.runtime.events.RunEvent;

import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * A scenario run's seconds of load as the figures its charts draw, one column per figure, in at
 * most {@link #CAPACITY} buckets. Up to that many seconds each second is its own bucket and is
 * drawn as it was; past it, neighbouring buckets merge in pairs (and later seconds go by twos,
 * fours...), each keeping its lowest and highest value and when they happened, so a spike or a dip
 * shorter than a bucket is still drawn at its height.
 */
final class Seconds {
    /** Buckets kept: twenty minutes of seconds, more than the chart's width in pixels. */
    static final int CAPACITY = 1200;

    static final String OPS = "ops";
    static final String ERRORS = "errors";
    static final String P50 = "p50";
    static final String P99 = "p99";

    /** One figure over the buckets: its lowest and highest value in each, and at what time (NaN: none). */
    private static final class Column {
        double[] low;
        double[] lowAt;
        double[] high;
        double[] highAt;

        Column(int length) {
            low = nans(length);
            lowAt = nans(length);
            high = nans(length);
            highAt = nans(length);
        }
    }

    private final Map<String, Column> columns = new HashMap<>();
    /** The servers these seconds name (at most {@link RunJournal#SERVERS}), in the order they appeared. */
    final Set<String> servers = new LinkedHashSet<>();
    private double[] firstAt = new double[16];
    private int[] count = new int[16];
    private int size;
    /** Seconds per bucket: 1 until the first merge. */
    private int width = 1;
    private long total;

    /** Seconds taken. */
    long total() {
        return total;
    }

    void add(RunEvent.LoadSecond s) {
        total++;
        double at = HtmlReport.middleMs(s);
        if (size == 0 || count[size - 1] >= width) bucket(at);
        int i = size - 1;
        count[i]++;
        put(OPS, i, at, s.opsPerSecond());
        put(ERRORS, i, at, s.errorRate() * 100);
        put(P50, i, at, number(s.p50Ms()));
        put(P99, i, at, number(s.p99Ms()));
        for (Map.Entry<String, RunEvent.ServerSecond> e : s.servers().entrySet()) {
            String name = e.getKey();
            if (!servers.contains(name)) {
                if (servers.size() >= RunJournal.SERVERS) continue;
                servers.add(name);
            }
            RunEvent.ServerSecond v = e.getValue();
            put(OPS + " " + name, i, at, v.ops());
            // No operations (an open breaker sends its server's keys elsewhere): no rate, a gap in the line.
            put(ERRORS + " " + name, i, at, v.ops() == 0 ? Double.NaN : 100.0 * v.errors() / v.ops());
            put(P99 + " " + name, i, at, v.ops() == 0 ? Double.NaN : number(v.p99Ms()));
        }
    }

    /**
     * The points to draw for a figure ({@link #OPS}, {@link #ERRORS}, {@link #P50}, {@link #P99}, or one of
     * them, a space and a server's name): {x ms, value} pairs, NaN where there is no value (a gap).
     */
    double[][] points(String figure) {
        Column c = columns.get(figure);
        double[] xs = new double[2 * size];
        double[] ys = new double[2 * size];
        int n = 0;
        for (int i = 0; i < size; i++) {
            if (c == null || Double.isNaN(c.low[i])) {
                xs[n] = firstAt[i];
                ys[n++] = Double.NaN;
            } else if (c.lowAt[i] == c.highAt[i]) {
                xs[n] = c.lowAt[i];
                ys[n++] = c.low[i];
            } else {
                boolean lowFirst = c.lowAt[i] < c.highAt[i];
                xs[n] = lowFirst ? c.lowAt[i] : c.highAt[i];
                ys[n++] = lowFirst ? c.low[i] : c.high[i];
                xs[n] = lowFirst ? c.highAt[i] : c.lowAt[i];
                ys[n++] = lowFirst ? c.high[i] : c.low[i];
            }
        }
        return new double[][] {Arrays.copyOf(xs, n), Arrays.copyOf(ys, n)};
    }

    private void bucket(double at) {
        if (size == CAPACITY) merge();
        if (size == firstAt.length) {
            int length = Math.min(CAPACITY, size * 2);
            firstAt = Arrays.copyOf(firstAt, length);
            count = Arrays.copyOf(count, length);
            for (Column c : columns.values()) grow(c, length);
        }
        firstAt[size] = at;
        count[size] = 0;
        for (Column c : columns.values()) {
            c.low[size] = c.lowAt[size] = c.high[size] = c.highAt[size] = Double.NaN;
        }
        size++;
    }

    /** Halves the buckets: each pair becomes one, keeping the pair's lowest and highest value. */
    private void merge() {
        for (int i = 0; i < size / 2; i++) {
            int a = 2 * i;
            int b = a + 1;
            firstAt[i] = firstAt[a];
            count[i] = count[a] + count[b];
            for (Column c : columns.values()) {
                double low = c.low[a], lowAt = c.lowAt[a], high = c.high[a], highAt = c.highAt[a];
                if (!Double.isNaN(c.low[b]) && (Double.isNaN(low) || c.low[b] < low)) {
                    low = c.low[b];
                    lowAt = c.lowAt[b];
                }
                if (!Double.isNaN(c.high[b]) && (Double.isNaN(high) || c.high[b] > high)) {
                    high = c.high[b];
                    highAt = c.highAt[b];
                }
                c.low[i] = low;
                c.lowAt[i] = lowAt;
                c.high[i] = high;
                c.highAt[i] = highAt;
            }
        }
        size /= 2;
        width *= 2;
    }

    private void put(String figure, int i, double at, double value) {
        if (Double.isNaN(value)) return;
        Column c = columns.get(figure);
        if (c == null) {
            c = new Column(firstAt.length);
            columns.put(figure, c);
        }
        if (Double.isNaN(c.low[i]) || value < c.low[i]) {
            c.low[i] = value;
            c.lowAt[i] = at;
        }
        if (Double.isNaN(c.high[i]) || value > c.high[i]) {
            c.high[i] = value;
            c.highAt[i] = at;
        }
    }

    private static void grow(Column c, int length) {
        c.low = grown(c.low, length);
        c.lowAt = grown(c.lowAt, length);
        c.high = grown(c.high, length);
        c.highAt = grown(c.highAt, length);
    }

    private static double[] grown(double[] a, int length) {
        double[] b = Arrays.copyOf(a, length);
        Arrays.fill(b, a.length, length, Double.NaN);
        return b;
    }

    private static double[] nans(int length) {
        double[] a = new double[length];
        Arrays.fill(a, Double.NaN);
        return a;
    }

    private static double number(Double d) {
        return d == null ? Double.NaN : d;
    }
}
