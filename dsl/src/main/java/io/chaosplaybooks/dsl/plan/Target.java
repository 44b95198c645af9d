package io.chaosplaybooks.dsl.plan;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Which servers a fault or expectation names. Indexes are 1-based, as the playbook writes them;
 * random targets are resolved by the runtime from the run's seed.
 */
public record Target(Kind kind, List<Integer> indexes, List<String> names, int count, SourcePos pos) {
    public enum Kind { INDEXES, NAMES, ALL, RANDOM }

    public Target {
        indexes = List.copyOf(indexes);
        names = List.copyOf(names);
    }

    public static Target all(SourcePos pos) {
        return new Target(Kind.ALL, List.of(), List.of(), 0, pos);
    }

    public String describe() {
        return switch (kind) {
            case ALL -> "allServers";
            case RANDOM -> "randomServers(" + count + ")";
            case INDEXES -> indexes.size() == 1 ? "server(" + indexes.get(0) + ")"
                : "servers(" + indexes.stream().map(String::valueOf).collect(Collectors.joining(", ")) + ")";
            case NAMES -> names.size() == 1 ? "server(\"" + names.get(0) + "\")"
                : "servers(" + names.stream().map(n -> "\"" + n + "\"").collect(Collectors.joining(", ")) + ")";
        };
    }
}
