package io.chaosplaybooks.runtime.replay;

import io.chaosplaybooks.dsl.plan.Expectation;
import io.chaosplaybooks.dsl.plan.SourcePos;
import io.chaosplaybooks.dsl.plan.Target;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A journal's expectation text ({@code errorRate < 1% during stabilize}, {@code breaker(server(1)).opened during inject},
 * {@code recoveredWithin(6 s)}: what {@link Expectation#describe()} writes) read back into the expectation, and an
 * expectation written as a playbook writes it. Used when the playbook of a recorded run is not at hand as it was.
 */
final class ExpectationText {
    private static final Pattern METRIC = Pattern.compile(
        "(errorRate|throughput|p50|p90|p95|p99|p999) (<=|>=|<|>|==) (-?[0-9.]+)(%| ops/s| ms)(?: during (.+))?");
    private static final Pattern BREAKER = Pattern.compile("breaker\\((.+)\\)\\.(opened|closed|stayedClosed)(?: during (.+))?");
    private static final Pattern RECOVERED = Pattern.compile("recoveredWithin\\((.+)\\)");
    private static final Pattern DURATION = Pattern.compile("([0-9.]+) (µs|ms|s|min|h)");
    private static final Pattern POSITION = Pattern.compile("(.+):(\\d+):(\\d+)");
    private static final List<String> PHASE_WORDS = List.of("stabilize", "inject", "recover", "wait");

    private ExpectationText() {}

    /** The expectation, or null when the text is not one this tool writes. */
    static Expectation parse(String text, String position) {
        SourcePos pos = position(position);
        Matcher m = METRIC.matcher(text);
        if (m.matches()) {
            Expectation.Metric metric = Arrays.stream(Expectation.Metric.values()).filter(x -> x.word().equals(m.group(1))).findFirst().orElseThrow();
            Expectation.Comparison cmp = Arrays.stream(Expectation.Comparison.values()).filter(x -> x.symbol().equals(m.group(2))).findFirst().orElseThrow();
            double v = Double.parseDouble(m.group(3));
            if (m.group(4).equals("%")) v /= 100;
            return new Expectation.MetricBound(metric, cmp, v, m.group(5), pos);
        }
        Matcher b = BREAKER.matcher(text);
        if (b.matches()) {
            Target t = target(b.group(1));
            if (t == null) return null;
            Expectation.BreakerCondition c = switch (b.group(2)) {
                case "opened" -> Expectation.BreakerCondition.OPENED;
                case "closed" -> Expectation.BreakerCondition.CLOSED;
                default -> Expectation.BreakerCondition.STAYED_CLOSED;
            };
            return new Expectation.Breaker(t, c, b.group(3), pos);
        }
        Matcher r = RECOVERED.matcher(text);
        if (r.matches()) {
            Duration d = duration(r.group(1));
            return d == null ? null : new Expectation.RecoveredWithin(d, pos);
        }
        return null;
    }

    /** {@code 6 s}, {@code 200 ms}, {@code 1 min 30 s}: as {@code Units.format} writes them. */
    static Duration duration(String text) {
        Matcher m = DURATION.matcher(text);
        Duration total = Duration.ZERO;
        int end = 0;
        while (m.find()) {
            if (!text.substring(end, m.start()).isBlank()) return null;
            double n = Double.parseDouble(m.group(1));
            double nanos = n * switch (m.group(2)) {
                case "µs" -> 1e3;
                case "ms" -> 1e6;
                case "s" -> 1e9;
                case "min" -> 60e9;
                default -> 3600e9;
            };
            total = total.plusNanos(Math.round(nanos));
            end = m.end();
        }
        return end == text.length() && end > 0 ? total : null;
    }

    static Target target(String text) {
        String t = text.trim();
        if (t.equals("allServers")) return Target.all(null);
        Matcher m = Pattern.compile("randomServers\\((\\d+)\\)").matcher(t);
        if (m.matches()) return new Target(Target.Kind.RANDOM, List.of(), List.of(), Integer.parseInt(m.group(1)), null);
        m = Pattern.compile("servers?\\((.+)\\)").matcher(t);
        if (!m.matches()) return null;
        List<String> parts = Arrays.stream(m.group(1).split(",")).map(String::trim).toList();
        if (parts.stream().allMatch(p -> p.matches("\\d+"))) {
            return new Target(Target.Kind.INDEXES, parts.stream().map(Integer::parseInt).toList(), List.of(), 0, null);
        }
        if (parts.stream().allMatch(p -> p.matches("\"[^\"]*\""))) {
            return new Target(Target.Kind.NAMES, List.of(), parts.stream().map(p -> p.substring(1, p.length() - 1)).toList(), 0, null);
        }
        return null;
    }

    private static SourcePos position(String position) {
        if (position == null) return null;
        Matcher m = POSITION.matcher(position);
        return m.matches() ? new SourcePos(m.group(1), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3))) : new SourcePos(position, 0, 0);
    }

    /** The expectation as a playbook writes it, after {@code expect}. */
    static String written(Expectation e) {
        return switch (e) {
            case Expectation.MetricBound m -> m.metric().word() + " " + m.comparison().symbol() + " " + switch (m.metric()) {
                case ERROR_RATE -> io.chaosplaybooks.dsl.plan.Units.formatNumber(m.threshold() * 100) + ".percent";
                case THROUGHPUT -> io.chaosplaybooks.dsl.plan.Units.formatNumber(m.threshold());
                default -> PlaybookText.duration(m.threshold());
            } + during(m.phase());
            case Expectation.Breaker b -> "breaker(" + b.target().describe() + ")." + switch (b.condition()) {
                case OPENED -> "opened";
                case CLOSED -> "closed";
                case STAYED_CLOSED -> "stayedClosed";
            } + during(b.phase());
            case Expectation.RecoveredWithin r -> "recoveredWithin(" + PlaybookText.duration(r.within().toNanos() / 1e6) + ")";
            // A probe's text is already as a playbook writes it, but for the phase's quotes.
            case Expectation.ProbeBound p -> p.probe().describe() + p.reading().suffix() + " " + p.comparison().symbol() + " "
                + (p.reading() == io.chaosplaybooks.dsl.plan.Probe.Reading.LATENCY ? io.chaosplaybooks.dsl.plan.Units.formatNumber(p.threshold()) + ".ms"
                : io.chaosplaybooks.dsl.plan.Units.formatNumber(p.threshold())) + during(p.phase());
            case Expectation.ProbeContains c -> c.probe().describe() + ".body.contains(" + PlaybookText.quoted(c.text()) + ")" + during(c.phase());
        };
    }

    private static String during(String phase) {
        if (phase == null) return "";
        return " during " + (PHASE_WORDS.contains(phase) ? phase : PlaybookText.quoted(phase));
    }
}
