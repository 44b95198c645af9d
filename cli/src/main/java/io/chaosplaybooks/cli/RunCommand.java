package io.chaosplaybooks.cli;

import io.chaosplaybooks.dsl.LoadResult;
import io.chaosplaybooks.dsl.plan.Expectation;
import io.chaosplaybooks.dsl.plan.PlanTimeline;
import io.chaosplaybooks.dsl.plan.Playbook;
import io.chaosplaybooks.dsl.plan.Scenario;
import io.chaosplaybooks.dsl.plan.ScenarioSelection;
import io.chaosplaybooks.dsl.plan.Units;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "run", mixinStandardHelpOptions = true,
    description = {
        "Runs a playbook: proxies in front of the servers, load through them, faults phase by phase,",
        "a verdict per scenario. With --dry-run, prints the planned timeline computed from the plan alone.",
    },
    footer = {
        "",
        "Examples:",
        "  chaos run --dry-run playbooks/all.groovy",
        "  chaos run --dry-run --scenario 'packet-loss-*' --tags multi-server playbooks/all.groovy",
    })
final class RunCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin PlaybookFiles files;

    @Parameters(index = "0", paramLabel = "PLAYBOOK", description = "The playbook to run.")
    Path playbook;

    @Option(names = "--dry-run", description = "Print the planned timeline (offsets, phases, faults, expectations) and the total duration; run nothing.")
    boolean dryRun;

    @Option(names = "--scenario", paramLabel = "NAME|GLOB", description = "Run only matching scenarios (repeatable; * and ? as in a shell).")
    List<String> scenarios = new ArrayList<>();

    @Option(names = "--tags", split = ",", paramLabel = "TAG[,TAG...]", description = "Run only scenarios with any of these tags.")
    List<String> tags = new ArrayList<>();

    @Override
    public Integer call() {
        LoadResult r = files.load(playbook);
        if (!r.ok()) {
            PrintWriter err = spec.commandLine().getErr();
            err.print(r.formatProblems());
            err.println(r.problems().size() + (r.problems().size() == 1 ? " problem" : " problems") + "; nothing was run");
            err.flush();
            return ExitCodes.INVALID;
        }
        Playbook pb = r.playbook();
        List<Scenario> selected = new ScenarioSelection(scenarios, tags).apply(pb.scenarios());
        if (selected.isEmpty()) {
            throw new UserFacingException(ExitCodes.INVALID, "no scenario of " + playbook + " matches"
                + (scenarios.isEmpty() ? "" : " --scenario " + String.join(", ", scenarios))
                + (tags.isEmpty() ? "" : " --tags " + String.join(",", tags))
                + "; its scenarios are: " + String.join(", ", pb.scenarios().stream().map(Scenario::name).toList()));
        }
        if (!dryRun) {
            throw new UserFacingException(ExitCodes.RUNTIME_ERROR,
                "running playbooks needs the runtime (fault proxies, load engine), which this build does not have yet; "
                    + "'chaos run --dry-run " + playbook + "' shows the plan");
        }
        printTimeline(pb, selected, spec.commandLine().getOut());
        return ExitCodes.OK;
    }

    static void printTimeline(Playbook pb, List<Scenario> selected, PrintWriter out) {
        PlanTimeline t = PlanTimeline.of(selected);
        out.printf("Dry run of %s: %d of %d scenarios, %d servers, planned duration %s%n%n",
            pb.name(), selected.size(), pb.scenarios().size(), pb.serverCount(), Units.format(t.total()));
        out.printf("%-13s %-36s %-10s %s%n", "offset", "scenario", "phase", "what");
        String last = null;
        for (PlanTimeline.Entry e : t.entries()) {
            String name = e.scenario().equals(last) ? "" : e.scenario();
            last = e.scenario();
            out.printf("%-13s %-36s %-10s %s%s%n", Units.clock(e.offset()), name, "  ".repeat(e.depth()) + e.phase(),
                e.length().isZero() ? "" : Units.format(e.length()) + (e.detail().isEmpty() ? "" : "  "), e.detail());
            if (!name.isEmpty()) {
                Scenario s = selected.stream().filter(x -> x.name().equals(e.scenario())).findFirst().orElseThrow();
                for (Expectation x : s.expectations()) out.printf("%-13s %-36s %-10s %s%n", "", "", "expect", x.describe());
            }
        }
        out.printf("%n%-13s end of run%n", Units.clock(t.total()));
        out.flush();
    }
}
