package io.chaosplaybooks.runtime.report.html;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Journals far larger than any run writes, made line by line straight to a file (nothing held):
 * a long run of one scenario with a second of load per line, or a run of many short scenarios.
 * The lines are the journal's own (schema 2, with a latency histogram of the usual size).
 * {@code main} writes one for a bench: {@code long SECONDS FILE} or {@code many SCENARIOS FILE}.
 */
final class SyntheticJournal {
    /** A base64 payload the size of a second's encoded latency histogram: the report reads it as text and never decodes it. */
    private static final String HISTOGRAM = "HISTFAAA".repeat(80);

    private SyntheticJournal() {}

    static void runStart(Writer w, String... scenarios) throws IOException {
        w.write("{\"event\":\"run-start\",\"schema\":2,\"runId\":\"chaos-big\",\"wall\":\"2026-01-01T00:00:00Z\",\"playbook\":\"big\",\"backend\":\"embedded\","
            + "\"seed\":1,\"timeScale\":1.0,\"serverNames\":[\"server-1\",\"server-2\",\"server-3\"],"
            + "\"servers\":[\"127.0.0.1:1\",\"127.0.0.1:2\",\"127.0.0.1:3\"],\"scenarios\":[\"" + String.join("\",\"", scenarios) + "\"]}\n");
    }

    /** A second of load; {@code p99} is the total's and server-1's. */
    static void second(Writer w, long s, long ops, double p99) throws IOException {
        long third = ops / 3;
        String p = Double.toString(p99);
        StringBuilder b = new StringBuilder(1100);
        b.append("{\"event\":\"load-second\",\"startMs\":").append(s * 1000).append(".0,\"endMs\":").append(s * 1000 + 1000)
            .append(".0,\"operations\":").append(ops).append(",\"errors\":0,\"opsPerSecond\":").append(ops)
            .append(".0,\"errorRate\":0.0,\"p50Ms\":1.25,\"p99Ms\":").append(p)
            .append(",\"servers\":{\"server-1\":{\"ops\":").append(third).append(",\"errors\":0,\"breaker\":\"closed\",\"p99Ms\":").append(p)
            .append("},\"server-2\":{\"ops\":").append(third).append(",\"errors\":0,\"breaker\":\"closed\",\"p99Ms\":3.5},\"server-3\":{\"ops\":")
            .append(ops - 2 * third).append(",\"errors\":0,\"breaker\":\"closed\",\"p99Ms\":3.5}},\"latencyMicros\":\"").append(HISTOGRAM).append("\"}\n");
        w.append(b);
    }

    /**
     * One scenario {@code soak} over {@code seconds} seconds of load at 10,000 ops/s, but for one dip to 10 ops/s
     * at second {@code seconds / 3} and one p99 spike of 987.5 ms at second {@code seconds / 2}, with a breaker
     * on server-2 opening and closing every 100 s.
     */
    static void longRun(Path file, long seconds) throws IOException {
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            runStart(w, "soak");
            w.write("{\"event\":\"scenario-start\",\"scenario\":\"soak\",\"plannedMs\":0.0,\"actualMs\":0.0,\"lagMs\":0.0}\n");
            w.write("{\"event\":\"phase-start\",\"scenario\":\"soak\",\"phase\":\"stabilize\",\"lengthMs\":1000.0,\"plannedMs\":0.0,\"actualMs\":0.0,\"lagMs\":0.0}\n");
            for (long s = 0; s < seconds; s++) {
                second(w, s, s == seconds / 3 ? 10 : 10_000, s == seconds / 2 ? 987.5 : 3.5);
                if (s % 100 == 50) {
                    boolean open = s % 200 == 50;
                    w.write("{\"event\":\"breaker\",\"server\":\"server-2\",\"from\":\"" + (open ? "CLOSED" : "OPEN") + "\",\"to\":\""
                        + (open ? "OPEN" : "CLOSED") + "\",\"actualMs\":" + (s * 1000 + 500) + ".0}\n");
                }
            }
            double end = seconds * 1000.0;
            w.write("{\"event\":\"scenario-end\",\"scenario\":\"soak\",\"plannedMs\":" + end + ",\"actualMs\":" + end + ",\"lagMs\":0.0}\n");
            w.write("{\"event\":\"expectation\",\"scenario\":\"soak\",\"iteration\":1,\"expectation\":\"p99 < 5 ms\",\"ok\":false,\"expected\":\"< 5.0 ms\","
                + "\"measured\":\"987.5 ms\"}\n");
            w.write("{\"event\":\"verdict\",\"scenario\":\"soak\",\"iteration\":1,\"status\":\"fail\",\"errors\":[],\"figures\":{}}\n");
            w.write("{\"event\":\"run-end\",\"interrupted\":false,\"durationMs\":" + end + "}\n");
        }
    }

    /**
     * {@code scenarios} runs of two seconds each, named {@code s-0}, {@code s-1}... (a playbook that builds its
     * scenarios in a loop), each with two phases, a fault going in and out, an expectation and a verdict
     * (every seventh fails).
     */
    static void manyScenarios(Path file, int scenarios) throws IOException {
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            runStart(w, "s-0");
            for (int i = 0; i < scenarios; i++) {
                String name = "s-" + i;
                long t = i * 2000L;
                w.write("{\"event\":\"scenario-start\",\"scenario\":\"" + name + "\",\"plannedMs\":" + t + ".0,\"actualMs\":" + t + ".0,\"lagMs\":0.0}\n");
                w.write("{\"event\":\"phase-start\",\"scenario\":\"" + name + "\",\"phase\":\"stabilize\",\"lengthMs\":1000.0,\"plannedMs\":" + t
                    + ".0,\"actualMs\":" + t + ".0,\"lagMs\":0.0}\n");
                second(w, 2L * i, 10_000, 3.5);
                w.write("{\"event\":\"phase-start\",\"scenario\":\"" + name + "\",\"phase\":\"inject\",\"lengthMs\":1000.0,\"plannedMs\":" + (t + 1000)
                    + ".0,\"actualMs\":" + (t + 1000) + ".0,\"lagMs\":0.0}\n");
                w.write("{\"event\":\"fault-applied\",\"scenario\":\"" + name + "\",\"server\":\"server-1\",\"fault\":\"latency(200 ms)\",\"type\":\"latency\","
                    + "\"plannedMs\":" + (t + 1000) + ".0,\"actualMs\":" + (t + 1000) + ".0,\"lagMs\":0.0}\n");
                second(w, 2L * i + 1, 9_000, 200.5);
                w.write("{\"event\":\"fault-removed\",\"scenario\":\"" + name + "\",\"server\":\"server-1\",\"fault\":\"latency(200 ms)\",\"type\":\"latency\","
                    + "\"why\":\"inject ended\",\"plannedMs\":" + (t + 2000) + ".0,\"actualMs\":" + (t + 2000) + ".0,\"lagMs\":0.0}\n");
                w.write("{\"event\":\"scenario-end\",\"scenario\":\"" + name + "\",\"plannedMs\":" + (t + 2000) + ".0,\"actualMs\":" + (t + 2000) + ".0,\"lagMs\":0.0}\n");
                boolean ok = i % 7 != 0;
                w.write("{\"event\":\"expectation\",\"scenario\":\"" + name + "\",\"iteration\":1,\"expectation\":\"p99 < 300 ms during inject\",\"ok\":" + ok
                    + ",\"expected\":\"< 300.0 ms\",\"measured\":\"" + (ok ? "200.5 ms" : "310.0 ms") + "\"}\n");
                w.write("{\"event\":\"verdict\",\"scenario\":\"" + name + "\",\"iteration\":1,\"status\":\"" + (ok ? "pass" : "fail")
                    + "\",\"errors\":[],\"figures\":{}}\n");
            }
            w.write("{\"event\":\"run-end\",\"interrupted\":false,\"durationMs\":" + scenarios * 2000.0 + "}\n");
        }
    }

    public static void main(String[] args) throws IOException {
        Path file = Path.of(args[2]);
        if (args[0].equals("long")) longRun(file, Long.parseLong(args[1]));
        else manyScenarios(file, Integer.parseInt(args[1]));
    }
}
