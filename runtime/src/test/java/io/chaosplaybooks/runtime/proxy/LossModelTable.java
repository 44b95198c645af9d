package io.chaosplaybooks.runtime.proxy;

import java.util.Arrays;
import java.util.Map;

/**
 * Prints what the loss toxic predicts for the reference's first experiment (sequential gets on one
 * connection, loss p in each direction, 36 µs base round trip) next to the figures measured with
 * real packet loss in REFERENCE-TCP-LOSS.md. Virtual time, seeded: the same table every run.
 * Used for docs/fault-engine.md; run with the test classpath, no arguments.
 */
public final class LossModelTable {
    private static final double BASE_MS = 0.036;

    /** p, ops/s, p50, p90, p99, p99.9, share > 150 ms: the reference's measured row. */
    private static final double[][] REFERENCE = {
        {0.01, 236, 0.04, 0.06, 208, 227, 0.0205},
        {0.02, 120, 0.04, 0.11, 211, 414, 0.040},
        {0.05, 42.5, 0.05, Double.NaN, 284, 568, 0.096},
        {0.10, 19.3, 0.07, 216, 532, 1060, 0.191},
        {0.20, 5.9, 0.14, 456, 1664, 5070, 0.363},
        {0.50, 0.3, 608, 10000, 10000, 10000, 0.738},
    };

    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        System.out.printf("%-5s %-9s %9s %8s %8s %8s %9s %8s%n", "p", "source", "ops/s", "p50 ms", "p90 ms", "p99 ms", "p99.9 ms", ">150ms");
        for (double[] ref : REFERENCE) {
            double p = ref[0];
            System.out.printf("%-5s %-9s %9.1f %8.2f %8s %8.0f %9.0f %7.1f%%%n", pct(p), "measured", ref[1], ref[2],
                Double.isNaN(ref[3]) ? "bimodal" : String.format("%.2f", ref[3]), ref[4], ref[5], ref[6] * 100);
            row(p, "fixed", false, n);
            row(p, "adaptive", true, n);
        }
    }

    private static void row(double p, String label, boolean adaptive, int n) {
        Map<String, Object> up = Map.of("rate", p, "seed", 1L, "adaptive", adaptive ? 1 : 0);
        Map<String, Object> down = Map.of("rate", p, "seed", 2L, "adaptive", adaptive ? 1 : 0);
        LossToxic.Flow request = (LossToxic.Flow) LossToxic.from(up).open(null);
        LossToxic.Flow response = (LossToxic.Flow) LossToxic.from(down).open(null);
        double[] ms = new double[n];
        double total = 0;
        int slow = 0;
        for (int i = 0; i < n; i++) {
            ms[i] = BASE_MS + (request.nextDelayNanos() + response.nextDelayNanos()) / 1e6;
            total += ms[i];
            if (ms[i] > 150) {
                slow++;
            }
        }
        Arrays.sort(ms);
        System.out.printf("%-5s %-9s %9.1f %8.2f %8.2f %8.0f %9.0f %7.1f%%%n", "", label, n / (total / 1000), q(ms, 0.5), q(ms, 0.9),
            q(ms, 0.99), q(ms, 0.999), 100.0 * slow / n);
    }

    private static double q(double[] sorted, double quantile) {
        return sorted[Math.min(sorted.length - 1, (int) (sorted.length * quantile))];
    }

    private static String pct(double p) {
        return (int) Math.round(p * 100) + "%";
    }
}
