package io.chaosplaybooks.runtime.report.html;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A run as its journal tells it (JSON lines written by {@code chaos run --journal}), read into the
 * pieces a report draws: the run's header, each scenario's phases, fault changes and verdict, the
 * breaker transitions and the load of every second. Times are milliseconds from the run's start.
 */
record RunJournal(JsonNode runStart, JsonNode runEnd, List<ScenarioRun> scenarios, List<LoadSecond> seconds,
                  List<BreakerChange> breakers, List<String> servers) {

    record Phase(String name, String step, double startMs, double endMs) {
        String label() {
            return step == null || step.isEmpty() ? name : step + ": " + name;
        }
    }

    record FaultChange(double ms, boolean applied, String server, String fault, String type, String why) {}

    record BreakerChange(double ms, String server, String from, String to) {}

    record ServerSecond(long ops, long errors, String breaker, double p99Ms) {}

    record LoadSecond(double startMs, double opsPerSecond, double errorRate, double p50Ms, double p99Ms,
                      Map<String, ServerSecond> servers) {
        double middleMs() {
            return startMs + 500;
        }
    }

    record Expectation(String text, boolean ok, String expected, String measured, String position) {}

    record Verdict(int iteration, String status, List<Expectation> results, List<String> errors) {}

    /** One scenario as it ran (a scenario appears once per iteration). */
    static final class ScenarioRun {
        final String name;
        final double startMs;
        double endMs = Double.NaN;
        final List<Phase> phases = new ArrayList<>();
        final List<FaultChange> faults = new ArrayList<>();
        Verdict verdict;

        ScenarioRun(String name, double startMs) {
            this.name = name;
            this.startMs = startMs;
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    static RunJournal read(Path file) throws JournalException {
        List<ScenarioRun> scenarios = new ArrayList<>();
        List<LoadSecond> seconds = new ArrayList<>();
        List<BreakerChange> breakers = new ArrayList<>();
        Set<String> servers = new LinkedHashSet<>();
        JsonNode runStart = null;
        JsonNode runEnd = null;
        ScenarioRun current = null;
        int lineNumber = 0;
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            while ((line = in.readLine()) != null) {
                lineNumber++;
                if (line.isBlank()) continue;
                JsonNode e;
                try {
                    e = JSON.readTree(line);
                } catch (JsonProcessingException bad) {
                    throw new JournalException(file + ":" + lineNumber + ": not JSON (" + firstLine(bad.getOriginalMessage()) + ")");
                }
                if (e == null || !e.isObject() || !e.path("event").isTextual()) {
                    throw new JournalException(file + ":" + lineNumber + ": not a journal event (a JSON object with an \"event\" field)");
                }
                switch (e.path("event").asText()) {
                    case "run-start" -> {
                        runStart = e;
                        for (JsonNode s : e.path("serverNames")) servers.add(s.asText());
                    }
                    case "run-end" -> runEnd = e;
                    case "scenario-start" -> {
                        current = new ScenarioRun(e.path("scenario").asText("?"), ms(e, "actualMs"));
                        scenarios.add(current);
                    }
                    case "scenario-end" -> {
                        ScenarioRun s = find(scenarios, e.path("scenario").asText());
                        if (s != null) {
                            s.endMs = ms(e, "actualMs");
                            closePhases(s, s.endMs);
                        }
                    }
                    case "phase-start" -> {
                        ScenarioRun s = find(scenarios, e.path("scenario").asText());
                        if (s != null) {
                            double at = ms(e, "actualMs");
                            closePhases(s, at);
                            s.phases.add(new Phase(e.path("phase").asText("?"), e.path("step").asText(null), at, Double.NaN));
                        }
                    }
                    case "fault-applied", "fault-removed" -> {
                        ScenarioRun s = find(scenarios, e.path("scenario").asText());
                        String server = e.path("server").asText("?");
                        servers.add(server);
                        if (s != null) {
                            s.faults.add(new FaultChange(ms(e, "actualMs"), e.path("event").asText().equals("fault-applied"),
                                server, e.path("fault").asText(""), e.path("type").asText(""), e.path("why").asText(null)));
                        }
                    }
                    case "breaker" -> {
                        String server = e.path("server").asText("?");
                        servers.add(server);
                        breakers.add(new BreakerChange(ms(e, "actualMs"), server, state(e.path("from").asText()), state(e.path("to").asText())));
                    }
                    case "load-second" -> {
                        Map<String, ServerSecond> per = new LinkedHashMap<>();
                        e.path("servers").fields().forEachRemaining(f -> {
                            servers.add(f.getKey());
                            JsonNode v = f.getValue();
                            per.put(f.getKey(), new ServerSecond(v.path("ops").asLong(), v.path("errors").asLong(),
                                state(v.path("breaker").asText("closed")), v.path("p99Ms").asDouble(Double.NaN)));
                        });
                        seconds.add(new LoadSecond(ms(e, "startMs"), e.path("opsPerSecond").asDouble(Double.NaN),
                            e.path("errorRate").asDouble(Double.NaN), e.path("p50Ms").asDouble(Double.NaN),
                            e.path("p99Ms").asDouble(Double.NaN), per));
                    }
                    case "verdict" -> {
                        ScenarioRun s = scenarios.stream().filter(x -> x.name.equals(e.path("scenario").asText()) && x.verdict == null)
                            .findFirst().orElse(null);
                        if (s != null) s.verdict = verdict(e);
                    }
                    default -> { /* events a newer tool writes: not drawn */ }
                }
            }
        } catch (NoSuchFileException missing) {
            throw new JournalException(file + ": no such file");
        } catch (MalformedInputException binary) {
            throw new JournalException(file + ":" + (lineNumber + 1) + ": not UTF-8 text, so not a journal");
        } catch (IOException io) {
            throw new JournalException(file + ": cannot read it (" + io.getMessage() + ")");
        }
        if (runStart == null) {
            throw new JournalException(file + ": no run-start event" + (lineNumber == 0 ? " (the file is empty)" : "") + "; not a chaos run journal");
        }
        for (ScenarioRun s : scenarios) {
            // A run cut short leaves its last scenario open: it ends with the last thing recorded.
            if (Double.isNaN(s.endMs)) {
                double last = s.startMs;
                for (Phase p : s.phases) last = Math.max(last, p.startMs);
                for (LoadSecond l : seconds) if (l.startMs >= s.startMs) last = Math.max(last, l.startMs + 1000);
                s.endMs = last;
                closePhases(s, last);
            }
        }
        return new RunJournal(runStart, runEnd, List.copyOf(scenarios), List.copyOf(seconds), List.copyOf(breakers), List.copyOf(servers));
    }

    private static void closePhases(ScenarioRun s, double at) {
        for (int i = 0; i < s.phases.size(); i++) {
            Phase p = s.phases.get(i);
            if (Double.isNaN(p.endMs)) s.phases.set(i, new Phase(p.name, p.step, p.startMs, at));
        }
    }

    /** The latest run of that scenario: faults and phases belong to the iteration under way. */
    private static ScenarioRun find(List<ScenarioRun> scenarios, String name) {
        for (int i = scenarios.size() - 1; i >= 0; i--) {
            if (scenarios.get(i).name.equals(name)) return scenarios.get(i);
        }
        return null;
    }

    private static Verdict verdict(JsonNode e) {
        List<Expectation> results = new ArrayList<>();
        for (JsonNode r : e.path("results")) {
            results.add(new Expectation(r.path("expectation").asText(""), r.path("ok").asBoolean(), r.path("expected").asText(""),
                r.path("measured").asText(""), r.path("position").asText("")));
        }
        List<String> errors = new ArrayList<>();
        JsonNode errs = e.path("errors");
        if (errs.isArray()) for (JsonNode x : errs) errors.add(x.isTextual() ? x.asText() : x.toString());
        else if (errs.isTextual() && !errs.asText().isEmpty()) errors.add(errs.asText());
        return new Verdict(e.path("iteration").asInt(1), e.path("status").asText("?").toLowerCase(java.util.Locale.ROOT), results, errors);
    }

    /** Breaker states as the journal spells them (CLOSED, HALF_OPEN, open) in one spelling: closed, half-open, open. */
    static String state(String s) {
        return s.toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    private static double ms(JsonNode e, String field) {
        return e.path(field).asDouble(Double.NaN);
    }

    private static String firstLine(String s) {
        if (s == null) return "unreadable";
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
