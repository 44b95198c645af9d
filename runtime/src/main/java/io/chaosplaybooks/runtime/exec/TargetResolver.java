package io.chaosplaybooks.runtime.exec;

import io.chaosplaybooks.dsl.plan.Target;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/** Turns a target into server names; random targets draw from the run's seed, so a seed repeats a run. */
public final class TargetResolver {
    private final List<String> servers;
    private final Random random;

    public TargetResolver(List<String> servers, long seed) {
        this.servers = List.copyOf(servers);
        this.random = new Random(seed);
    }

    public List<String> servers() {
        return servers;
    }

    public synchronized List<String> resolve(Target t) {
        return switch (t.kind()) {
            case ALL -> servers;
            case INDEXES -> t.indexes().stream().map(i -> servers.get(i - 1)).toList();
            case NAMES -> t.names();
            case RANDOM -> {
                List<String> shuffled = new ArrayList<>(servers);
                Collections.shuffle(shuffled, random);
                yield List.copyOf(shuffled.subList(0, Math.min(t.count(), shuffled.size())));
            }
        };
    }
}
