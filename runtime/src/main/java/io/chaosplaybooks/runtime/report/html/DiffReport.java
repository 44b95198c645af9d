package io.chaosplaybooks.runtime.report.html;

import io.chaosplaybooks.runtime.diff.RunComparison;
import io.chaosplaybooks.runtime.diff.RunFigures;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static io.chaosplaybooks.runtime.report.html.Svg.esc;

/**
 * {@code chaos diff -o}: one self-contained page, in the report's style: per scenario both runs' ops/s,
 * error rate and p99 on the same axes (time from the scenario's start; the base run grey, the new run
 * blue; phases of the base run shaded), then the table of changes with regressions in red.
 */
public final class DiffReport {
    private DiffReport() {}

    private static final String BASE_COLOR = "#9a9a9a";
    private static final String NEW_COLOR = "#1f5fbf";

    public static void write(RunComparison c, Path html) throws IOException {
        Path parent = html.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        Files.writeString(html, render(c), StandardCharsets.UTF_8);
    }

    static String render(RunComparison c) {
        StringBuilder b = new StringBuilder(64 * 1024);
        String title = "chaos diff: " + c.base().start().runId() + " vs " + c.next().start().runId();
        b.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>").append(esc(title)).append("</title>\n")
            .append("<style>\n").append(HtmlReport.CSS).append(CSS).append("</style>\n</head>\n<body>\n");
        b.append("<h1>").append(esc(title)).append("</h1>\n<table class=\"header\">\n");
        b.append("<tr><th>base</th><td><span class=\"chip\" style=\"background:").append(BASE_COLOR).append(";color:#fff\">base</span> ")
            .append(esc(c.base().file().toString())).append(" (").append(esc(c.base().start().playbook())).append(")</td></tr>\n");
        b.append("<tr><th>new</th><td><span class=\"chip\" style=\"background:").append(NEW_COLOR).append(";color:#fff\">new</span> ")
            .append(esc(c.next().file().toString())).append(" (").append(esc(c.next().start().playbook())).append(")</td></tr>\n");
        b.append("<tr><th>result</th><td>").append(c.count(RunComparison.Flag.REGRESSION)).append(" regressions, ")
            .append(c.count(RunComparison.Flag.IMPROVEMENT)).append(" improvements</td></tr>\n</table>\n");
        for (String u : c.unfair()) b.append("<p class=\"unfair\">Not comparable: ").append(esc(u)).append("</p>\n");
        for (String n : c.onlyInBase()) b.append("<p>Only in base: <code>").append(esc(n)).append("</code></p>\n");
        for (String n : c.onlyInNew()) b.append("<p>Only in new: <code>").append(esc(n)).append("</code></p>\n");
        for (RunComparison.ScenarioDiff s : c.scenarios()) scenario(b, c, s);
        b.append("<footer>Written by <code>chaos diff</code>. Times are seconds from each scenario's start; shaded bands are the base run's phases.</footer>\n");
        b.append("</body>\n</html>\n");
        return b.toString();
    }

    private static void scenario(StringBuilder b, RunComparison c, RunComparison.ScenarioDiff s) {
        RunFigures.Scenario base = find(c.base(), s.name());
        RunFigures.Scenario next = find(c.next(), s.name());
        b.append("<section class=\"scenario").append(s.regressed() ? " regressed" : "").append("\">\n<h2>").append(esc(s.name()))
            .append(s.regressed() ? " <span class=\"flag regression\">regression</span>" : "").append("</h2>\n<div class=\"charts\">\n");
        double to = Math.max(base.lengthMs(), next.lengthMs());
        List<RunJournal.Phase> phases = base.phases().stream().filter(p -> !p.label().equals("scenario"))
            .map(p -> new RunJournal.Phase(p.label().replaceAll("#\\d+$", ""), null, p.fromMs(), p.toMs())).toList();
        chart(b, "ops/s", "", to, phases, base, next, RunFigures.Second::opsPerSecond);
        chart(b, "error rate", "%", to, phases, base, next, x -> x.errorRate() * 100);
        chart(b, "p99", "ms", to, phases, base, next, RunFigures.Second::p99Ms);
        b.append("</div>\n<table class=\"changes\">\n<tr><th>phase</th><th>figure</th><th>base</th><th>new</th><th>change</th><th></th></tr>\n");
        for (RunComparison.Change ch : s.changes()) {
            String cls = ch.flag() == RunComparison.Flag.NONE ? "" : " class=\"" + ch.flag().name().toLowerCase() + "\"";
            b.append("<tr").append(cls).append("><td>").append(esc(ch.phase())).append("</td><td>").append(esc(ch.metric())).append("</td><td>")
                .append(esc(ch.baseText())).append("</td><td>").append(esc(ch.nextText())).append("</td><td>").append(esc(ch.change()))
                .append("</td><td>").append(ch.flag() == RunComparison.Flag.NONE ? "" : ch.flag().name().toLowerCase()).append("</td></tr>\n");
        }
        b.append("</table>\n</section>\n");
    }

    private static void chart(StringBuilder b, String title, String unit, double toMs, List<RunJournal.Phase> phases, RunFigures.Scenario base,
                              RunFigures.Scenario next, java.util.function.ToDoubleFunction<RunFigures.Second> value) {
        TimeChart chart = new TimeChart(title, unit, 0, toMs, 180, phases, List.of());
        chart.add(series("base", BASE_COLOR, base, value));
        chart.add(series("new", NEW_COLOR, next, value));
        b.append(chart.render());
    }

    private static TimeChart.Series series(String name, String color, RunFigures.Scenario s, java.util.function.ToDoubleFunction<RunFigures.Second> value) {
        double[] xs = new double[s.seconds().size()], ys = new double[s.seconds().size()];
        for (int i = 0; i < xs.length; i++) {
            RunFigures.Second x = s.seconds().get(i);
            xs[i] = x.atMs() + 500;
            ys[i] = value.applyAsDouble(x);
        }
        return new TimeChart.Series(name, color, false, name.equals("new"), xs, ys);
    }

    private static RunFigures.Scenario find(RunFigures r, String name) {
        return r.scenarios().stream().filter(x -> x.name().equals(name)).findFirst().orElseThrow();
    }

    static final String CSS = """
        p.unfair { color: #8a4b00; font-weight: bold; }
        section.regressed h2 { color: #b3261e; }
        .flag.regression { font-size: 12px; background: #b3261e; color: #fff; padding: 2px 6px; border-radius: 3px; }
        table.changes tr.regression td { background: #fbdcdc; color: #b3261e; font-weight: bold; }
        table.changes tr.improvement td { background: #dcf3df; color: #1e7a34; }
        """;
}
