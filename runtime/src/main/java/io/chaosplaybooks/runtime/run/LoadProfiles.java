package io.chaosplaybooks.runtime.run;

import io.chaosplaybooks.dsl.plan.LoadProfile;
import io.chaosplaybooks.runtime.load.BreakerSettings;
import io.chaosplaybooks.runtime.load.KeyDistribution;
import io.chaosplaybooks.runtime.load.OperationMix;

import java.time.Duration;
import java.util.Locale;

/** A playbook's {@code load { }} as the load engine takes it. */
final class LoadProfiles {
    private LoadProfiles() {}

    /**
     * @param timeScale the run's time scale: the breaker's wait in open state scales with the
     *                  phases (so a quick pass still sees it close in recovery); the operation
     *                  timeout and slow-call threshold do not, since faults' latencies do not.
     */
    static io.chaosplaybooks.runtime.load.LoadProfile of(LoadProfile p, double timeScale) {
        LoadProfile.Breaker b = p.breaker();
        Duration open = Duration.ofNanos(Math.max(200_000_000L, Math.round(b.openFor().toNanos() * Math.min(1.0, timeScale))));
        BreakerSettings breaker = BreakerSettings.defaults()
            .withFailureRateThreshold(b.failureRate())
            .withSlowCalls(b.slowCallRate(), b.slowCallDuration())
            .withWaitInOpenState(open)
            .withHalfOpenCalls(b.halfOpenCalls())
            .withWindow(BreakerSettings.WindowType.COUNT_BASED, b.window(), Math.min(b.window(), 20));
        var mix = p.mix();
        var builder = io.chaosplaybooks.runtime.load.LoadProfile.builder()
            .clients(p.clients())
            .mix(new OperationMix(mix.getOrDefault("get", 0d), mix.getOrDefault("set", 0d), mix.getOrDefault("delete", 0d)))
            .keys(p.keys())
            .distribution(KeyDistribution.valueOf(p.keyDistribution().toUpperCase(Locale.ROOT)))
            .valueSize((int) p.valueSizeBytes())
            .timeout(p.timeout())
            .prefill(true)
            .breaker(breaker);
        if (p.ratePerSecond() != null) builder.ratePerSecond(p.ratePerSecond());
        return builder.build();
    }
}
