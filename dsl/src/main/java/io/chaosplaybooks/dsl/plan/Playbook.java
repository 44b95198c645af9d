package io.chaosplaybooks.dsl.plan;

import java.util.List;

/**
 * A validated playbook: what to run, against which servers, under which load. Immutable; every
 * node carries where it was written. Knows nothing of sockets, threads or the runtime.
 *
 * @param schedules   when the whole playbook runs by itself ({@code chaos serve}); scenarios have their own
 * @param builtInLoad whether the run drives the built-in load; false for {@code load none}, and for a playbook
 *                    without a {@code load} block whose servers all face the user's application
 *                    ({@link ServerSpec#userFacing()}): faults only
 * @param loadPos     where {@code load} was written, or null
 * @param prometheus  the Prometheus its probes ask ({@code prometheus "http://..."}), or null
 */
public record Playbook(String name, String description, String file, List<ServerSpec> servers,
                       LoadProfile load, List<Scenario> scenarios, SourcePos pos, List<Schedule> schedules,
                       boolean builtInLoad, SourcePos loadPos, String prometheus) {
    public Playbook {
        servers = List.copyOf(servers);
        scenarios = List.copyOf(scenarios);
        schedules = schedules == null ? List.of() : List.copyOf(schedules);
    }

    /** A playbook with the built-in load, without schedules of its own (its scenarios may have some) or a Prometheus. */
    public Playbook(String name, String description, String file, List<ServerSpec> servers,
                    LoadProfile load, List<Scenario> scenarios, SourcePos pos) {
        this(name, description, file, servers, load, scenarios, pos, List.of(), true, null, null);
    }

    public int serverCount() {
        return servers.size();
    }
}
