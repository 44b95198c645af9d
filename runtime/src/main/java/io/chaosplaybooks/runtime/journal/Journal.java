package io.chaosplaybooks.runtime.journal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chaosplaybooks.runtime.events.RunEvent;
import io.chaosplaybooks.runtime.exec.RunListener;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A run's events as JSON lines, one {@link RunEvent} per line, and read back as the same records.
 * The first line is the {@code run-start}, whose {@code schema} says how to read the rest. Schema 1
 * (journals without the field) kept the expectation results inside the verdict; reading splits them
 * into {@code expectation} events, so every journal reads as the events of today.
 */
public final class Journal implements RunListener, AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper()
        .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
        .configure(DeserializationFeature.FAIL_ON_INVALID_SUBTYPE, false)
        .configure(DeserializationFeature.ACCEPT_SINGLE_VALUE_AS_ARRAY, true);
    private static final ObjectWriter EVENT = JSON.writerFor(RunEvent.class);

    private final BufferedWriter out;

    public Journal(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        this.out = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
    }

    /** One line; a full disk fails the run's listener, not the run. */
    @Override
    public synchronized void on(RunEvent event) {
        try {
            out.write(EVENT.writeValueAsString(event));
            out.write('\n');
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public synchronized void close() {
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The events of a journal, in order; events of a newer tool that this one does not know are left out. */
    public static List<RunEvent> read(Path file) throws JournalException {
        List<RunEvent> events = new ArrayList<>();
        int lineNumber = 0;
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            while ((line = in.readLine()) != null) {
                lineNumber++;
                if (!line.isBlank()) events.addAll(parse(line, file + ":" + lineNumber));
            }
        } catch (NoSuchFileException missing) {
            throw new JournalException(file + ": no such file");
        } catch (MalformedInputException binary) {
            throw new JournalException(file + ":" + (lineNumber + 1) + ": not UTF-8 text, so not a journal");
        } catch (IOException io) {
            throw new JournalException(file + ": cannot read it (" + io.getMessage() + ")");
        }
        return events;
    }

    private static List<RunEvent> parse(String line, String where) throws JournalException {
        JsonNode e;
        try {
            e = JSON.readTree(line);
        } catch (JsonProcessingException bad) {
            throw new JournalException(where + ": not JSON (" + firstLine(bad.getOriginalMessage()) + ")");
        }
        if (e == null || !e.isObject() || !e.path("event").isTextual()) {
            throw new JournalException(where + ": not a journal event (a JSON object with an \"event\" field)");
        }
        List<RunEvent> events = new ArrayList<>();
        try {
            if (e.path("event").asText().equals("verdict") && e.path("results").isArray()) {
                for (JsonNode r : e.path("results")) {
                    ObjectNode x = ((ObjectNode) r.deepCopy()).put("event", "expectation").put("scenario", e.path("scenario").asText());
                    events.add(JSON.treeToValue(x.put("iteration", e.path("iteration").asInt(1)), RunEvent.class));
                }
            }
            RunEvent event = JSON.treeToValue(e, RunEvent.class);
            if (event != null) events.add(event);
        } catch (JsonProcessingException | ClassCastException bad) {
            throw new JournalException(where + ": not a journal event (" + firstLine(bad.getMessage()) + ")");
        }
        return events;
    }

    private static String firstLine(String s) {
        if (s == null) return "unreadable";
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
