package io.chaosplaybooks.runtime.report.html;

import java.util.Locale;

/** Text escaping and number formatting for the SVG and HTML we write by hand. */
final class Svg {
    private Svg() {}

    static String esc(String s) {
        if (s == null) return "";
        StringBuilder b = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    /** A coordinate: one decimal is finer than a pixel. */
    static String n(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    /** A tick or figure label: no more digits than the value needs. */
    static String label(double v) {
        double a = Math.abs(v);
        if (a == 0) return "0";
        if (a >= 1_000_000) return trim(String.format(Locale.ROOT, "%.1f", v / 1_000_000)) + "M";
        if (a >= 10_000) return trim(String.format(Locale.ROOT, "%.1f", v / 1_000)) + "k";
        if (a >= 100) return String.format(Locale.ROOT, "%.0f", v);
        if (a >= 1) return trim(String.format(Locale.ROOT, "%.2f", v));
        return trim(String.format(Locale.ROOT, "%.3f", v));
    }

    private static String trim(String s) {
        if (!s.contains(".")) return s;
        s = s.replaceAll("0+$", "");
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }

    /** Tick step for about {@code count} ticks over {@code span}: 1, 2 or 5 times a power of ten. */
    static double niceStep(double span, int count) {
        if (!(span > 0)) return 1;
        double raw = span / count;
        double pow = Math.pow(10, Math.floor(Math.log10(raw)));
        double f = raw / pow;
        double nice = f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10;
        return nice * pow;
    }
}
