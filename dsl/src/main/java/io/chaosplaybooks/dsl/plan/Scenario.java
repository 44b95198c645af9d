package io.chaosplaybooks.dsl.plan;

import java.util.List;

/**
 * A scenario: its steps, the expectations its verdict judges, the gates ({@code require}) that must
 * hold before its first fault, and the conditions ({@code abortWhen}) that stop it while faults are on.
 */
public record Scenario(String name, String description, List<String> tags, List<Step> steps,
                       List<Expectation> expectations, List<Expectation> gates, List<Expectation> aborts, SourcePos pos) {
    public Scenario {
        tags = List.copyOf(tags);
        steps = List.copyOf(steps);
        expectations = List.copyOf(expectations);
        gates = gates == null ? List.of() : List.copyOf(gates);
        aborts = aborts == null ? List.of() : List.copyOf(aborts);
    }

    /** A scenario without gates or aborts. */
    public Scenario(String name, String description, List<String> tags, List<Step> steps, List<Expectation> expectations, SourcePos pos) {
        this(name, description, tags, steps, expectations, List.of(), List.of(), pos);
    }

    /** Every expectation, gate and abort condition that reads a probe. */
    public List<Expectation> probeReaders() {
        return java.util.stream.Stream.of(expectations, gates, aborts).flatMap(List::stream).filter(e -> e.probe() != null).toList();
    }
}
