package io.chaosplaybooks.runtime.schedule;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The schedules' state as JSON, one file, replaced whole on each write (written beside, then moved over),
 * so a crash leaves the old state or the new one, never half of one:
 * <pre>{@code {"version": 1, "schedules": {"<id>": {"key": ..., "enabled": true, "nextDue": "2026-12-03T02:00:00Z",
 *   "lastFire": ..., "lastMissed": ..., "missed": 0, "lastError": null}}}}</pre>
 */
final class ScheduleStore {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One schedule's state; {@code key} is {@link io.chaosplaybooks.dsl.plan.Schedule#key()} when it was computed. */
    static final class State {
        String key;
        boolean enabled;
        Instant nextDue;
        Instant lastFire;
        Instant lastMissed;
        int missed;
        String lastError;

        State(String key, boolean enabled, Instant nextDue, Instant lastFire, Instant lastMissed, int missed, String lastError) {
            this.key = key;
            this.enabled = enabled;
            this.nextDue = nextDue;
            this.lastFire = lastFire;
            this.lastMissed = lastMissed;
            this.missed = missed;
            this.lastError = lastError;
        }
    }

    private final Path file;

    ScheduleStore(Path file) throws IOException {
        this.file = file;
        Files.createDirectories(file.toAbsolutePath().getParent());
    }

    Path file() {
        return file;
    }

    Map<String, State> read() throws IOException {
        Map<String, State> out = new LinkedHashMap<>();
        if (!Files.exists(file)) return out;
        JsonNode root;
        try {
            root = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new IOException("the schedules' state " + file + " is not readable JSON: " + e.getMessage(), e);
        }
        JsonNode schedules = root.path("schedules");
        for (Iterator<Map.Entry<String, JsonNode>> it = schedules.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            JsonNode n = f.getValue();
            out.put(f.getKey(), new State(n.path("key").asText(""), n.path("enabled").asBoolean(true), instant(n, "nextDue"),
                instant(n, "lastFire"), instant(n, "lastMissed"), n.path("missed").asInt(0), text(n, "lastError")));
        }
        return out;
    }

    void write(Map<String, State> states) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("version", 1);
        ObjectNode schedules = root.putObject("schedules");
        states.forEach((id, st) -> {
            ObjectNode n = schedules.putObject(id);
            n.put("key", st.key);
            n.put("enabled", st.enabled);
            n.put("nextDue", st.nextDue == null ? null : st.nextDue.toString());
            n.put("lastFire", st.lastFire == null ? null : st.lastFire.toString());
            n.put("lastMissed", st.lastMissed == null ? null : st.lastMissed.toString());
            n.put("missed", st.missed);
            n.put("lastError", st.lastError);
        });
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        JSON.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), root);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static Instant instant(JsonNode n, String field) {
        String s = text(n, field);
        return s == null ? null : Instant.parse(s);
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
