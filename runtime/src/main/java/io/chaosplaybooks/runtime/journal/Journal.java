package io.chaosplaybooks.runtime.journal;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.chaosplaybooks.dsl.plan.Fault;
import io.chaosplaybooks.runtime.exec.RunListener;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Every event of a run as one JSON object per line: phase transitions and fault changes with
 * planned and actual times (milliseconds from the run's start), per-second load figures,
 * verdicts. The input for reports, replay and the timing benchmark.
 */
public final class Journal implements RunListener, AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final BufferedWriter out;
    private final long runStartNanos;

    public Journal(Path file, long runStartNanos) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        this.out = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
        this.runStartNanos = runStartNanos;
    }

    private double ms(long nanos) {
        return Math.round((nanos - runStartNanos) / 1e3) / 1e3;
    }

    /** Writes one event; {@code fields} in the order given. */
    public synchronized void write(String event, Map<String, ?> fields) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("event", event);
        line.put("wall", Instant.now().toString());
        line.putAll(fields);
        try {
            out.write(JSON.writeValueAsString(line));
            out.write('\n');
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Map<String, Object> timed(String scenario, long planned, long actual) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("scenario", scenario);
        m.put("plannedMs", ms(planned));
        m.put("actualMs", ms(actual));
        m.put("lagMs", Math.round((actual - planned) / 1e3) / 1e3);
        return m;
    }

    @Override
    public void scenarioStarted(String scenario, long planned, long actual) {
        write("scenario-start", timed(scenario, planned, actual));
    }

    @Override
    public void phaseStarted(String scenario, String word, String label, long lengthNanos, long planned, long actual) {
        Map<String, Object> m = timed(scenario, planned, actual);
        m.put("phase", word);
        if (!label.isEmpty()) m.put("step", label);
        m.put("lengthMs", lengthNanos / 1e6);
        write("phase-start", m);
    }

    @Override
    public void faultApplied(String scenario, String server, Fault fault, long planned, long actual) {
        Map<String, Object> m = timed(scenario, planned, actual);
        m.put("server", server);
        m.put("fault", fault.describe());
        m.put("type", fault.type().word());
        m.put("attributes", fault.attributes());
        m.put("direction", fault.direction().toxiproxyStream());
        m.put("toxicity", fault.toxicity());
        write("fault-applied", m);
    }

    @Override
    public void faultRemoved(String scenario, String server, Fault fault, String why, long planned, long actual) {
        Map<String, Object> m = timed(scenario, planned, actual);
        m.put("server", server);
        m.put("fault", fault.describe());
        m.put("type", fault.type().word());
        m.put("why", why);
        write("fault-removed", m);
    }

    @Override
    public void actionFailed(String scenario, String what, Exception cause, long actual) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("scenario", scenario);
        m.put("actualMs", ms(actual));
        m.put("what", what);
        write("action-failed", m);
    }

    @Override
    public void scenarioEnded(String scenario, long planned, long actual) {
        write("scenario-end", timed(scenario, planned, actual));
    }

    @Override
    public synchronized void close() {
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
