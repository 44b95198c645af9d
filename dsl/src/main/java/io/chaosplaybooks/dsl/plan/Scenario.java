package io.chaosplaybooks.dsl.plan;

import java.util.List;

public record Scenario(String name, String description, List<String> tags, List<Step> steps,
                       List<Expectation> expectations, SourcePos pos) {
    public Scenario {
        tags = List.copyOf(tags);
        steps = List.copyOf(steps);
        expectations = List.copyOf(expectations);
    }
}
