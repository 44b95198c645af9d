package io.chaosplaybooks.dsl.plan;

import java.time.Duration;

/** Formatting of plan values for messages, listings and timelines. */
public final class Units {
    private Units() {}

    public static String formatNumber(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) return Long.toString((long) v);
        String s = String.format(java.util.Locale.ROOT, "%.4f", v);
        s = s.replaceAll("0+$", "");
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }

    /** {@code 1.5 s}, {@code 200 ms}, {@code 2 min}, {@code 1 min 30 s}: the way a playbook would write it. */
    public static String format(Duration d) {
        if (d == null) return "-";
        if (d.isNegative()) return "-" + format(d.negated());
        long ms = d.toMillis();
        if (ms == 0 && !d.isZero()) return formatNumber(d.toNanos() / 1000.0) + " µs";
        if (ms < 1000) return ms + " ms";
        if (ms % 3_600_000 == 0) return ms / 3_600_000 + " h";
        if (ms % 60_000 == 0) return ms / 60_000 + " min";
        if (ms < 60_000) return formatNumber(ms / 1000.0) + " s";
        long min = ms / 60_000;
        return min + " min " + formatNumber((ms % 60_000) / 1000.0) + " s";
    }

    /** A duration as the language writes it: {@code 500.ms}, {@code 2.s}. */
    public static String dsl(Duration d) {
        long ms = d.toMillis();
        return ms % 1000 == 0 ? ms / 1000 + ".s" : ms + ".ms";
    }

    /** A clock offset for timelines: {@code 00:01:30.000}. */
    public static String clock(Duration d) {
        long ms = d.toMillis();
        return String.format(java.util.Locale.ROOT, "%02d:%02d:%02d.%03d",
            ms / 3_600_000, (ms / 60_000) % 60, (ms / 1000) % 60, ms % 1000);
    }
}
