package io.chaosplaybooks.dsl.plan;

import java.util.List;

/**
 * A validated playbook: what to run, against which servers, under which load. Immutable; every
 * node carries where it was written. {@code schedules}: when the whole playbook runs by itself
 * ({@code chaos serve}); scenarios have their own. Knows nothing of sockets, threads or the runtime.
 */
public record Playbook(String name, String description, String file, List<ServerSpec> servers,
                       LoadProfile load, List<Scenario> scenarios, SourcePos pos, List<Schedule> schedules) {
    public Playbook {
        servers = List.copyOf(servers);
        scenarios = List.copyOf(scenarios);
        schedules = List.copyOf(schedules);
    }

    /** A playbook without schedules of its own (its scenarios may have some). */
    public Playbook(String name, String description, String file, List<ServerSpec> servers,
                    LoadProfile load, List<Scenario> scenarios, SourcePos pos) {
        this(name, description, file, servers, load, scenarios, pos, List.of());
    }

    public int serverCount() {
        return servers.size();
    }
}
