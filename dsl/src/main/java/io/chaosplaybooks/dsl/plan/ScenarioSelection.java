package io.chaosplaybooks.dsl.plan;

import java.util.List;
import java.util.regex.Pattern;

/**
 * {@code --scenario NAME|GLOB} (repeatable) and {@code --tags a,b}: a scenario is selected when it
 * matches any of the names (if given) and carries any of the tags (if given).
 */
public record ScenarioSelection(List<String> names, List<String> tags) {
    public ScenarioSelection {
        names = names == null ? List.of() : List.copyOf(names);
        tags = tags == null ? List.of() : List.copyOf(tags);
    }

    public static ScenarioSelection all() {
        return new ScenarioSelection(List.of(), List.of());
    }

    public boolean selects(Scenario s) {
        boolean byName = names.isEmpty() || names.stream().anyMatch(n -> glob(n).matcher(s.name()).matches());
        boolean byTag = tags.isEmpty() || s.tags().stream().anyMatch(tags::contains);
        return byName && byTag;
    }

    public List<Scenario> apply(List<Scenario> scenarios) {
        return scenarios.stream().filter(this::selects).toList();
    }

    private static Pattern glob(String g) {
        StringBuilder re = new StringBuilder();
        for (char c : g.toCharArray()) {
            switch (c) {
                case '*' -> re.append(".*");
                case '?' -> re.append('.');
                default -> re.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(re.toString());
    }
}
