package io.chaosplaybooks.runtime.journal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chaosplaybooks.runtime.events.RunEvent;
import io.chaosplaybooks.runtime.exec.RunListener;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Reader;
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
    private static final ObjectReader EVENT_READER = JSON.readerFor(RunEvent.class);

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
        replay(file, events::add);
        return events;
    }

    /** The longest line read: a load second with its histogram is a few kilobytes; a longer line is not a journal's. */
    static final int MAX_LINE_CHARS = 16 * 1024 * 1024;

    /**
     * Tells {@code listener} the journal's events one at a time as they are read, holding one line at a
     * time, so that a journal of any size reads in bounded memory.
     */
    public static void replay(Path file, RunListener listener) throws JournalException {
        long lineNumber = 0;
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            char[] chunk = new char[64 * 1024];
            StringBuilder line = new StringBuilder(4096);
            int n;
            while ((n = in.read(chunk)) >= 0) {
                int from = 0;
                for (int i = 0; i < n; i++) {
                    if (chunk[i] != '\n') continue;
                    lineNumber++;
                    line.append(chunk, from, i - from);
                    from = i + 1;
                    deliver(line, file + ":" + lineNumber, listener);
                    line.setLength(0);
                }
                line.append(chunk, from, n - from);
                if (line.length() > MAX_LINE_CHARS) {
                    throw new JournalException(file + ":" + (lineNumber + 1) + ": a line longer than " + MAX_LINE_CHARS / (1024 * 1024)
                        + " M characters, so not a journal");
                }
            }
            // A last line without its newline: a journal cut short mid-line reads as not JSON here.
            if (!line.isEmpty()) deliver(line, file + ":" + (lineNumber + 1), listener);
        } catch (NoSuchFileException missing) {
            throw new JournalException(file + ": no such file");
        } catch (MalformedInputException binary) {
            throw new JournalException(file + ":" + (lineNumber + 1) + ": not UTF-8 text, so not a journal");
        } catch (IOException io) {
            throw new JournalException(file + ": cannot read it (" + io.getMessage() + ")");
        }
    }

    private static void deliver(StringBuilder line, String where, RunListener listener) throws JournalException {
        int end = line.length();
        if (end > 0 && line.charAt(end - 1) == '\r') end--;
        String text = line.substring(0, end);
        if (text.isBlank()) return;
        for (RunEvent e : parse(text, where)) listener.on(e);
    }

    private static List<RunEvent> parse(String line, String where) throws JournalException {
        // Most lines are events of today read straight into their record; a schema-1 verdict, or a line that
        // does not read that way, goes through the tree, which splits the verdict and names what is wrong.
        if (line.startsWith("{\"event\":\"") && !line.startsWith("{\"event\":\"verdict\"")) {
            try {
                RunEvent event = EVENT_READER.readValue(line);
                return event == null ? List.of() : List.of(event);
            } catch (JsonProcessingException | RuntimeException notPlain) {
                // read again below for the message
            }
        }
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
