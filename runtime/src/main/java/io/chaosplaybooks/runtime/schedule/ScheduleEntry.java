package io.chaosplaybooks.runtime.schedule;

import io.chaosplaybooks.dsl.plan.Playbook;
import io.chaosplaybooks.dsl.plan.Scenario;
import io.chaosplaybooks.dsl.plan.Schedule;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One schedule the {@link Scheduler} keeps: what to run when it fires.
 *
 * <p>Ids are {@code <playbook name>/<scenario name or *>/<n>}: {@code *} for a schedule written at playbook
 * level (the whole playbook runs), {@code n} counting that level's schedules from 1 in the order written,
 * e.g. {@code nightly/cache-a-down/1}. They stay the same across reloads while the playbook and scenario
 * keep their names and the schedules their order; an id is compared whole (a scenario name may hold '/').
 *
 * @param scenario the scenario to run, or null for the whole playbook
 */
public record ScheduleEntry(String id, Path playbookFile, String playbook, String scenario, Schedule schedule) {
    public static final String WHOLE_PLAYBOOK = "*";

    public ScheduleEntry {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(playbookFile, "playbookFile");
        Objects.requireNonNull(playbook, "playbook");
        Objects.requireNonNull(schedule, "schedule");
    }

    /** Every schedule of a loaded playbook, playbook level first, then each scenario's in order. */
    public static List<ScheduleEntry> of(Path playbookFile, Playbook playbook) {
        List<ScheduleEntry> out = new ArrayList<>();
        int n = 0;
        for (Schedule s : playbook.schedules()) {
            out.add(new ScheduleEntry(id(playbook.name(), null, ++n), playbookFile, playbook.name(), null, s));
        }
        for (Scenario sc : playbook.scenarios()) {
            n = 0;
            for (Schedule s : sc.schedules()) {
                out.add(new ScheduleEntry(id(playbook.name(), sc.name(), ++n), playbookFile, playbook.name(), sc.name(), s));
            }
        }
        return out;
    }

    public static String id(String playbook, String scenario, int n) {
        return playbook + "/" + (scenario == null ? WHOLE_PLAYBOOK : scenario) + "/" + n;
    }
}
