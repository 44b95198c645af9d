package io.chaosplaybooks.runtime.serve;

import com.fasterxml.jackson.core.type.TypeReference;
import io.chaosplaybooks.dsl.plan.Playbook;
import io.chaosplaybooks.runtime.http.ApiError;
import io.chaosplaybooks.runtime.schedule.Fire;
import io.chaosplaybooks.runtime.schedule.FireListener;
import io.chaosplaybooks.runtime.schedule.ScheduleEntry;
import io.chaosplaybooks.runtime.schedule.ScheduleStatus;
import io.chaosplaybooks.runtime.schedule.Scheduler;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The playbooks' schedules on the {@link Scheduler}: a fire starts the playbook (or the schedule's
 * scenario) through the {@link RunSupervisor}, with the schedule's id as the run's trigger. A file that
 * stops validating pauses its schedules (the last good plan's), remembered in {@code problem-paused.json}
 * so that the fix resumes exactly those, not the ones a person paused, even across a restart.
 */
final class ServedSchedules implements ScheduleBook, FireListener {
    private final Scheduler scheduler;
    private final RunSupervisor runs;
    private final RunIndex index;
    private final Function<Path, PlaybookCatalog.Entry> playbooks;
    private final double timeScale;
    private final Consumer<String> log;
    private final Path problemPausedFile;
    /** Schedule ids paused because their file has problems; guarded by this. */
    private final Set<String> problemPaused = new LinkedHashSet<>();
    /** Files with problems now, and what they are; guarded by this. */
    private final Map<Path, List<String>> broken = new LinkedHashMap<>();
    /** The run a trigger on this thread started (a trigger fires on the caller's thread). */
    private final ThreadLocal<RunRecord> triggered = new ThreadLocal<>();

    ServedSchedules(Path stateDir, RunSupervisor runs, RunIndex index, Function<Path, PlaybookCatalog.Entry> playbooks,
                    double timeScale, Consumer<String> log) throws IOException {
        this.runs = runs;
        this.index = index;
        this.playbooks = playbooks;
        this.timeScale = timeScale;
        this.log = log;
        this.problemPausedFile = stateDir.resolve("problem-paused.json");
        if (Files.exists(problemPausedFile)) {
            try {
                problemPaused.addAll(ServeApi.JSON.readValue(problemPausedFile.toFile(), new TypeReference<List<String>>() {}));
            } catch (IOException e) {
                log.accept("cannot read " + problemPausedFile + " (" + e.getMessage() + "); schedules paused for problems stay paused until resumed");
            }
        }
        this.scheduler = new Scheduler(stateDir, Clock.systemDefaultZone(), this);
    }

    void start() {
        scheduler.start();
    }

    @Override
    public synchronized void playbookChanged(PlaybookCatalog.Change c) {
        Path file = c.file();
        if (c.now() == null) {
            broken.remove(file);
            scheduler.replace(file, List.of());
        } else if (c.now().ok()) {
            broken.remove(file);
            try {
                scheduler.replace(file, ScheduleEntry.of(file, c.now().result().playbook()));
            } catch (IllegalArgumentException e) {
                // Two files with the same playbook name: the second one's schedules are left out, and said so.
                log.accept("schedules of " + file + " not taken: " + e.getMessage());
                return;
            }
            for (ScheduleStatus s : scheduler.schedules()) {
                if (s.entry().playbookFile().equals(file) && problemPaused.remove(s.id())) {
                    scheduler.resume(s.id());
                    log.accept("schedule " + s.id() + " resumed: " + file + " has no problems now");
                }
            }
        } else {
            broken.put(file, c.now().problems());
            for (ScheduleStatus s : scheduler.schedules()) {
                if (s.entry().playbookFile().equals(file) && s.enabled()) {
                    scheduler.pause(s.id());
                    problemPaused.add(s.id());
                    log.accept("schedule " + s.id() + " paused: " + file + " has problems");
                }
            }
        }
        saveProblemPaused();
    }

    private void saveProblemPaused() {
        try {
            ServeApi.JSON.writeValue(problemPausedFile.toFile(), new ArrayList<>(problemPaused));
        } catch (IOException e) {
            log.accept("cannot write " + problemPausedFile + ": " + e.getMessage());
        }
    }

    @Override
    public void fired(Fire fire) {
        ScheduleEntry e = fire.entry();
        PlaybookCatalog.Entry loaded = playbooks.apply(e.playbookFile());
        Playbook p = loaded != null && loaded.ok() ? loaded.result().playbook() : null;
        RunSupervisor.Request r;
        Instant due = fire.cause() == Fire.Cause.SCHEDULE ? fire.due() : null;
        if (p == null) {
            // Paused when its file broke; a trigger by hand, or a fire racing the pause, lands here.
            triggered.set(runs.skip(e.playbook(), e.playbookFile(), scenarios(e), e.id(), due,
                "the playbook " + e.playbookFile() + " has problems: " + String.join("; ", loaded == null ? List.of("it is gone") : loaded.problems())));
            return;
        }
        triggered.set(runs.start(new RunSupervisor.Request(p, e.playbookFile(), scenarios(e), timeScale, e.id(), due)));
    }

    @Override
    public void missed(ScheduleEntry e, Instant first, int count) {
        runs.skip(e.playbook(), e.playbookFile(), scenarios(e), e.id(), first, count == 1 ? "missed its due time " + first
            + " (the server was not running, or was held up)" : "missed " + count + " due times from " + first
            + " (the server was not running, or was held up)");
    }

    private static List<String> scenarios(ScheduleEntry e) {
        return e.scenario() == null ? List.of() : List.of(e.scenario());
    }

    @Override
    public List<Map<String, Object>> list() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (ScheduleStatus s : scheduler.schedules()) out.add(json(s));
        return out;
    }

    private Map<String, Object> json(ScheduleStatus s) {
        ScheduleEntry e = s.entry();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", s.id());
        m.put("playbook", e.playbook());
        m.put("file", e.playbookFile().toString());
        m.put("scenario", e.scenario());
        m.put("expression", e.schedule().text());
        m.put("description", s.description());
        m.put("zone", e.schedule().zoneText());
        m.put("enabled", s.enabled());
        List<String> problems;
        synchronized (this) {
            problems = problemPaused.contains(s.id()) ? broken.getOrDefault(e.playbookFile(), List.of()) : null;
        }
        m.put("pausedBecause", problems == null ? null : "its playbook has problems: " + String.join("; ", problems));
        RunRecord last = index.lastOf(s.id());
        m.put("lastRun", last == null ? null : Map.of("id", last.id(), "state", last.state(), "start", last.start()));
        m.put("lastFire", s.lastFire() == null ? null : s.lastFire().toString());
        m.put("lastMissed", s.lastMissed() == null ? null : s.lastMissed().toString());
        m.put("missed", s.missed());
        m.put("lastError", s.lastError());
        m.put("nextFireTimes", s.next().stream().map(DateTimeFormatter.ISO_OFFSET_DATE_TIME::format).toList());
        return m;
    }

    @Override
    public Map<String, Object> pause(String id) {
        return json(scheduler.pause(id).orElseThrow(() -> unknown(id)));
    }

    @Override
    public Map<String, Object> resume(String id) {
        synchronized (this) {
            if (problemPaused.contains(id)) {
                ScheduleStatus s = scheduler.schedule(id).orElseThrow(() -> unknown(id));
                throw new ApiError(409, "schedule " + id + " is paused because " + s.entry().playbookFile()
                    + " has problems; it resumes by itself when they are fixed: " + String.join("; ", broken.getOrDefault(s.entry().playbookFile(), List.of())));
            }
        }
        return json(scheduler.resume(id).orElseThrow(() -> unknown(id)));
    }

    @Override
    public RunRecord trigger(String id) {
        try {
            scheduler.trigger(id).orElseThrow(() -> unknown(id));
            RunRecord r = triggered.get();
            if (r == null) throw new ApiError(500, "schedule " + id + " fired but started nothing");
            return r;
        } finally {
            triggered.remove();
        }
    }

    private static ApiError unknown(String id) {
        return new ApiError(404, "no schedule " + id + " (GET /api/schedules lists them)");
    }

    @Override
    public void close() {
        scheduler.close();
    }
}
