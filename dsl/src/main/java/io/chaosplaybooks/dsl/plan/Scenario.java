package io.chaosplaybooks.dsl.plan;

import java.util.List;

/**
 * A scenario: its steps, the expectations its verdict judges, the gates ({@code require}) that must
 * hold before its first fault, the conditions ({@code abortWhen}) that stop it while faults are on,
 * and {@code schedules}: when it runs by itself ({@code chaos serve}).
 */
public record Scenario(String name, String description, List<String> tags, List<Step> steps,
                       List<Expectation> expectations, List<Expectation> gates, List<Expectation> aborts, SourcePos pos,
                       List<Schedule> schedules) {
    public Scenario {
        tags = List.copyOf(tags);
        steps = List.copyOf(steps);
        expectations = List.copyOf(expectations);
        gates = gates == null ? List.of() : List.copyOf(gates);
        aborts = aborts == null ? List.of() : List.copyOf(aborts);
        schedules = schedules == null ? List.of() : List.copyOf(schedules);
    }

    /** A scenario without gates, aborts or schedules. */
    public Scenario(String name, String description, List<String> tags, List<Step> steps, List<Expectation> expectations, SourcePos pos) {
        this(name, description, tags, steps, expectations, List.of(), List.of(), pos, List.of());
    }

    /** A scenario without schedules. */
    public Scenario(String name, String description, List<String> tags, List<Step> steps,
                    List<Expectation> expectations, List<Expectation> gates, List<Expectation> aborts, SourcePos pos) {
        this(name, description, tags, steps, expectations, gates, aborts, pos, List.of());
    }

    /** Every expectation, gate and abort condition that reads a probe. */
    public List<Expectation> probeReaders() {
        return java.util.stream.Stream.of(expectations, gates, aborts).flatMap(List::stream).filter(e -> e.probe() != null).toList();
    }
}
