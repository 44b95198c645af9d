package io.chaosplaybooks.dsl.units;

import io.chaosplaybooks.dsl.plan.Bandwidth;
import io.chaosplaybooks.dsl.plan.DataSize;
import io.chaosplaybooks.dsl.plan.Fraction;
import io.chaosplaybooks.dsl.plan.OpsRate;

import java.math.BigDecimal;
import java.time.Duration;

/**
 * Groovy extension module: {@code 30.s}, {@code 100.ms}, {@code 1.min}, {@code 64.KB},
 * {@code 10.percent}, {@code 5_000.perSecond}, {@code 64.KBps}. Registered in
 * META-INF/groovy/org.codehaus.groovy.runtime.ExtensionModule; written in Java because groovyc
 * cannot load a Groovy extension class while it compiles.
 */
public final class NumberUnits {
    private NumberUnits() {}

    private static Duration ofMillis(Number n, double factor) {
        BigDecimal nanos = new BigDecimal(n.toString()).multiply(BigDecimal.valueOf(factor * 1_000_000L));
        return Duration.ofNanos(nanos.setScale(0, java.math.RoundingMode.HALF_UP).longValueExact());
    }

    public static Duration getUs(Number n) { return ofMillis(n, 0.001); }
    public static Duration getMs(Number n) { return ofMillis(n, 1); }
    public static Duration getMillis(Number n) { return ofMillis(n, 1); }
    public static Duration getS(Number n) { return ofMillis(n, 1_000); }
    public static Duration getSecond(Number n) { return ofMillis(n, 1_000); }
    public static Duration getSeconds(Number n) { return ofMillis(n, 1_000); }
    public static Duration getMin(Number n) { return ofMillis(n, 60_000); }
    public static Duration getMinute(Number n) { return ofMillis(n, 60_000); }
    public static Duration getMinutes(Number n) { return ofMillis(n, 60_000); }
    public static Duration getH(Number n) { return ofMillis(n, 3_600_000); }
    public static Duration getHour(Number n) { return ofMillis(n, 3_600_000); }
    public static Duration getHours(Number n) { return ofMillis(n, 3_600_000); }

    public static DataSize getByte(Number n) { return size(n, 1); }
    public static DataSize getBytes(Number n) { return size(n, 1); }
    public static DataSize getKB(Number n) { return size(n, 1_000); }
    public static DataSize getMB(Number n) { return size(n, 1_000_000); }

    public static Bandwidth getKBps(Number n) { return new Bandwidth(scaled(n, 1_000)); }
    public static Bandwidth getMBps(Number n) { return new Bandwidth(scaled(n, 1_000_000)); }

    public static Fraction getPercent(Number n) { return new Fraction(n.doubleValue() / 100.0); }
    public static OpsRate getPerSecond(Number n) { return new OpsRate(n.doubleValue()); }

    private static DataSize size(Number n, long unit) {
        return new DataSize(scaled(n, unit));
    }

    private static long scaled(Number n, long unit) {
        return new BigDecimal(n.toString()).multiply(BigDecimal.valueOf(unit))
            .setScale(0, java.math.RoundingMode.HALF_UP).longValueExact();
    }

    // Arithmetic Groovy needs on java.time.Duration: -5.s, 2 * 30.s is not needed, 30.s * 2 and 1.min + 30.s are.
    public static Duration negative(Duration d) { return d.negated(); }
    public static Duration plus(Duration a, Duration b) { return a.plus(b); }
    public static Duration minus(Duration a, Duration b) { return a.minus(b); }
    public static Duration multiply(Duration d, Number f) {
        return Duration.ofNanos(Math.round(d.toNanos() * f.doubleValue()));
    }
}
