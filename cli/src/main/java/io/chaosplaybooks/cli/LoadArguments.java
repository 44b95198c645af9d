package io.chaosplaybooks.cli;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses the values of {@code chaos load}'s options that are more than a number. Each method
 * throws {@link UserFacingException} (exit 2) naming the option and the bad text.
 */
final class LoadArguments {
    private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|sec|m|min|h)");
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(b|bytes|k|kb|m|mb)?");

    private LoadArguments() {}

    /** {@code 500ms}, {@code 30s}, {@code 2m}, {@code 1h}, also combined: {@code 1m30s}. */
    static Duration duration(String option, String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        Matcher m = DURATION.matcher(t);
        Duration total = Duration.ZERO;
        int at = 0;
        while (at < t.length() && m.find(at) && m.start() == at) {
            double amount = Double.parseDouble(m.group(1));
            double millis = switch (m.group(2)) {
                case "ms" -> amount;
                case "s", "sec" -> amount * 1_000;
                case "m", "min" -> amount * 60_000;
                default -> amount * 3_600_000;
            };
            total = total.plusNanos((long) (millis * 1_000_000));
            at = m.end();
        }
        if (t.isEmpty() || at != t.length()) {
            throw invalid(option, text, "a duration like 500ms, 30s, 2m, 1h or 1m30s");
        }
        return total;
    }

    static Duration positiveDuration(String option, String text) {
        Duration d = duration(option, text);
        if (d.isZero()) {
            throw invalid(option, text, "a duration above zero");
        }
        return d;
    }

    /** {@code get=0.9,set=0.1}; shares are weights, normalised; unnamed operations get 0. */
    static Map<String, Double> mix(String text) {
        Map<String, Double> shares = new LinkedHashMap<>();
        for (String part : text.split(",")) {
            String[] kv = part.trim().split("=", 2);
            if (kv.length != 2) {
                throw invalid("--mix", text, "op=share pairs like get=0.9,set=0.1 (ops: get, set, delete)");
            }
            double share;
            try {
                share = Double.parseDouble(kv[1].trim());
            } catch (NumberFormatException e) {
                throw invalid("--mix", text, "a number after '" + kv[0].trim() + "='");
            }
            if (!(share >= 0) || Double.isInfinite(share)) {
                throw invalid("--mix", text, "shares >= 0");
            }
            switch (kv[0].trim().toLowerCase(Locale.ROOT)) {
                case "get" -> shares.put("get", share);
                case "set" -> shares.put("set", share);
                case "delete", "del" -> shares.put("delete", share);
                default -> throw invalid("--mix", text, "operations get, set or delete, not '" + kv[0].trim() + "'");
            }
        }
        if (shares.values().stream().mapToDouble(v -> v).sum() <= 0) {
            throw invalid("--mix", text, "at least one share above zero");
        }
        return shares;
    }

    /**
     * {@code 100}, {@code 100B}, {@code 4KB}; a range {@code 64-1024} or {@code 64B-4KB}. Returns {min, max}.
     * 1 KB = 1000 bytes and 1 MB = 1000 KB, as in playbooks and Toxiproxy.
     */
    static int[] valueSize(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        String[] parts = t.split("-", -1);
        if (parts.length > 2) {
            throw invalid("--value-size", text, "a size like 100, 4KB, or a range like 64-1024");
        }
        int min = size(text, parts[0]);
        int max = parts.length == 2 ? size(text, parts[1]) : min;
        if (min > max) {
            throw invalid("--value-size", text, "a range with the smaller size first");
        }
        return new int[] {min, max};
    }

    private static int size(String whole, String part) {
        Matcher m = SIZE.matcher(part.trim());
        if (!m.matches()) {
            throw invalid("--value-size", whole, "a size like 100, 100B, 4KB or 1MB");
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "b" : m.group(2);
        long bytes = switch (unit) {
            case "k", "kb" -> n * 1000;
            case "m", "mb" -> n * 1000 * 1000;
            default -> n;
        };
        if (bytes < 1 || bytes > Integer.MAX_VALUE) {
            throw invalid("--value-size", whole, "a size of at least 1 byte");
        }
        return (int) bytes;
    }

    /** {@code 5000} or {@code 5000/s}: operations per second. */
    static double rate(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.endsWith("/s")) {
            t = t.substring(0, t.length() - 2).trim();
        }
        try {
            double r = Double.parseDouble(t.replace("_", ""));
            if (r > 0 && !Double.isInfinite(r)) {
                return r;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw invalid("--rate", text, "operations per second above zero, like 5000 or 5000/s");
    }

    static UserFacingException invalid(String option, String text, String expected) {
        return new UserFacingException.Invalid(option + ": '" + text + "' is not valid: expected " + expected);
    }
}
