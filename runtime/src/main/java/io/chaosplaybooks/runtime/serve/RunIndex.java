package io.chaosplaybooks.runtime.serve;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The run history under the state directory:
 * <pre>
 *  STATE/runs/index.json         every run's {@link RunRecord}, rewritten whole (temp file, then rename) on each change
 *  STATE/runs/ID/journal.jsonl   its events; junit.xml, report.html and console.log beside them
 * </pre>
 * A run still marked running when the index is read again belongs to a server that ended without
 * finishing it (killed): it becomes an error saying so. Beyond {@code keep} runs the oldest go, their
 * directories with them.
 */
final class RunIndex {
    private static final ObjectMapper JSON = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private final Path root;
    private final int keep;
    private final Consumer<String> log;
    /** Oldest first; guarded by this. */
    private final LinkedHashMap<String, RunRecord> runs = new LinkedHashMap<>();

    RunIndex(Path stateDir, int keep, Consumer<String> log) throws IOException {
        this.root = stateDir.resolve("runs");
        this.keep = keep;
        this.log = log;
        Files.createDirectories(root);
        Path file = root.resolve("index.json");
        if (Files.exists(file)) {
            List<RunRecord> read;
            try {
                read = JSON.readValue(file.toFile(), new TypeReference<List<RunRecord>>() {});
            } catch (IOException e) {
                // A damaged index is kept aside, not lost, and the history starts again.
                Path aside = root.resolve("index.json.damaged-" + System.currentTimeMillis());
                Files.move(file, aside);
                log.accept("the run index " + file + " could not be read (" + e.getMessage() + "); kept as " + aside + ", starting a new one");
                read = List.of();
            }
            read.stream().sorted(Comparator.comparing((RunRecord r) -> Instant.parse(r.start()))).forEach(r -> runs.put(r.id(), r.running()
                ? r.ended("error", Instant.now().toString(), "the server ended during the run (it was killed, or its machine stopped)", r.verdicts())
                : r));
            save();
        }
    }

    Path dirOf(String id) {
        return root.resolve(id);
    }

    synchronized void put(RunRecord r) {
        runs.put(r.id(), r);
        prune();
        save();
    }

    synchronized Optional<RunRecord> get(String id) {
        return Optional.ofNullable(runs.get(id));
    }

    /** Newest first. */
    synchronized List<RunRecord> newestFirst() {
        List<RunRecord> all = new ArrayList<>(runs.values());
        java.util.Collections.reverse(all);
        return all;
    }

    /** The last run a trigger started or skipped, or null. */
    synchronized RunRecord lastOf(String trigger) {
        RunRecord last = null;
        for (RunRecord r : runs.values()) if (r.trigger().equals(trigger)) last = r;
        return last;
    }

    private void prune() {
        var it = runs.entrySet().iterator();
        int excess = runs.size() - keep;
        while (excess > 0 && it.hasNext()) {
            RunRecord r = it.next().getValue();
            if (r.running()) continue;
            it.remove();
            excess--;
            deleteTree(dirOf(r.id()));
        }
    }

    private void deleteTree(Path dir) {
        if (!Files.exists(dir)) return;
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            log.accept("cannot delete the old run " + dir + ": " + e.getMessage());
        }
    }

    private void save() {
        Path file = root.resolve("index.json");
        Path tmp = root.resolve("index.json.tmp");
        try {
            JSON.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), new ArrayList<>(runs.values()));
            try {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            log.accept("cannot write the run index " + file + ": " + e.getMessage());
        }
    }

    static Map<String, Object> toJson(RunRecord r) {
        return JSON.convertValue(r, new TypeReference<LinkedHashMap<String, Object>>() {});
    }
}
