package io.chaosplaybooks.runtime.diff;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Two runs compared: per scenario both have and per phase, each figure of the base and the new run, and
 * each change beyond its threshold flagged as a regression or an improvement. Runs of different plans,
 * loads or time scales are not comparable; {@code force} compares them anyway (and still says so).
 */
public record RunComparison(RunFigures base, RunFigures next, List<String> unfair, List<ScenarioDiff> scenarios,
                            List<String> onlyInBase, List<String> onlyInNew) {
    public enum Flag { NONE, REGRESSION, IMPROVEMENT }

    /** One figure of one phase (or the scenario's recovery, or its verdict). */
    public record Change(String phase, String metric, double base, double next, String baseText, String nextText, String change, Flag flag) {}

    public record ScenarioDiff(String name, String baseStatus, String nextStatus, List<Change> changes) {
        public boolean regressed() {
            return changes.stream().anyMatch(c -> c.flag() == Flag.REGRESSION);
        }
    }

    /**
     * Thresholds: {@code p99=+20%} (relative), {@code errorRate=+1pt} (percentage points), {@code throughput=-10%}
     * (relative; a drop), {@code recovery=+5s}, {@code p50=...}, {@code openTime=+2s}. A latency's relative change
     * must also be at least 1 ms, so that a 0.2 ms p99 going to 0.3 ms is not a regression.
     */
    public record Thresholds(Map<String, Threshold> byMetric) {
        public static final String DEFAULTS = "p99=+20%,errorRate=+1pt,throughput=-10%,recovery=+5s";
        private static final Pattern ONE = Pattern.compile("\\s*(p50|p99|errorRate|throughput|recovery|openTime)\\s*=\\s*([+-]?)([0-9]+(?:\\.[0-9]+)?)\\s*(%|pt|s|ms)\\s*");

        public static Thresholds parse(String text) {
            Map<String, Threshold> m = new LinkedHashMap<>(parseOnly(DEFAULTS));
            if (text != null && !text.isBlank()) m.putAll(parseOnly(text));
            return new Thresholds(m);
        }

        private static Map<String, Threshold> parseOnly(String text) {
            Map<String, Threshold> m = new LinkedHashMap<>();
            for (String part : text.split(",")) {
                Matcher x = ONE.matcher(part);
                if (!x.matches()) {
                    throw new IllegalArgumentException("a threshold is METRIC=+N% | +Npt | +Ns | +Nms (metrics: p50, p99, errorRate, "
                        + "throughput, recovery, openTime), got '" + part.trim() + "'");
                }
                String metric = x.group(1), unit = x.group(4);
                double v = Double.parseDouble(x.group(3));
                boolean fits = switch (metric) {
                    case "errorRate" -> unit.equals("pt") || unit.equals("%");
                    case "throughput", "p50", "p99" -> unit.equals("%") || (!metric.equals("throughput") && unit.equals("ms"));
                    default -> unit.equals("s") || unit.equals("ms");
                };
                if (!fits) throw new IllegalArgumentException("threshold " + part.trim() + ": " + metric + " does not take " + unit);
                boolean relative = unit.equals("%") && !metric.equals("errorRate");
                double amount = switch (unit) {
                    case "%", "pt" -> v / 100;
                    case "s" -> v * 1000;
                    default -> v;
                };
                m.put(metric, new Threshold(relative, amount, part.trim()));
            }
            return m;
        }
    }

    /** {@code relative}: a share of the base value; else an amount in the metric's unit (share, ms). */
    public record Threshold(boolean relative, double amount, String text) {}

    public boolean regressed() {
        return scenarios.stream().anyMatch(ScenarioDiff::regressed);
    }

    public long count(Flag f) {
        return scenarios.stream().flatMap(s -> s.changes().stream()).filter(c -> c.flag() == f).count();
    }

    public static RunComparison of(RunFigures base, RunFigures next, Thresholds t) {
        List<String> unfair = unfairness(base, next);
        List<ScenarioDiff> diffs = new ArrayList<>();
        List<String> onlyBase = new ArrayList<>(), onlyNew = new ArrayList<>();
        for (RunFigures.Scenario b : base.scenarios()) {
            RunFigures.Scenario n = next.scenarios().stream().filter(x -> x.name().equals(b.name())).findFirst().orElse(null);
            if (n == null) {
                onlyBase.add(b.name());
                continue;
            }
            diffs.add(compare(b, n, t));
        }
        for (RunFigures.Scenario n : next.scenarios()) {
            if (base.scenarios().stream().noneMatch(x -> x.name().equals(n.name()))) onlyNew.add(n.name());
        }
        return new RunComparison(base, next, unfair, diffs, onlyBase, onlyNew);
    }

    /** What makes two runs unfair to compare: a different plan, load or time scale. */
    static List<String> unfairness(RunFigures base, RunFigures next) {
        List<String> out = new ArrayList<>();
        var a = base.start();
        var b = next.start();
        if (!Objects.equals(a.playbook(), b.playbook()) || (a.plan() != null && b.plan() != null && !a.plan().equals(b.plan()))) {
            out.add("different playbooks: " + a.playbook() + " (" + a.plan() + ") and " + b.playbook() + " (" + b.plan() + ")");
        }
        if (a.load() != null && b.load() != null && !a.load().equals(b.load())) {
            out.add("different load profiles: " + (a.load().isEmpty() ? "the defaults" : a.load()) + " and "
                + (b.load().isEmpty() ? "the defaults" : b.load()));
        }
        if (a.timeScale() != b.timeScale()) {
            out.add(String.format(Locale.ROOT, "different time scales: %s and %s", num(a.timeScale()), num(b.timeScale())));
        }
        return out;
    }

    private static ScenarioDiff compare(RunFigures.Scenario b, RunFigures.Scenario n, Thresholds t) {
        List<Change> changes = new ArrayList<>();
        if (b.status() != null && n.status() != null && !b.status().equals(n.status())) {
            Flag f = n.status().equals("pass") && !b.status().equals("not-judged") ? Flag.IMPROVEMENT
                : b.status().equals("pass") && !n.status().equals("not-judged") ? Flag.REGRESSION : Flag.NONE;
            changes.add(new Change("scenario", "verdict", Double.NaN, Double.NaN, b.status(), n.status(), b.status() + " -> " + n.status(), f));
        }
        for (RunFigures.Phase bp : b.phases()) {
            RunFigures.Phase np = n.phase(bp.label());
            if (np == null) continue;
            changes.add(change(bp.label(), "throughput", bp.opsPerSecond(), np.opsPerSecond(), t, false));
            changes.add(change(bp.label(), "errorRate", bp.errorRate(), np.errorRate(), t, true));
            changes.add(change(bp.label(), "p50", bp.p50Ms(), np.p50Ms(), t, true));
            changes.add(change(bp.label(), "p99", bp.p99Ms(), np.p99Ms(), t, true));
            changes.add(change(bp.label(), "breakerOpens", bp.breakerOpens(), np.breakerOpens(), t, true));
            changes.add(change(bp.label(), "openTime", bp.openMs(), np.openMs(), t, true));
        }
        if (!Double.isNaN(b.recoveryMs()) || !Double.isNaN(n.recoveryMs())) {
            changes.add(change("recover", "recovery", b.recoveryMs(), n.recoveryMs(), t, true));
        }
        return new ScenarioDiff(b.name(), b.status(), n.status(), changes);
    }

    /** {@code higherIsWorse}: errors, latencies, recovery; else (throughput) a drop is worse. */
    static Change change(String phase, String metric, double a, double b, Thresholds t, boolean higherIsWorse) {
        Threshold th = t.byMetric().get(metric);
        Flag flag = Flag.NONE;
        String change;
        if (Double.isNaN(a) || Double.isNaN(b)) {
            change = "-";
        } else if (Double.isInfinite(a) || Double.isInfinite(b)) {
            change = a == b ? "0" : Double.isInfinite(b) ? "never recovered" : "recovered";
            if (a != b && th != null) flag = Double.isInfinite(b) == higherIsWorse ? Flag.REGRESSION : Flag.IMPROVEMENT;
        } else {
            double d = b - a;
            change = switch (metric) {
                case "errorRate" -> String.format(Locale.ROOT, "%+.2f pt", d * 100);
                case "breakerOpens" -> String.format(Locale.ROOT, "%+d", Math.round(d));
                default -> a == 0 ? (d == 0 ? "0" : "new") : String.format(Locale.ROOT, "%+.0f%%", d / a * 100);
            };
            if (th != null) {
                double worse = higherIsWorse ? d : -d;
                // A relative change must also be at least one unit (1 ms, 1 op/s): 0.2 ms to 0.3 ms is noise, not +50 %.
                boolean beyond = th.relative() ? a > 0 && Math.abs(d) / a > th.amount() && Math.abs(d) >= 1.0 : Math.abs(d) > th.amount();
                if (beyond) flag = worse > 0 ? Flag.REGRESSION : Flag.IMPROVEMENT;
            }
        }
        return new Change(phase, metric, a, b, format(metric, a), format(metric, b), change, flag);
    }

    static String format(String metric, double v) {
        if (Double.isNaN(v)) return "-";
        if (Double.isInfinite(v)) return "never";
        return switch (metric) {
            case "throughput" -> String.format(Locale.ROOT, "%.0f ops/s", v);
            case "errorRate" -> String.format(Locale.ROOT, "%.2f%%", v * 100);
            case "p50", "p99" -> String.format(Locale.ROOT, "%.1f ms", v);
            case "breakerOpens" -> Long.toString(Math.round(v));
            default -> String.format(Locale.ROOT, "%.1f s", v / 1000);
        };
    }

    private static String num(double v) {
        return io.chaosplaybooks.dsl.plan.Units.formatNumber(v);
    }

    /** The comparison as text: what was compared, the fairness, then per scenario the changes (flags loud). */
    public String text(boolean all) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "base %s (run %s, %s)%nnew  %s (run %s, %s)%n", base.file(), base.start().runId(),
            base.start().playbook(), next.file(), next.start().runId(), next.start().playbook()));
        for (String u : unfair) sb.append("not comparable: ").append(u).append('\n');
        for (ScenarioDiff s : scenarios) {
            sb.append('\n').append(s.name()).append(s.baseStatus() == null ? "" : "  (" + s.baseStatus() + " -> " + s.nextStatus() + ")")
                .append(s.regressed() ? "  REGRESSION" : "").append('\n');
            for (Change c : s.changes()) {
                if (!all && c.flag() == Flag.NONE) continue;
                sb.append(String.format(Locale.ROOT, "  %-12s %-13s %14s -> %-14s %12s  %s%n", c.phase(), c.metric(), c.baseText(),
                    c.nextText(), c.change(), c.flag() == Flag.NONE ? "" : c.flag().name()));
            }
        }
        for (String n : onlyInBase) sb.append("\nonly in base: ").append(n);
        for (String n : onlyInNew) sb.append("\nonly in new:  ").append(n);
        if (!onlyInBase.isEmpty() || !onlyInNew.isEmpty()) sb.append('\n');
        sb.append(String.format(Locale.ROOT, "%n%d regression%s, %d improvement%s in %d scenario%s compared%n", count(Flag.REGRESSION),
            count(Flag.REGRESSION) == 1 ? "" : "s", count(Flag.IMPROVEMENT), count(Flag.IMPROVEMENT) == 1 ? "" : "s", scenarios.size(),
            scenarios.size() == 1 ? "" : "s"));
        return sb.toString();
    }

    /** For {@code --format json}. */
    public Map<String, Object> json() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("base", Map.of("file", base.file().toString(), "runId", String.valueOf(base.start().runId())));
        m.put("new", Map.of("file", next.file().toString(), "runId", String.valueOf(next.start().runId())));
        m.put("comparable", unfair.isEmpty());
        m.put("notComparable", unfair);
        List<Object> ss = new ArrayList<>();
        for (ScenarioDiff s : scenarios) {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("scenario", s.name());
            x.put("base", s.baseStatus());
            x.put("new", s.nextStatus());
            x.put("regression", s.regressed());
            List<Object> cs = new ArrayList<>();
            for (Change c : s.changes()) {
                Map<String, Object> y = new LinkedHashMap<>();
                y.put("phase", c.phase());
                y.put("metric", c.metric());
                y.put("base", c.baseText());
                y.put("new", c.nextText());
                y.put("change", c.change());
                y.put("flag", c.flag().name().toLowerCase(Locale.ROOT));
                cs.add(y);
            }
            x.put("changes", cs);
            ss.add(x);
        }
        m.put("scenarios", ss);
        m.put("onlyInBase", onlyInBase);
        m.put("onlyInNew", onlyInNew);
        m.put("regressions", count(Flag.REGRESSION));
        m.put("improvements", count(Flag.IMPROVEMENT));
        return m;
    }
}
