package io.chaosplaybooks.cli;

import io.chaosplaybooks.dsl.LoadResult;
import io.chaosplaybooks.dsl.Problem;
import io.chaosplaybooks.dsl.ProblemFormatter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "validate", mixinStandardHelpOptions = true,
    description = {
        "Checks playbooks without running them.",
        "",
        "Reports every problem in every file, each as file:line:col: message with the source line and",
        "a caret. Starts no server, proxy or load.",
    },
    footer = {
        "",
        "Examples:",
        "  chaos validate playbooks stdlib-scenarios",
        "  chaos validate --format json my-playbook.groovy",
        "",
        "Exit codes: 0 all valid, 2 problems found (or a path that does not exist).",
    })
final class ValidateCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin PlaybookFiles files;
    @Mixin PlaybookPaths args;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        List<Path> all = args.files();
        LoadResult[] results = loadAll(all);
        int problems = 0, badFiles = 0, scenarios = 0;
        List<Map<String, Object>> report = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            Path f = all.get(i);
            LoadResult r = results[i];
            problems += r.problems().size();
            if (!r.problems().isEmpty()) badFiles++;
            int n = r.playbook() == null ? 0 : r.playbook().scenarios().size();
            scenarios += n;
            if (args.format == OutputFormat.text) {
                for (Problem p : r.problems()) out.println(ProblemFormatter.format(p, r.sources()));
            } else {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("file", f.toString());
                m.put("ok", r.ok());
                m.put("scenarios", n);
                m.put("problems", r.problems().stream().map(p -> Map.of(
                    "file", p.pos().file(), "line", p.pos().line(), "column", p.pos().column(), "message", p.message())).toList());
                report.add(m);
            }
        }
        if (args.format == OutputFormat.json) {
            out.println(Json.write(Map.of("files", report, "problems", problems, "ok", problems == 0)));
        } else if (problems == 0) {
            out.println(all.size() + (all.size() == 1 ? " file" : " files") + " valid, " + scenarios + (scenarios == 1 ? " scenario" : " scenarios"));
        } else {
            out.println(problems + (problems == 1 ? " problem" : " problems") + " in " + badFiles + " of " + all.size()
                + (all.size() == 1 ? " file" : " files"));
        }
        out.flush();
        return problems == 0 ? ExitCodes.OK : ExitCodes.INVALID;
    }

    /**
     * Every file's result, in order. Files are independent (each has its own loader and evaluation), so with
     * several files a second thread takes every other one: the machine's second processor shares the work.
     */
    private LoadResult[] loadAll(List<Path> all) {
        LoadResult[] results = new LoadResult[all.size()];
        java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
        Runnable worker = () -> {
            var loader = files.loader();
            for (int i = next.getAndIncrement(); i < all.size(); i = next.getAndIncrement()) results[i] = loader.load(all.get(i));
        };
        Thread helper = null;
        if (all.size() > 1 && Runtime.getRuntime().availableProcessors() > 1) {
            helper = Thread.ofPlatform().daemon().name("chaos-validate").start(worker);
        }
        worker.run();
        if (helper != null) {
            try {
                helper.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new Interruptible.Stopped("an interrupt");
            }
        }
        return results;
    }
}
