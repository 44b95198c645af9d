package io.chaosplaybooks.runtime.schedule;

import io.chaosplaybooks.dsl.ScheduleTimes;
import io.chaosplaybooks.dsl.plan.Schedule;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;

/**
 * Fires schedules at their due times. How to use it:
 * <pre>{@code
 * Scheduler scheduler = new Scheduler(stateDir, Clock.systemDefaultZone(), new FireListener() {
 *     public void fired(Fire f) { startRunSomewhereElse(f.entry()); }      // return quickly
 *     public void missed(ScheduleEntry e, Instant first, int n) { record(e, first, n); }
 * });
 * LoadResult loaded = PlaybookLoader...;                                   // a playbook that validated
 * scheduler.replace(file, ScheduleEntry.of(file, loaded.playbook()));     // again on every reload of that file
 * scheduler.start();
 * scheduler.schedules();           // id, description, enabled, last fire, last missed, next three fire times
 * scheduler.pause(id); scheduler.resume(id); scheduler.trigger(id);
 * scheduler.close();               // at exit; the state is already on disk
 * }</pre>
 *
 * <p>One listener call per due time. Due times that passed while the process was down, or more than
 * {@link #MISSED_AFTER} ago when the loop looks, are not run: they are told once to
 * {@link FireListener#missed} and kept as the schedule's last missed time. When several due times are
 * within {@code MISSED_AFTER} at once, the latest fires and the others count as missed.
 *
 * <p>The state of each schedule (paused or not, last fire, last missed, next due time) is kept in
 * {@code schedules.json} in the state directory, written on every change, and read back at construction:
 * a restarted process keeps pauses, and sees what it missed while down. A reload ({@link #replace}) keeps the
 * state of ids whose schedule is unchanged, keeps pause and history of ids whose schedule changed (their next
 * time is computed again), and forgets ids that are gone from that file.
 *
 * <p>Thread-safe. Ids: see {@link ScheduleEntry}.
 */
public final class Scheduler implements AutoCloseable {
    /** A due time older than this when the loop looks at it is missed, not run late. */
    public static final Duration MISSED_AFTER = Duration.ofSeconds(30);
    private static final Duration LONGEST_WAIT = Duration.ofSeconds(60);
    private static final int SHOWN_NEXT = 3;
    private static final int MISSED_COUNT_LIMIT = 10_000;

    private final Clock clock;
    private final FireListener listener;
    private final ScheduleStore store;
    private final Object wakeUp = new Object();
    private final Map<String, ScheduleEntry> entries = new LinkedHashMap<>();
    private final Map<String, ScheduleStore.State> states;
    private boolean changed;
    private volatile boolean closed;
    private Thread loop;

    /**
     * Reads the state kept in {@code stateDir} (created if missing). Nothing fires before {@link #start()}.
     *
     * @param clock the wall clock due times are compared with; tests pass one they move by hand
     * @throws IOException when the directory cannot be made or its state file not read
     */
    public Scheduler(Path stateDir, Clock clock, FireListener listener) throws IOException {
        this.clock = clock;
        this.listener = listener;
        this.store = new ScheduleStore(stateDir.resolve("schedules.json"));
        this.states = store.read();
    }

    /** Starts the thread that fires due schedules; once. */
    public synchronized void start() {
        if (loop != null) throw new IllegalStateException("already started");
        loop = Thread.ofPlatform().daemon().name("chaos-scheduler").start(this::runLoop);
    }

    /**
     * The schedules of one playbook file, replacing those it had (none at first). An empty list removes them.
     *
     * @throws IllegalArgumentException when an id appears twice, or is already another file's (two files with the same playbook name)
     */
    public void replace(Path playbookFile, List<ScheduleEntry> newEntries) {
        synchronized (this) {
            Set<String> seen = new HashSet<>();
            for (ScheduleEntry e : newEntries) {
                if (!e.playbookFile().equals(playbookFile)) {
                    throw new IllegalArgumentException("schedule " + e.id() + " belongs to " + e.playbookFile() + ", not " + playbookFile);
                }
                if (!seen.add(e.id())) throw new IllegalArgumentException("schedule id " + e.id() + " is given twice");
                ScheduleEntry other = entries.get(e.id());
                if (other != null && !other.playbookFile().equals(playbookFile)) {
                    throw new IllegalArgumentException("schedule id " + e.id() + " is already " + other.playbookFile()
                        + "'s: two playbooks named '" + e.playbook() + "'");
                }
            }
            entries.values().removeIf(e -> {
                boolean gone = e.playbookFile().equals(playbookFile) && !seen.contains(e.id());
                if (gone) states.remove(e.id());
                return gone;
            });
            Instant now = clock.instant();
            for (ScheduleEntry e : newEntries) {
                ScheduleStore.State st = states.get(e.id());
                String key = e.schedule().key();
                if (st == null) {
                    st = new ScheduleStore.State(key, true, nextAfter(e.schedule(), now), null, null, 0, null);
                } else if (!st.key.equals(key)) {
                    st.key = key;
                    st.nextDue = st.enabled ? nextAfter(e.schedule(), now) : null;
                }
                states.put(e.id(), st);
                entries.put(e.id(), e);
            }
            persist();
        }
        wake();
    }

    /** Every schedule, in the order given (file by file, as replaced). */
    public synchronized List<ScheduleStatus> schedules() {
        return entries.values().stream().map(this::status).toList();
    }

    public synchronized Optional<ScheduleStatus> schedule(String id) {
        return Optional.ofNullable(entries.get(id)).map(this::status);
    }

    /** Stops firing it (its due times pass unrecorded) until {@link #resume}; empty when no schedule has that id. */
    public Optional<ScheduleStatus> pause(String id) {
        synchronized (this) {
            ScheduleEntry e = entries.get(id);
            if (e == null) return Optional.empty();
            ScheduleStore.State st = states.get(id);
            st.enabled = false;
            st.nextDue = null;
            persist();
            return Optional.of(status(e));
        }
    }

    /** Fires it again from now on: the next due time after now, nothing for the time paused. */
    public Optional<ScheduleStatus> resume(String id) {
        Optional<ScheduleStatus> out;
        synchronized (this) {
            ScheduleEntry e = entries.get(id);
            if (e == null) return Optional.empty();
            ScheduleStore.State st = states.get(id);
            if (!st.enabled) {
                st.enabled = true;
                st.nextDue = nextAfter(e.schedule(), clock.instant());
                persist();
            }
            out = Optional.of(status(e));
        }
        wake();
        return out;
    }

    /**
     * Fires it now, on the caller's thread, paused or not; its due times stay as they were. Empty when no
     * schedule has that id.
     */
    public Optional<Fire> trigger(String id) {
        Fire fire;
        synchronized (this) {
            ScheduleEntry e = entries.get(id);
            if (e == null) return Optional.empty();
            Instant now = clock.instant();
            fire = new Fire(e, now, now, Fire.Cause.TRIGGER);
            states.get(id).lastFire = now;
            persist();
        }
        tell(fire, false);
        return Optional.of(fire);
    }

    /** Stops the loop (waiting for a listener call in progress) and writes the state. */
    @Override
    public void close() {
        closed = true;
        wake();
        Thread t;
        synchronized (this) {
            t = loop;
        }
        if (t != null && t != Thread.currentThread()) {
            try {
                t.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        synchronized (this) {
            persist();
        }
    }

    // ---- the loop ------------------------------------------------------------------------------

    /** Below this the loop parks until the due time instead of waiting on the monitor, which wakes a tick late. */
    private static final Duration FINAL_STRETCH = Duration.ofMillis(3);

    private void runLoop() {
        while (!closed) {
            fireDue();
            Duration wait;
            synchronized (wakeUp) {
                if (changed || closed) {
                    changed = false;
                    continue;
                }
                Instant next = earliestDue();
                wait = next == null ? LONGEST_WAIT : Duration.between(clock.instant(), next);
                if (wait.compareTo(LONGEST_WAIT) > 0) wait = LONGEST_WAIT;
                if (wait.isNegative() || wait.isZero()) continue;
                if (wait.compareTo(FINAL_STRETCH) > 0) {
                    try {
                        // Wakes a little early on purpose: the last stretch is parked precisely below.
                        wakeUp.wait(wait.minus(FINAL_STRETCH).toMillis() + 1);
                    } catch (InterruptedException e) {
                        return;
                    }
                    changed = false;
                    continue;
                }
            }
            LockSupport.parkNanos(wait.toNanos());
        }
    }

    /** Makes the loop look again now (after a change, or after a test moved its clock). */
    void wake() {
        synchronized (wakeUp) {
            changed = true;
            wakeUp.notifyAll();
        }
    }

    private synchronized Instant earliestDue() {
        Instant min = null;
        for (String id : entries.keySet()) {
            ScheduleStore.State st = states.get(id);
            if (st.enabled && st.nextDue != null && (min == null || st.nextDue.isBefore(min))) min = st.nextDue;
        }
        return min;
    }

    private record Missed(ScheduleEntry entry, Instant first, int count) {}

    /** Fires every schedule due at the clock's now; package-private so tests can step it without the thread. */
    void fireDue() {
        List<Fire> fires = new ArrayList<>();
        List<Missed> missed = new ArrayList<>();
        synchronized (this) {
            Instant now = clock.instant();
            Instant windowStart = now.minus(MISSED_AFTER);
            boolean dirty = false;
            for (ScheduleEntry e : entries.values()) {
                ScheduleStore.State st = states.get(e.id());
                if (!st.enabled || st.nextDue == null || st.nextDue.isAfter(now)) continue;
                dirty = true;
                Instant due = st.nextDue;
                Instant firstMissed = null;
                int count = 0;
                while (due != null && due.isBefore(windowStart)) {
                    if (firstMissed == null) firstMissed = due;
                    if (++count >= MISSED_COUNT_LIMIT) {
                        due = nextAfter(e.schedule(), windowStart.minusNanos(1));
                        break;
                    }
                    due = nextAfter(e.schedule(), due);
                }
                // Within the window: the latest due time fires, those before it are missed.
                while (due != null && !due.isAfter(now)) {
                    Instant after = nextAfter(e.schedule(), due);
                    if (after == null || after.isAfter(now)) break;
                    if (firstMissed == null) firstMissed = due;
                    count++;
                    due = after;
                }
                if (due != null && !due.isAfter(now)) {
                    fires.add(new Fire(e, due, now, Fire.Cause.SCHEDULE));
                    st.lastFire = due;
                    st.nextDue = nextAfter(e.schedule(), due);
                } else {
                    st.nextDue = due;
                }
                if (count > 0) {
                    count = Math.min(count, MISSED_COUNT_LIMIT);
                    st.missed += count;
                    st.lastMissed = lastMissedBefore(e.schedule(), firstMissed, count);
                    missed.add(new Missed(e, firstMissed, count));
                }
            }
            if (!dirty) return;
        }
        // Told first, written after: the write costs milliseconds that would otherwise delay every fire.
        for (Fire f : fires) tell(f, false);
        for (Missed m : missed) {
            try {
                listener.missed(m.entry(), m.first(), m.count());
            } catch (RuntimeException ignored) {
                // A listener that fails to record a miss does not stop the scheduler.
            }
        }
        synchronized (this) {
            persist();
        }
    }

    private Instant lastMissedBefore(Schedule s, Instant first, int count) {
        Instant t = first;
        for (int i = 1; i < count && i < 1000; i++) {
            Instant n = nextAfter(s, t);
            if (n == null) break;
            t = n;
        }
        return t;
    }

    /** Calls the listener and keeps what it threw; {@code write}: persist now (else the caller does). */
    private void tell(Fire fire, boolean write) {
        String error = null;
        try {
            listener.fired(fire);
        } catch (RuntimeException e) {
            error = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        }
        synchronized (this) {
            ScheduleStore.State st = states.get(fire.entry().id());
            if (st != null && entries.containsKey(fire.entry().id()) && (write || !java.util.Objects.equals(st.lastError, error))) {
                st.lastError = error;
                persist();
            }
        }
    }

    private static Instant nextAfter(Schedule s, Instant t) {
        return ScheduleTimes.nextAfter(s, t.atZone(s.zone())).map(ZonedDateTime::toInstant).orElse(null);
    }

    private ScheduleStatus status(ScheduleEntry e) {
        ScheduleStore.State st = states.get(e.id());
        List<ZonedDateTime> next = new ArrayList<>();
        if (st.enabled && st.nextDue != null) {
            ZonedDateTime first = st.nextDue.atZone(e.schedule().zone());
            next.add(first);
            next.addAll(ScheduleTimes.next(e.schedule(), st.nextDue, SHOWN_NEXT - 1));
        }
        return new ScheduleStatus(e, ScheduleTimes.describe(e.schedule()), st.enabled, st.lastFire, st.lastMissed,
            st.missed, st.lastError, next);
    }

    private void persist() {
        try {
            store.write(states);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the schedules' state to " + store.file(), e);
        }
    }
}
