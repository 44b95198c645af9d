package io.chaosplaybooks.runtime.report.html;

import io.chaosplaybooks.runtime.events.RunEvent;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A run's seconds as figures: each second as it was up to the capacity, past it buckets that keep their extremes. */
class SecondsTest {
    static RunEvent.LoadSecond second(long s, double ops, double p99, Long server1Ops) {
        Map<String, RunEvent.ServerSecond> servers = server1Ops == null ? Map.of()
            : Map.of("server-1", new RunEvent.ServerSecond(server1Ops, 0, "closed", p99));
        return new RunEvent.LoadSecond(s * 1000, s * 1000 + 1000, (long) ops, 0, ops, 0.0, 1.0, p99, servers, null);
    }

    @Test
    void upToTheCapacityEverySecondIsAPointAsItWas() {
        Seconds secs = new Seconds();
        for (int s = 0; s < Seconds.CAPACITY; s++) secs.add(second(s, 100 + s, 2, s == 7 ? null : 10L));
        double[][] ops = secs.points(Seconds.OPS);
        assertEquals(Seconds.CAPACITY, ops[0].length);
        for (int s = 0; s < Seconds.CAPACITY; s++) {
            assertEquals(s * 1000 + 500, ops[0][s]);
            assertEquals(100 + s, ops[1][s]);
        }
        double[][] server = secs.points(Seconds.OPS + " server-1");
        assertTrue(Double.isNaN(server[1][7]), "a second without the server is a gap");
        assertEquals(10, server[1][8]);
    }

    @Test
    void aMillionSecondsKeepTheirSpikeAndTheirDipInBoundedPoints() {
        Seconds secs = new Seconds();
        int n = 1_000_000;
        for (int s = 0; s < n; s++) {
            double ops = s == 333_333 ? 10 : 10_000 + (s % 10);
            double p99 = s == 777_777 ? 987.5 : 3.5;
            secs.add(second(s, ops, p99, s >= 900_000 ? null : 3000L));
        }
        assertEquals(n, secs.total());
        double[][] ops = secs.points(Seconds.OPS);
        double[][] p99 = secs.points(Seconds.P99);
        assertTrue(ops[0].length <= 2 * Seconds.CAPACITY, ops[0].length + " points");
        assertTrue(ops[0].length >= Seconds.CAPACITY / 2, ops[0].length + " points");
        assertEquals(10, min(ops[1]), "the dip");
        assertEquals(10_009, max(ops[1]), "the top");
        assertEquals(987.5, max(p99[1]), "the spike");
        int at = indexOf(p99[1], 987.5);
        assertEquals(777_777 * 1000 + 500, p99[0][at], "where the spike was");
        for (int i = 1; i < ops[0].length; i++) assertTrue(ops[0][i] > ops[0][i - 1], "points in time order");
        // The server's seconds stop at 900,000: its line has a gap from there to the end.
        double[][] server = secs.points(Seconds.OPS + " server-1");
        assertTrue(Double.isNaN(server[1][server[1].length - 1]), "a gap at the end");
    }

    private static double min(double[] v) {
        double m = Double.MAX_VALUE;
        for (double x : v) if (!Double.isNaN(x)) m = Math.min(m, x);
        return m;
    }

    private static double max(double[] v) {
        double m = -Double.MAX_VALUE;
        for (double x : v) if (!Double.isNaN(x)) m = Math.max(m, x);
        return m;
    }

    private static int indexOf(double[] v, double x) {
        for (int i = 0; i < v.length; i++) if (v[i] == x) return i;
        return -1;
    }
}
