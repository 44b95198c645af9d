// For bench/schedule: how late the scheduler calls its listener after each due time of a Quartz
// schedule that fires every second, on the real clock, in a JVM of its own.
//
//   java -cp cli/target/chaos.jar bench/ScheduleLag.java SECONDS
import io.chaosplaybooks.dsl.plan.Schedule;
import io.chaosplaybooks.dsl.plan.SourcePos;
import io.chaosplaybooks.runtime.schedule.Fire;
import io.chaosplaybooks.runtime.schedule.ScheduleEntry;
import io.chaosplaybooks.runtime.schedule.Scheduler;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

public class ScheduleLag {
    public static void main(String[] args) throws Exception {
        int seconds = Integer.parseInt(args[0]);
        Path state = Files.createTempDirectory("chaos-schedule-bench");
        Path file = Path.of("bench.groovy");
        BlockingQueue<Double> lags = new LinkedBlockingQueue<>();
        try (Scheduler s = new Scheduler(state, Clock.systemUTC(),
                (Fire f) -> lags.add(Duration.between(f.due(), Clock.systemUTC().instant()).toNanos() / 1e6))) {
            s.replace(file, List.of(new ScheduleEntry("bench/*/1", file, "bench", null,
                Schedule.cron("* * * * * ?", Schedule.Syntax.QUARTZ, ZoneId.systemDefault(), false, new SourcePos("bench.groovy", 1, 1)))));
            s.start();
            List<Double> got = new ArrayList<>();
            long end = System.nanoTime() + seconds * 1_000_000_000L;
            while (System.nanoTime() < end) {
                Double lag = lags.poll(1500, TimeUnit.MILLISECONDS);
                if (lag != null) got.add(lag);
            }
            Collections.sort(got);
            int n = got.size();
            System.out.printf("%d %.3f %.3f %.3f%n", n, got.get((int) Math.ceil(n * 0.5) - 1), got.get((int) Math.ceil(n * 0.99) - 1), got.get(n - 1));
        } finally {
            try (var files = Files.list(state)) {
                for (Path p : files.toList()) Files.deleteIfExists(p);
            }
            Files.deleteIfExists(state);
        }
    }
}
