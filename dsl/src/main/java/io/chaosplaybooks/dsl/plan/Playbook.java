package io.chaosplaybooks.dsl.plan;

import java.util.List;

/**
 * A validated playbook: what to run, against which servers, under which load. Immutable; every
 * node carries where it was written. Knows nothing of sockets, threads or the runtime.
 *
 * @param builtInLoad whether the run drives the built-in load; false for {@code load none}, and for a playbook
 *                    without a {@code load} block whose servers all face the user's application
 *                    ({@link ServerSpec#userFacing()}): faults only
 * @param loadPos     where {@code load} was written, or null
 */
public record Playbook(String name, String description, String file, List<ServerSpec> servers,
                       LoadProfile load, List<Scenario> scenarios, SourcePos pos, boolean builtInLoad, SourcePos loadPos) {
    public Playbook {
        servers = List.copyOf(servers);
        scenarios = List.copyOf(scenarios);
    }

    public Playbook(String name, String description, String file, List<ServerSpec> servers,
                    LoadProfile load, List<Scenario> scenarios, SourcePos pos) {
        this(name, description, file, servers, load, scenarios, pos, true, null);
    }

    public int serverCount() {
        return servers.size();
    }
}
