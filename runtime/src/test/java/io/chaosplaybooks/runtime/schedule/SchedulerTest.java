package io.chaosplaybooks.runtime.schedule;

import io.chaosplaybooks.dsl.plan.Schedule;
import io.chaosplaybooks.dsl.plan.SourcePos;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** The scheduler on a clock the test moves: fires, misses, pauses, reloads and restarts. */
class SchedulerTest {
    static final ZoneId UTC = ZoneOffset.UTC;
    static final SourcePos AT = new SourcePos("p.groovy", 3, 5);
    static final Path FILE = Path.of("p.groovy");

    @TempDir
    Path state;

    /** A wall clock that moves only when told. */
    static final class MovableClock extends Clock {
        private volatile Instant now;

        MovableClock(Instant start) { now = start; }

        void advance(Duration d) { now = now.plus(d); }

        void set(Instant t) { now = t; }

        @Override public ZoneId getZone() { return UTC; }

        @Override public Clock withZone(ZoneId zone) { return this; }

        @Override public Instant instant() { return now; }
    }

    /** What the listener heard. */
    static final class Heard implements FireListener {
        final BlockingQueue<Fire> fires = new LinkedBlockingQueue<>();
        final List<String> missed = new ArrayList<>();

        @Override public void fired(Fire fire) { fires.add(fire); }

        @Override public synchronized void missed(ScheduleEntry entry, Instant first, int count) {
            missed.add(entry.id() + " " + first + " x" + count);
        }

        List<Instant> dues() {
            List<Fire> all = new ArrayList<>();
            fires.drainTo(all);
            return all.stream().map(Fire::due).toList();
        }
    }

    static ScheduleEntry cron(String id, String expr, Schedule.Syntax syntax) {
        return new ScheduleEntry(id, FILE, "p", "s", Schedule.cron(expr, syntax, UTC, true, AT));
    }

    static Instant t(String s) { return Instant.parse(s); }

    @Test
    void firesOncePerDueTimeAtTheCronTimes() throws Exception {
        var clock = new MovableClock(t("2026-12-02T10:00:30Z"));
        var heard = new Heard();
        var s = new Scheduler(state, clock, heard);
        s.replace(FILE, List.of(cron("p/s/1", "*/5 * * * *", Schedule.Syntax.UNIX)));
        assertEquals(List.of(t("2026-12-02T10:05:00Z"), t("2026-12-02T10:10:00Z"), t("2026-12-02T10:15:00Z")),
            s.schedules().get(0).next().stream().map(z -> z.toInstant()).toList());
        s.fireDue();
        assertEquals(List.of(), heard.dues());
        clock.set(t("2026-12-02T10:05:00Z"));
        s.fireDue();
        s.fireDue(); // the same instant again: no second call
        assertEquals(List.of(t("2026-12-02T10:05:00Z")), heard.dues());
        clock.set(t("2026-12-02T10:10:02Z")); // two seconds late: still run
        s.fireDue();
        assertEquals(List.of(t("2026-12-02T10:10:00Z")), heard.dues());
        assertEquals(t("2026-12-02T10:10:00Z"), s.schedules().get(0).lastFire());
        assertTrue(heard.missed.isEmpty());
    }

    @Test
    void theLoopThreadFiresOnTheMovedClock() throws Exception {
        var clock = new MovableClock(t("2026-12-02T10:00:00Z"));
        var heard = new Heard();
        try (var s = new Scheduler(state, clock, heard)) {
            s.replace(FILE, List.of(new ScheduleEntry("p/*/1", FILE, "p", null,
                Schedule.every(Duration.ofMinutes(10), UTC, false, AT))));
            s.start();
            for (int i = 1; i <= 3; i++) {
                clock.advance(Duration.ofMinutes(10));
                s.wake();
                Fire f = heard.fires.poll(10, TimeUnit.SECONDS);
                assertNotNull(f, "fire " + i);
                assertEquals(t("2026-12-02T10:00:00Z").plus(Duration.ofMinutes(10L * i)), f.due());
                assertEquals(Fire.Cause.SCHEDULE, f.cause());
                assertNull(f.entry().scenario());
            }
            s.wake();
            assertNull(heard.fires.poll(300, TimeUnit.MILLISECONDS), "nothing more is due");
        }
    }

    @Test
    void dueTimesPassedWhileDownAreMissedOnceNotRun() throws Exception {
        var clock = new MovableClock(t("2026-12-02T10:00:30Z"));
        var heard = new Heard();
        var first = new Scheduler(state, clock, heard);
        first.replace(FILE, List.of(cron("p/s/1", "* * * * *", Schedule.Syntax.UNIX)));
        first.close();

        clock.set(t("2026-12-02T10:10:10Z")); // down for ten due times: 10:01 .. 10:10
        var second = new Scheduler(state, clock, heard);
        second.replace(FILE, List.of(cron("p/s/1", "* * * * *", Schedule.Syntax.UNIX)));
        second.fireDue();
        // 10:10:00 is 10 s ago, within MISSED_AFTER: it runs; the nine before are missed, told once.
        assertEquals(List.of(t("2026-12-02T10:10:00Z")), heard.dues());
        assertEquals(List.of("p/s/1 2026-12-02T10:01:00Z x9"), heard.missed);
        var st = second.schedules().get(0);
        assertEquals(9, st.missed());
        assertEquals(t("2026-12-02T10:09:00Z"), st.lastMissed());
        second.fireDue();
        assertEquals(1, heard.missed.size());

        clock.set(t("2026-12-02T11:00:40Z")); // all older than MISSED_AFTER: nothing runs
        second.fireDue();
        assertEquals(List.of(), heard.dues());
        assertEquals("p/s/1 2026-12-02T10:11:00Z x50", heard.missed.get(1));
        assertEquals(t("2026-12-02T11:01:00Z"), second.schedules().get(0).next().get(0).toInstant());
    }

    @Test
    void pauseResumeTriggerAndTheStateSurvivesARestart() throws Exception {
        var clock = new MovableClock(t("2026-12-02T10:00:30Z"));
        var heard = new Heard();
        var s = new Scheduler(state, clock, heard);
        s.replace(FILE, List.of(cron("p/s/1", "* * * * *", Schedule.Syntax.UNIX), cron("p/s/2", "0 * * * *", Schedule.Syntax.UNIX)));
        assertFalse(s.pause("p/s/1").orElseThrow().enabled());
        assertTrue(s.pause("nope").isEmpty());
        clock.set(t("2026-12-02T10:01:00Z"));
        s.fireDue();
        assertEquals(List.of(), heard.dues());
        assertEquals(List.of(), s.schedule("p/s/1").orElseThrow().next());

        Fire manual = s.trigger("p/s/1").orElseThrow();
        assertEquals(Fire.Cause.TRIGGER, manual.cause());
        assertEquals(List.of(t("2026-12-02T10:01:00Z")), heard.dues());
        s.close();
        assertTrue(Files.readString(state.resolve("schedules.json")).contains("\"enabled\" : false"));

        var again = new Scheduler(state, clock, heard);
        again.replace(FILE, List.of(cron("p/s/1", "* * * * *", Schedule.Syntax.UNIX), cron("p/s/2", "0 * * * *", Schedule.Syntax.UNIX)));
        var st = again.schedule("p/s/1").orElseThrow();
        assertFalse(st.enabled(), "paused before the restart, paused after");
        assertEquals(t("2026-12-02T10:01:00Z"), st.lastFire());
        assertEquals(t("2026-12-02T11:00:00Z"), again.schedule("p/s/2").orElseThrow().next().get(0).toInstant());

        clock.set(t("2026-12-02T10:05:20Z"));
        assertTrue(again.resume("p/s/1").orElseThrow().enabled());
        assertEquals(t("2026-12-02T10:06:00Z"), again.schedule("p/s/1").orElseThrow().next().get(0).toInstant());
        again.fireDue();
        assertEquals(List.of(), heard.dues());
        assertTrue(heard.missed.isEmpty(), "time paused is not missed");
    }

    @Test
    void aReloadKeepsUnchangedIdsAndForgetsRemovedOnes() throws Exception {
        var clock = new MovableClock(t("2026-12-02T10:00:30Z"));
        var heard = new Heard();
        var s = new Scheduler(state, clock, heard);
        s.replace(FILE, List.of(cron("p/s/1", "* * * * *", Schedule.Syntax.UNIX), cron("p/s/2", "0 * * * *", Schedule.Syntax.UNIX),
            cron("p/s/3", "30 * * * *", Schedule.Syntax.UNIX)));
        s.pause("p/s/1");
        s.pause("p/s/2");
        s.replace(FILE, List.of(cron("p/s/1", "* * * * *", Schedule.Syntax.UNIX), cron("p/s/2", "15 * * * *", Schedule.Syntax.UNIX)));
        assertEquals(List.of("p/s/1", "p/s/2"), s.schedules().stream().map(ScheduleStatus::id).toList());
        assertFalse(s.schedule("p/s/1").orElseThrow().enabled());
        assertFalse(s.schedule("p/s/2").orElseThrow().enabled(), "a changed schedule keeps its pause");
        s.resume("p/s/2");
        assertEquals(t("2026-12-02T10:15:00Z"), s.schedule("p/s/2").orElseThrow().next().get(0).toInstant());
        assertThrows(IllegalArgumentException.class, () -> s.replace(Path.of("other.groovy"),
            List.of(new ScheduleEntry("p/s/1", Path.of("other.groovy"), "p", "s", Schedule.every(Duration.ofHours(1), UTC, true, AT)))));
        s.replace(FILE, List.of());
        assertEquals(List.of(), s.schedules());
    }

    @Test
    void aDateFiresOnceAndAPastDateNever() throws Exception {
        var clock = new MovableClock(t("2027-01-15T02:59:00Z"));
        var heard = new Heard();
        var s = new Scheduler(state, clock, heard);
        s.replace(FILE, List.of(
            new ScheduleEntry("p/*/1", FILE, "p", null, Schedule.once(LocalDateTime.parse("2027-01-15T03:00"), UTC, true, AT)),
            new ScheduleEntry("p/*/2", FILE, "p", null, Schedule.once(LocalDateTime.parse("2020-01-15T03:00"), UTC, true, AT))));
        assertEquals(List.of(), s.schedule("p/*/2").orElseThrow().next());
        clock.set(t("2027-01-15T03:00:01Z"));
        s.fireDue();
        clock.advance(Duration.ofDays(400));
        s.fireDue();
        assertEquals(List.of(t("2027-01-15T03:00:00Z")), heard.dues());
        assertEquals(List.of(), s.schedule("p/*/1").orElseThrow().next());
    }

    @Test
    void aListenerThatThrowsIsRecordedAndTheSchedulerGoesOn() throws Exception {
        var clock = new MovableClock(t("2026-12-02T10:00:30Z"));
        List<Instant> calls = new ArrayList<>();
        var s = new Scheduler(state, clock, f -> {
            calls.add(f.due());
            throw new IllegalStateException("servers busy");
        });
        s.replace(FILE, List.of(cron("p/s/1", "* * * * *", Schedule.Syntax.UNIX)));
        clock.set(t("2026-12-02T10:01:00Z"));
        s.fireDue();
        clock.set(t("2026-12-02T10:02:00Z"));
        s.fireDue();
        assertEquals(2, calls.size());
        assertEquals("IllegalStateException: servers busy", s.schedules().get(0).lastError());
    }
}
