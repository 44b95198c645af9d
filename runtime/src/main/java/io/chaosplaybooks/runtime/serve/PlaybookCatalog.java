package io.chaosplaybooks.runtime.serve;

import io.chaosplaybooks.dsl.LoadResult;
import io.chaosplaybooks.dsl.Problem;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * The playbooks a server runs: every file given, and every {@code *.groovy} under the directories given,
 * loaded and kept with their problems. A thread polls them: a file whose text (or the text of a file
 * it includes) changed is loaded again, a new one is added, a deleted one is dropped, and each change is
 * told to the listener. Polling, not a file watch: it sees edits made through symlinks, editors that
 * replace the file, and network file systems alike, for a read of a few small files a second.
 */
final class PlaybookCatalog implements AutoCloseable {
    /** A playbook file as last loaded; {@code result.ok()} false when it has problems. */
    record Entry(Path file, LoadResult result, String fingerprint) {
        boolean ok() {
            return result.ok();
        }

        /** Problems as {@code file:line:col: message}, one per item. */
        List<String> problems() {
            List<String> out = new ArrayList<>();
            for (Problem p : result.problems()) out.add(p.pos() + ": " + p.message());
            return out;
        }
    }

    /** What changed: the entry now (null when the file is gone) and before (null when it is new). */
    record Change(Path file, Entry now, Entry before) {}

    private final List<Path> roots;
    private final Function<Path, LoadResult> loader;
    private final Consumer<Change> listener;
    private final Map<Path, Entry> entries = new LinkedHashMap<>();
    private final Thread poller;
    private volatile boolean closed;

    PlaybookCatalog(List<Path> roots, Function<Path, LoadResult> loader, Duration poll, Consumer<Change> listener) {
        this.roots = List.copyOf(roots);
        this.loader = loader;
        this.listener = listener;
        refresh();
        this.poller = Thread.ofPlatform().daemon().name("chaos-serve-playbooks").start(() -> {
            while (!closed) {
                try {
                    Thread.sleep(poll.toMillis());
                    refresh();
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException e) {
                    // One bad read must not end the watch; the next poll tries again.
                }
            }
        });
    }

    /** Loads what is new or changed, drops what is gone; returns the changes (also told to the listener). */
    synchronized List<Change> refresh() {
        List<Change> changes = new ArrayList<>();
        TreeSet<Path> seen = new TreeSet<>();
        for (Path f : files()) {
            seen.add(f);
            Entry before = entries.get(f);
            String print = before == null ? null : fingerprint(f, before.result());
            if (before != null && before.fingerprint().equals(print)) continue;
            LoadResult r = loader.apply(f);
            Entry now = new Entry(f, r, fingerprint(f, r));
            entries.put(f, now);
            changes.add(new Change(f, now, before));
        }
        for (Path gone : new ArrayList<>(entries.keySet())) {
            if (!seen.contains(gone)) changes.add(new Change(gone, null, entries.remove(gone)));
        }
        for (Change c : changes) listener.accept(c);
        return changes;
    }

    synchronized List<Entry> entries() {
        return List.copyOf(entries.values());
    }

    /** The entry of this file, or null. */
    synchronized Entry entry(Path file) {
        return entries.get(file);
    }

    /** The entry whose file, file name, or playbook name is {@code name}; null when none or several. */
    synchronized Entry find(String name) {
        List<Entry> hits = new ArrayList<>();
        for (Entry e : entries.values()) {
            boolean byName = e.result().playbook() != null && e.result().playbook().name().equals(name);
            if (e.file().toString().equals(name) || e.file().getFileName().toString().equals(name) || byName) hits.add(e);
        }
        return hits.size() == 1 ? hits.getFirst() : null;
    }

    private List<Path> files() {
        List<Path> out = new ArrayList<>();
        for (Path root : roots) {
            if (Files.isDirectory(root)) {
                try (Stream<Path> s = Files.walk(root)) {
                    s.filter(f -> Files.isRegularFile(f) && f.toString().endsWith(".groovy")).sorted().forEach(out::add);
                } catch (IOException | java.io.UncheckedIOException e) {
                    // a directory being changed under the walk: the next poll sees it whole
                }
            } else if (Files.isRegularFile(root)) {
                out.add(root);
            }
        }
        return out;
    }

    /** A hash of the file's text and of every other file the load read (its includes). */
    private static String fingerprint(Path file, LoadResult r) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            TreeSet<String> paths = new TreeSet<>(r.sources().keySet());
            paths.add(file.toString());
            for (String p : paths) {
                Path f = Path.of(p);
                sha.update(p.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                try {
                    if (Files.isRegularFile(f)) sha.update(Files.readAllBytes(f));
                } catch (IOException unreadable) {
                    sha.update((byte) 0);
                }
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException | java.nio.file.InvalidPathException e) {
            return String.valueOf(System.nanoTime()); // never equal: loaded again
        }
    }

    @Override
    public void close() {
        closed = true;
        poller.interrupt();
    }
}
