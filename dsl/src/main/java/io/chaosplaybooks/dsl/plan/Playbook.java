package io.chaosplaybooks.dsl.plan;

import java.util.List;

/**
 * A validated playbook: what to run, against which servers, under which load. Immutable; every
 * node carries where it was written. Knows nothing of sockets, threads or the runtime.
 * {@code prometheus}: the Prometheus its probes ask ({@code prometheus "http://..."}), or null.
 */
public record Playbook(String name, String description, String file, List<ServerSpec> servers,
                       LoadProfile load, List<Scenario> scenarios, SourcePos pos, String prometheus) {
    public Playbook {
        servers = List.copyOf(servers);
        scenarios = List.copyOf(scenarios);
    }

    public Playbook(String name, String description, String file, List<ServerSpec> servers,
                    LoadProfile load, List<Scenario> scenarios, SourcePos pos) {
        this(name, description, file, servers, load, scenarios, pos, null);
    }

    public int serverCount() {
        return servers.size();
    }
}
