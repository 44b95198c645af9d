package io.chaosplaybooks.runtime.replay;

import io.chaosplaybooks.dsl.plan.Expectation;
import io.chaosplaybooks.dsl.plan.Fault;
import io.chaosplaybooks.dsl.plan.Scenario;
import io.chaosplaybooks.dsl.plan.Units;
import io.chaosplaybooks.runtime.replay.RecordedRun.Phase;
import io.chaosplaybooks.runtime.replay.RecordedRun.RecordedFault;
import io.chaosplaybooks.runtime.replay.RecordedRun.RecordedScenario;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A recording written as a playbook: each recorded scenario's phases in order, and its faults at
 * their recorded times, in the playbook's own time (recorded milliseconds / the recorded time scale).
 * An inject phase whose faults all went on at its start and came off at its end is one {@code inject};
 * otherwise each fault is a branch of a {@code parallel} that starts it after its delay. A load changed mid-scenario
 * (by hand, in the REPL) has no playbook form: it is a comment line at the end of its scenario's steps.
 */
public final class PlaybookText {
    /** How far (ms, in the playbook's time) a fault may be from its phase's edges and still count as the phase's. */
    static final double ALIGNED_MS = 50;

    private PlaybookText() {}

    public static String of(Replay replay) {
        RecordedRun run = replay.recorded();
        double scale = run.start().timeScale() > 0 ? run.start().timeScale() : 1.0;
        StringBuilder sb = new StringBuilder();
        sb.append("// Recorded by chaos: ").append(run.file()).append(" (run ").append(run.start().runId()).append(")\n");
        if (scale != 1.0) {
            sb.append("// The run was at --time-scale ").append(Units.formatNumber(scale))
                .append("; run this with the same --time-scale to repeat its times.\n");
        }
        sb.append("playbook ").append(quoted(run.start().playbook() == null ? "recorded" : run.start().playbook())).append(" {\n");
        List<String> names = replay.playbook().servers().stream().map(s -> s.name()).toList();
        boolean numbered = true;
        for (int i = 0; i < names.size(); i++) numbered &= names.get(i).equals("server-" + (i + 1));
        if (numbered) sb.append("    servers ").append(names.size()).append('\n');
        else for (String n : names) sb.append("    server ").append(quoted(n)).append('\n');
        String load = replay.playbook().load().written();
        if (!load.isEmpty()) sb.append("    ").append(load).append('\n');
        for (RecordedScenario r : run.scenarios()) {
            Scenario s = replay.playbook().scenarios().stream().filter(x -> x.name().equals(r.name())).findFirst().orElseThrow();
            sb.append('\n');
            scenario(sb, r, s.expectations(), scale);
        }
        sb.append("}\n");
        return sb.toString();
    }

    private static void scenario(StringBuilder sb, RecordedScenario r, List<Expectation> expectations, double scale) {
        sb.append("    scenario ").append(quoted(r.name())).append(" {\n");
        List<Phase> top = r.phases().stream().filter(p -> p.step() == null && !p.word().equals("step")).toList();
        List<RecordedFault> left = new ArrayList<>(r.faults());
        // Where each phase is written to begin: when it was due if it began about then (the executor's few ms of
        // lag are not the playbook's), else when it began.
        double[] at = new double[top.size() + 1];
        for (int i = 0; i < top.size(); i++) {
            Phase p = top.get(i);
            at[i] = Math.abs(p.atMs() - p.plannedAtMs()) / scale <= ALIGNED_MS ? p.plannedAtMs() : p.atMs();
        }
        at[top.size()] = Math.max(top.isEmpty() ? 0 : at[top.size() - 1], r.lengthMs());
        double first = top.isEmpty() ? r.lengthMs() : at[0];
        if (first > 0 || top.isEmpty()) {
            segment(sb, "wait", 0, first, take(left, 0, top.isEmpty() ? Double.MAX_VALUE : first), scale);
        }
        for (int i = 0; i < top.size(); i++) {
            segment(sb, top.get(i).word(), at[i], at[i + 1], take(left, at[i], i + 1 < top.size() ? at[i + 1] : Double.MAX_VALUE), scale);
        }
        loadChanges(sb, r, scale);
        for (Expectation e : expectations) sb.append("        expect ").append(ExpectationText.written(e)).append('\n');
        sb.append("    }\n");
    }

    /** A playbook has one load for the whole run: a load changed by hand mid-scenario is said, not dropped, in a comment. */
    private static void loadChanges(StringBuilder sb, RecordedScenario r, double scale) {
        for (RecordedRun.RecordedLoad l : r.loads()) {
            sb.append("        // ").append(duration(l.atMs() / scale)).append(" in, the load was changed to ")
                .append(l.written().isBlank() ? "the defaults" : l.written())
                .append(": a playbook cannot change its load mid-scenario (chaos replay of the journal does)\n");
        }
    }

    /** What the playbook cannot say, for the console: the load changes it has as comments only; empty when none. */
    public static List<String> unwritten(Replay replay) {
        int n = replay.recorded().scenarios().stream().mapToInt(s -> s.loads().size()).sum();
        if (n == 0) return List.of();
        return List.of(n + " load change" + (n == 1 ? "" : "s") + " made during the recording " + (n == 1 ? "is" : "are")
            + " written as comment" + (n == 1 ? "" : "s") + " only: a playbook cannot change its load mid-scenario (chaos replay of the journal does)");
    }

    /** The faults that went on in [from, to), taken out of {@code left}; a fault a few ms early counts too. */
    private static List<RecordedFault> take(List<RecordedFault> left, double from, double to) {
        List<RecordedFault> in = left.stream().filter(f -> f.onMs() >= from - 1 && f.onMs() < to).toList();
        left.removeAll(in);
        return in;
    }

    private static void segment(StringBuilder sb, String word, double fromMs, double toMs, List<RecordedFault> faults, double scale) {
        double len = (toMs - fromMs) / scale;
        String plainWord = switch (word) {
            case "stabilize", "recover", "wait" -> word;
            default -> "wait";
        };
        if (faults.isEmpty()) {
            sb.append("        ").append(word.equals("inject") ? "wait" : plainWord).append(' ').append(duration(len)).append('\n');
            return;
        }
        boolean aligned = word.equals("inject") && faults.stream().allMatch(f -> Math.abs(f.onMs() - fromMs) / scale <= ALIGNED_MS
            && (Double.isNaN(f.offMs()) ? false : Math.abs(f.offMs() - toMs) / scale <= ALIGNED_MS));
        if (aligned) {
            // One inject per fault, with every server it was on: servers("a", "b").
            Map<String, List<String>> servers = new LinkedHashMap<>();
            Map<String, Fault> byText = new LinkedHashMap<>();
            for (RecordedFault f : faults) {
                servers.computeIfAbsent(fault(f.fault()), k -> new ArrayList<>()).add(f.server());
                byText.putIfAbsent(fault(f.fault()), f.fault());
            }
            List<String> lines = new ArrayList<>();
            servers.forEach((text, on) -> lines.add("inject " + text + " on " + targets(on) + " for " + duration(len)));
            if (lines.size() == 1) {
                sb.append("        ").append(lines.get(0)).append('\n');
            } else {
                sb.append("        parallel {\n");
                for (String l : lines) sb.append("            ").append(l).append('\n');
                sb.append("        }\n");
            }
            return;
        }
        sb.append("        parallel {\n");
        sb.append("            ").append(plainWord).append(' ').append(duration(len)).append('\n');
        int n = 1;
        for (RecordedFault f : faults) {
            double delay = Math.max(0, (f.onMs() - fromMs) / scale);
            String inject = "inject " + fault(f.fault()) + " on " + targets(List.of(f.server()))
                + (Double.isNaN(f.offMs()) ? "" : " for " + duration(Math.max(1, (f.offMs() - f.onMs()) / scale)));
            sb.append("            step ").append(quoted("fault-" + n++)).append(", delayBefore: ").append(duration(delay))
                .append(", { ").append(inject).append(" }\n");
        }
        sb.append("        }\n");
    }

    private static String targets(List<String> servers) {
        return (servers.size() == 1 ? "server(" : "servers(") + String.join(", ", servers.stream().map(PlaybookText::quoted).toList()) + ")";
    }

    /** A fault as a playbook writes it: {@code latency(200.ms, jitter: 10.ms).upstream.toxicity(0.5)}. */
    static String fault(Fault f) {
        Map<String, Number> a = f.attributes();
        String args = switch (f.type()) {
            case LATENCY -> num(a, "latency") + ".ms" + (num(a, "jitter").equals("0") ? "" : ", jitter: " + num(a, "jitter") + ".ms");
            case PACKET_LOSS -> num(a, "rate");
            case BANDWIDTH -> num(a, "rate") + ".KBps";
            case TIMEOUT -> num(a, "timeout") + ".ms";
            case RESET_PEER -> num(a, "timeout").equals("0") ? "" : "after: " + num(a, "timeout") + ".ms";
            case SLOW_CLOSE -> num(a, "delay") + ".ms";
            case LIMIT_DATA -> num(a, "bytes") + ".bytes";
            case SLICER -> "averageSize: " + num(a, "average_size") + ".bytes, sizeVariation: " + num(a, "size_variation")
                + ".bytes, delay: " + num(a, "delay") + ".us";
            case BLACKHOLE, DOWN -> "";
        };
        StringBuilder sb = new StringBuilder(f.type().word()).append('(').append(args).append(')');
        if (f.direction() != f.type().defaultDirection()) sb.append('.').append(f.direction().toxiproxyStream());
        if (f.toxicity() != 1.0) sb.append(".toxicity(").append(Units.formatNumber(f.toxicity())).append(')');
        return sb.toString();
    }

    private static String num(Map<String, Number> a, String key) {
        Number n = a.get(key);
        return n == null ? "0" : Units.formatNumber(n.doubleValue());
    }

    /** Milliseconds as a playbook duration, to the millisecond ({@code 1500.ms}). */
    static String duration(double ms) {
        return Math.round(ms) + ".ms";
    }

    static String quoted(String s) {
        return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("$", "\\$") + '"';
    }
}
