package io.chaosplaybooks.dsl;

import io.chaosplaybooks.dsl.plan.Expectation;
import io.chaosplaybooks.dsl.plan.Playbook;
import io.chaosplaybooks.dsl.plan.Scenario;
import io.chaosplaybooks.dsl.plan.Schedule;
import io.chaosplaybooks.dsl.plan.ServerSpec;
import io.chaosplaybooks.dsl.plan.SourcePos;
import io.chaosplaybooks.dsl.plan.Step;
import io.chaosplaybooks.dsl.plan.Target;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Checks that need the whole playbook: targets against the servers it has, expectations against
 * the phases a scenario has, scenarios that do nothing, a schedule given twice at one level. Checks of single values happen where
 * the value is written.
 */
final class PlanValidator {
    private PlanValidator() {}

    /**
     * {@code blocksWithProblems}: positions of scenarios and blocks whose evaluation already reported a
     * problem; they are not also reported as empty (their steps were the ones in error).
     */
    static List<Problem> validate(Playbook playbook, Set<SourcePos> blocksWithProblems) {
        List<Problem> problems = new ArrayList<>();
        int servers = playbook.serverCount();
        Set<String> names = playbook.servers().stream().map(ServerSpec::name).collect(Collectors.toSet());
        checkSchedules(playbook.schedules(), "the playbook", problems);
        for (Scenario s : playbook.scenarios()) {
            checkSchedules(s.schedules(), "scenario '" + s.name() + "'", problems);
            if (s.steps().isEmpty() && !blocksWithProblems.contains(s.pos())) {
                problems.add(new Problem(s.pos(), "scenario '" + s.name() + "' has no steps; add e.g. stabilize 30.s"));
            }
            Set<String> words = new HashSet<>();
            collectSteps(s.steps(), words, servers, names, blocksWithProblems, problems);
            for (Expectation e : s.expectations()) {
                if (e instanceof Expectation.Breaker b) checkTarget(b.target(), servers, names, problems);
                if (e instanceof Expectation.RecoveredWithin r) {
                    if (!words.contains("recover")) {
                        problems.add(new Problem(r.pos(), "recoveredWithin needs a recover phase in scenario '" + s.name() + "'"));
                    }
                    if (!words.contains("stabilize")) {
                        problems.add(new Problem(r.pos(), "recoveredWithin compares with the stabilize baseline; scenario '" + s.name() + "' has no stabilize phase"));
                    }
                }
                // A phase named in `during` that the scenario lacks is reported by ScenarioContext, at the `during`.
            }
        }
        problems.addAll(serverProblems(playbook));
        problems.addAll(builtInLoadProblems(playbook));
        return problems;
    }

    /**
     * Servers that would meet on one host: two proxies on the same Toxiproxy (or both on the run's default one)
     * listening on the same port where one listens on every address or both on the same; one existing proxy used twice.
     */
    static List<Problem> serverProblems(Playbook playbook) {
        List<Problem> problems = new ArrayList<>();
        List<ServerSpec> seen = new ArrayList<>();
        for (ServerSpec s : playbook.servers()) {
            for (ServerSpec before : seen) {
                if (!java.util.Objects.equals(s.toxiproxy(), before.toxiproxy())) continue;
                if (s.listen() != null && before.listen() != null && sameListen(s.listen(), before.listen())) {
                    problems.add(new Problem(s.pos(), "server '" + s.name() + "' listens on " + s.listen() + ", as server '"
                        + before.name() + "' (" + before.pos() + ") does on " + before.listen() + ": give each proxy its own port"));
                }
                if (s.proxy() != null && s.proxy().equals(before.proxy())) {
                    problems.add(new Problem(s.pos(), "server '" + s.name() + "' uses proxy '" + s.proxy() + "', as server '"
                        + before.name() + "' (" + before.pos() + ") does: one proxy per server"));
                }
            }
            seen.add(s);
        }
        return problems;
    }

    private static boolean sameListen(String a, String b) {
        int ca = a.lastIndexOf(':'), cb = b.lastIndexOf(':');
        if (!a.substring(ca + 1).equals(b.substring(cb + 1))) return false;
        String ha = a.substring(0, ca), hb = b.substring(0, cb);
        return ha.equalsIgnoreCase(hb) || wildcard(ha) || wildcard(hb);
    }

    private static boolean wildcard(String host) {
        return host.equals("0.0.0.0") || host.equals("[::]") || host.equals("::") || host.isEmpty();
    }

    /**
     * Without the built-in load (load none, or only user-facing servers and no load block), expectations on its
     * figures have nothing to judge: errorRate, throughput, the percentiles, breakers and recoveredWithin.
     */
    static List<Problem> builtInLoadProblems(Playbook playbook) {
        if (playbook.builtInLoad()) return List.of();
        String why = playbook.loadPos() != null
            ? "this playbook runs no built-in load (load none at " + playbook.loadPos() + ")"
            : "this playbook runs no built-in load (its servers all face your application, with listen: or proxy:, "
                + "and it has no load block; add load { } to drive the built-in load too)";
        List<Problem> problems = new ArrayList<>();
        for (Scenario s : playbook.scenarios()) {
            for (Expectation e : s.expectations()) {
                if (e instanceof Expectation.MetricBound || e instanceof Expectation.Breaker || e instanceof Expectation.RecoveredWithin) {
                    problems.add(new Problem(e.pos(), "expect " + e.describe() + " judges the built-in load's figures, but " + why));
                }
            }
        }
        return problems;
    }

    /** The same times twice at one level would start the same run twice at each of them. */
    private static void checkSchedules(List<Schedule> schedules, String where, List<Problem> problems) {
        java.util.Map<String, Schedule> seen = new java.util.HashMap<>();
        for (Schedule s : schedules) {
            Schedule first = seen.putIfAbsent(s.key(), s);
            if (first != null) {
                problems.add(new Problem(s.pos(), "the same schedule (" + s.text() + ") is given twice in " + where + "; first at " + first.pos()));
            }
        }
    }

    private static void collectSteps(List<Step> steps, Set<String> words, int servers, Set<String> names,
                                     Set<SourcePos> quiet, List<Problem> problems) {
        for (Step st : steps) {
            words.add(st.word());
            switch (st) {
                case Step.Inject i -> checkTarget(i.target(), servers, names, problems);
                case Step.Heal h -> { if (h.target() != null) checkTarget(h.target(), servers, names, problems); }
                case Step.Parallel p -> {
                    if (p.steps().isEmpty() && !quiet.contains(p.pos())) problems.add(new Problem(p.pos(), "parallel { } is empty"));
                    collectSteps(p.steps(), words, servers, names, quiet, problems);
                }
                case Step.Repeat r -> {
                    if (r.steps().isEmpty() && !quiet.contains(r.pos())) problems.add(new Problem(r.pos(), "repeat { } is empty"));
                    collectSteps(r.steps(), words, servers, names, quiet, problems);
                }
                case Step.Named n -> {
                    if (n.steps().isEmpty() && !quiet.contains(n.pos())) problems.add(new Problem(n.pos(), "step '" + n.name() + "' is empty"));
                    if (n.name() != null) words.add(n.name());
                    collectSteps(n.steps(), words, servers, names, quiet, problems);
                }
                default -> { }
            }
        }
    }

    private static void checkTarget(Target t, int servers, Set<String> names, List<Problem> problems) {
        switch (t.kind()) {
            case INDEXES -> t.indexes().stream().filter(i -> i > servers).findFirst().ifPresent(i ->
                problems.add(new Problem(t.pos(), "server(" + i + ") does not exist: this playbook has "
                    + servers + (servers == 1 ? " server" : " servers") + " (numbered 1 to " + servers + ")")));
            case NAMES -> t.names().stream().filter(n -> !names.contains(n)).forEach(n ->
                problems.add(new Problem(t.pos(), "no server is named '" + n + "'; servers are: "
                    + String.join(", ", names.stream().sorted().toList()))));
            case RANDOM -> {
                if (t.count() > servers) {
                    problems.add(new Problem(t.pos(), "randomServers(" + t.count() + ") asks for more servers than the "
                        + servers + " this playbook has"));
                }
            }
            case ALL -> { }
        }
    }
}
