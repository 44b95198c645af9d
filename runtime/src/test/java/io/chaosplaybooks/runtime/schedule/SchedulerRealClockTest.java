package io.chaosplaybooks.runtime.schedule;

import io.chaosplaybooks.dsl.plan.Schedule;
import io.chaosplaybooks.dsl.plan.SourcePos;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The scheduler's own thread on the real clock: a Quartz schedule firing every second fires twice
 * within 3 s. Tolerance: each call within 1 s after its due time (the machine is loaded; the loop
 * itself wakes within a millisecond or so of the due time), and the two due times one second apart.
 */
class SchedulerRealClockTest {
    @TempDir
    Path state;

    @Test
    void aSecondsLevelQuartzScheduleFiresTwice() throws Exception {
        BlockingQueue<Fire> fires = new LinkedBlockingQueue<>();
        Path file = Path.of("tick.groovy");
        try (var s = new Scheduler(state, Clock.systemUTC(), fires::add)) {
            s.replace(file, List.of(new ScheduleEntry("tick/*/1", file, "tick", null,
                Schedule.cron("* * * * * ?", Schedule.Syntax.QUARTZ, ZoneId.systemDefault(), false, new SourcePos("tick.groovy", 1, 1)))));
            s.start();
            Fire a = fires.poll(3, TimeUnit.SECONDS);
            Fire b = fires.poll(3, TimeUnit.SECONDS);
            assertNotNull(a, "first fire within 3 s");
            assertNotNull(b, "second fire within 3 s of the first");
            assertEquals(Duration.ofSeconds(1), Duration.between(a.due(), b.due()));
            for (Fire f : List.of(a, b)) {
                Duration lag = Duration.between(f.due(), f.at());
                assertFalse(lag.isNegative(), "never before its time: " + lag);
                assertTrue(lag.compareTo(Duration.ofSeconds(1)) < 0, "lag " + lag + " over the 1 s tolerance");
            }
        }
    }
}
