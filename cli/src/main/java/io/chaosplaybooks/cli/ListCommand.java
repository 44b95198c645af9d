package io.chaosplaybooks.cli;

import io.chaosplaybooks.dsl.LoadResult;
import io.chaosplaybooks.dsl.Problem;
import io.chaosplaybooks.dsl.ProblemFormatter;
import io.chaosplaybooks.dsl.plan.Expectation;
import io.chaosplaybooks.dsl.plan.PlanTimeline;
import io.chaosplaybooks.dsl.plan.Playbook;
import io.chaosplaybooks.dsl.plan.Scenario;
import io.chaosplaybooks.dsl.plan.Step;
import io.chaosplaybooks.dsl.plan.Units;
import io.chaosplaybooks.runtime.schedule.ScheduleEntry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

@Command(name = "list", mixinStandardHelpOptions = true,
    description = "Lists the scenarios of playbooks: description, tags, phases, planned duration, and schedules with their next three fire times.",
    footer = {
        "",
        "Examples:",
        "  chaos list playbooks/all.groovy",
        "  chaos list --format json playbooks/smoke.groovy",
    })
final class ListCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin PlaybookFiles files;
    @Mixin PlaybookPaths args;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        var loader = files.loader();
        List<Map<String, Object>> json = new ArrayList<>();
        PrintWriter err = spec.commandLine().getErr();
        List<Path> all = args.files();
        int problems = 0, badFiles = 0;
        for (Path f : all) {
            LoadResult r = loader.load(f);
            if (!r.ok()) {
                // The same positioned problems as validate prints, on standard error: standard output stays the listing.
                for (Problem p : r.problems()) err.println(ProblemFormatter.format(p, r.sources()));
                problems += r.problems().size();
                badFiles++;
                continue;
            }
            var pb = r.playbook();
            if (args.format == OutputFormat.text) {
                out.printf("%s  (%s, %d servers, %d scenarios, %s)%n", pb.name(), f, pb.serverCount(), pb.scenarios().size(),
                    Units.format(PlanTimeline.of(pb).total()));
                if (pb.description() != null) out.println("  " + pb.description());
                printSchedules(f, pb, null, "  ", out);
                out.println();
            }
            for (Scenario s : pb.scenarios()) {
                Duration d = PlanTimeline.duration(s);
                if (args.format == OutputFormat.text) {
                    out.printf("  %-40s %10s   %s%n", s.name(), Units.format(d), String.join(", ", s.tags()));
                    if (s.description() != null) out.println("      " + s.description());
                    out.println("      phases: " + phases(s.steps()));
                    for (Expectation e : s.expectations()) out.println("      expect " + e.describe());
                    printSchedules(f, pb, s.name(), "      ", out);
                } else {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("file", f.toString());
                    m.put("playbook", pb.name());
                    m.put("name", s.name());
                    m.put("description", s.description());
                    m.put("tags", s.tags());
                    m.put("phases", s.steps().stream().map(Step::word).toList());
                    m.put("durationSeconds", d.toMillis() / 1000.0);
                    m.put("expectations", s.expectations().stream().map(Expectation::describe).toList());
                    m.put("position", s.pos().toString());
                    addSchedules(f, pb, s.name(), m);
                    json.add(m);
                }
            }
            if (args.format == OutputFormat.text) out.println();
        }
        if (args.format == OutputFormat.json) out.println(Json.write(json));
        out.flush();
        if (problems > 0) {
            err.println(problems + (problems == 1 ? " problem" : " problems") + " in " + badFiles + " of " + all.size()
                + (all.size() == 1 ? " file" : " files"));
        }
        err.flush();
        return problems > 0 ? ExitCodes.INVALID : ExitCodes.OK;
    }

    /** The playbook's own schedules (scenario null) or one scenario's, with their next fire times. */
    private static void printSchedules(Path f, Playbook pb, String scenario, String indent, PrintWriter out) {
        Instant now = Instant.now();
        for (ScheduleEntry e : ScheduleEntry.of(f, pb)) {
            if (java.util.Objects.equals(e.scenario(), scenario)) ScheduleDisplay.print(e, indent, out, now);
        }
    }

    private static void addSchedules(Path f, Playbook pb, String scenario, Map<String, Object> row) {
        Instant now = Instant.now();
        List<ScheduleEntry> all = ScheduleEntry.of(f, pb);
        row.put("schedules", all.stream().filter(e -> scenario.equals(e.scenario())).map(e -> ScheduleDisplay.json(e, now)).toList());
        row.put("playbookSchedules", all.stream().filter(e -> e.scenario() == null).map(e -> ScheduleDisplay.json(e, now)).toList());
    }

    static String phases(List<Step> steps) {
        return steps.stream().map(st -> switch (st) {
            case Step.Stabilize s -> "stabilize " + Units.format(s.duration());
            case Step.Recover r -> "recover " + Units.format(r.duration());
            case Step.Wait w -> "wait " + Units.format(w.duration());
            case Step.Heal h -> h.target() == null ? "heal" : "heal " + h.target().describe();
            case Step.Inject i -> "inject " + i.faults().stream().map(f -> f.type().word()).collect(Collectors.joining("+"))
                + " on " + i.target().describe() + (i.duration() == null ? "" : " for " + Units.format(i.duration()));
            case Step.Parallel p -> "parallel { " + phases(p.steps()) + " }";
            case Step.Repeat r -> "repeat(" + r.times() + ") { " + phases(r.steps()) + " }";
            case Step.Named n -> "step \"" + n.name() + "\" { " + phases(n.steps()) + " }";
        }).collect(Collectors.joining(", "));
    }
}
