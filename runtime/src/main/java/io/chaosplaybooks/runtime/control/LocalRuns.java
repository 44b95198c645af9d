package io.chaosplaybooks.runtime.control;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The runs of this machine's user, as the control registry knows them: one file per process in the
 * runtime directory. A file whose process is gone, or whose address nobody listens on any more (the pid
 * was reused), is stale: it is skipped and removed. A process that does not answer in time is skipped
 * but its file kept (it may only be busy).
 */
public final class LocalRuns {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final Duration ASK = Duration.ofSeconds(3);

    private final Path dir;

    private LocalRuns(Path dir) {
        this.dir = dir;
    }

    /** The runs in the user's runtime directory (see {@link ControlEndpoint}). */
    public static LocalRuns here() {
        return new LocalRuns(RuntimeDirectory.locate());
    }

    public static LocalRuns in(Path dir) {
        return new LocalRuns(dir);
    }

    public Path directory() {
        return dir;
    }

    /** No registered run has this id: {@code running} lists those that are registered. */
    public static final class UnknownRun extends Exception {
        private final List<String> running;

        UnknownRun(String id, List<String> running) {
            super("no run " + id + " is running on this machine" + (running.isEmpty() ? " (none is)" : "; running: " + String.join(", ", running)));
            this.running = List.copyOf(running);
        }

        public List<String> running() {
            return running;
        }
    }

    /** A run and the client of the process that has it. */
    public record Located(ProcessEntry process, ControlClient client) {}

    /** The registered processes whose pid is alive, oldest first; files of dead ones are removed. */
    public List<ProcessEntry> processes() {
        List<ProcessEntry> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) return out;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.json")) {
            for (Path f : files) {
                ProcessEntry e = read(f);
                if (e == null) continue;
                if (ProcessHandle.of(e.pid()).map(ProcessHandle::isAlive).orElse(false)) {
                    out.add(e);
                } else {
                    deleteQuietly(f);
                }
            }
        } catch (IOException e) {
            return out;
        }
        out.sort(Comparator.comparing(ProcessEntry::started, Comparator.nullsFirst(Comparator.naturalOrder())));
        return out;
    }

    private static ProcessEntry read(Path f) {
        try {
            return JSON.readValue(Files.readString(f), ProcessEntry.class);
        } catch (NoSuchFileException gone) {
            return null;
        } catch (IOException | RuntimeException unreadable) {
            // Half a file cannot happen (written by rename); an unreadable one is not ours to judge: skipped.
            return null;
        }
    }

    public ControlClient client(ProcessEntry p) {
        return new ControlClient(URI.create(p.address()), p.token());
    }

    /** Every registered run's status, asked of its process; stale registrations removed on the way. */
    public List<LiveStatus> statuses() throws InterruptedException {
        List<LiveStatus> out = new ArrayList<>();
        for (ProcessEntry p : processes()) {
            try {
                out.addAll(client(p).runs(false, ASK));
            } catch (ConnectException nobodyListens) {
                deleteQuietly(fileOf(p));
            } catch (IOException | IllegalArgumentException notAnswering) {
                // busy or broken: skipped, its file kept
            }
        }
        return out;
    }

    /** The process that has run {@code id} (by its registration, then asked). */
    public Located locate(String id) throws UnknownRun, InterruptedException {
        List<String> running = new ArrayList<>();
        for (ProcessEntry p : processes()) {
            for (ProcessEntry.Run r : p.runs()) {
                if (r.runId().equals(id)) return new Located(p, client(p));
                running.add(r.runId());
            }
        }
        throw new UnknownRun(id, running);
    }

    /** The ids of the registered runs. */
    public List<String> runIds() {
        return processes().stream().flatMap(p -> p.runs().stream()).map(ProcessEntry.Run::runId).toList();
    }

    private Path fileOf(ProcessEntry p) {
        return dir.resolve(p.pid() + ".json");
    }

    private static void deleteQuietly(Path f) {
        try {
            Files.deleteIfExists(f);
        } catch (IOException ignored) {
            // tried again next time
        }
    }
}
