package io.chaosplaybooks.dsl.plan;

import java.util.List;

/** A scenario; {@code schedules}: when it runs by itself ({@code chaos serve}). */
public record Scenario(String name, String description, List<String> tags, List<Step> steps,
                       List<Expectation> expectations, SourcePos pos, List<Schedule> schedules) {
    public Scenario {
        tags = List.copyOf(tags);
        steps = List.copyOf(steps);
        expectations = List.copyOf(expectations);
        schedules = List.copyOf(schedules);
    }

    /** A scenario without schedules. */
    public Scenario(String name, String description, List<String> tags, List<Step> steps,
                    List<Expectation> expectations, SourcePos pos) {
        this(name, description, tags, steps, expectations, pos, List.of());
    }
}
