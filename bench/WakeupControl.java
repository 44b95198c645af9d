// The control for bench/run: how late a thread that does nothing but wait for deadlines wakes up on
// this machine at this moment, using the executor's own clock (Clock.SYSTEM), in a JVM of its own
// running beside the measured run. The run's phase and fault lags cannot be better than this floor.
//
//   java -cp cli/target/chaos.jar bench/WakeupControl.java SECONDS PERIOD_MS
import io.chaosplaybooks.runtime.exec.Clock;

import java.util.Arrays;

public class WakeupControl {
    public static void main(String[] args) throws InterruptedException {
        double seconds = Double.parseDouble(args[0]);
        long period = Long.parseLong(args[1]) * 1_000_000L;
        int n = (int) (seconds * 1e9 / period);
        double[] lagMs = new double[n];
        long start = System.nanoTime() + 200_000_000L;
        for (int i = 0; i < n; i++) {
            long deadline = start + i * period;
            Clock.SYSTEM.sleepUntil(deadline);
            lagMs[i] = (System.nanoTime() - deadline) / 1e6;
        }
        Arrays.sort(lagMs);
        System.out.printf("%d %.3f %.3f %.3f%n", n, lagMs[(int) Math.ceil(n * 0.5) - 1], lagMs[(int) Math.ceil(n * 0.99) - 1], lagMs[n - 1]);
    }
}
