package io.chaosplaybooks.runtime.report.html;

import io.chaosplaybooks.runtime.events.RunEvent;
import io.chaosplaybooks.runtime.journal.JournalException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static io.chaosplaybooks.runtime.report.html.Svg.esc;

/**
 * A run's report as one self-contained HTML file: the run's header, the verdict table, and per
 * scenario four charts over time (ops/s, error rate, p50/p99, breaker state per server) with the
 * phases shaded and the fault changes marked. Inline CSS and inline SVG drawn here: nothing is
 * fetched when it is viewed, and no script runs.
 */
public final class HtmlReport {
    /** Seconds of context shown before a scenario starts and after it ends. */
    static final double MARGIN_MS = 1000;
    static final String[] PALETTE = {"#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22"};

    private HtmlReport() {}

    /** Reads the journal and writes the report; a journal that is not one is a {@link JournalException} naming the line. */
    public static void write(Path journal, Path html) throws JournalException, IOException {
        // The journal is read as a stream into bounded figures: the page is the same size for a journal of any length.
        String page = render(RunJournal.read(journal), journal.getFileName().toString());
        Path parent = html.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        Files.writeString(html, page, StandardCharsets.UTF_8);
    }

    static String render(RunJournal j, String source) {
        StringBuilder b = new StringBuilder(64 * 1024);
        String title = "chaos run " + text(j.runStart().runId()) + ": " + text(j.runStart().playbook());
        b.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>").append(esc(title)).append("</title>\n")
            .append("<style>\n").append(CSS).append("</style>\n</head>\n<body>\n");
        b.append("<h1>").append(esc(title)).append("</h1>\n");
        header(b, j, source);
        verdicts(b, j);
        notDrawn(b, j);
        for (int i = 0; i < j.scenarios().size(); i++) scenario(b, j, j.scenarios().get(i), i);
        b.append("<footer>Written by <code>chaos report</code> from ").append(esc(source))
            .append(". Times are seconds from the run's start; shaded bands are phases; dashed vertical lines are faults going in (red) and out (green).</footer>\n");
        b.append("</body>\n</html>\n");
        return b.toString();
    }

    private static void header(StringBuilder b, RunJournal j, String source) {
        RunEvent.RunStart s = j.runStart();
        b.append("<table class=\"header\">\n");
        row(b, "run", text(s.runId()));
        row(b, "playbook", text(s.playbook()) + (s.file() != null ? " (" + s.file() + ")" : ""));
        row(b, "started", text(s.wall()));
        RunEvent.RunEnd end = j.runEnd();
        if (end != null) {
            row(b, "duration", String.format(Locale.ROOT, "%.1f s", end.durationMs() / 1000) + (end.interrupted() ? " (interrupted)" : ""));
        } else {
            row(b, "duration", "unknown: the journal has no run-end (the run was cut short)");
        }
        row(b, "fault backend", text(s.backend()));
        row(b, "seed", String.valueOf(s.seed()));
        row(b, "time scale", String.valueOf(s.timeScale()));
        List<String> servers = new ArrayList<>();
        List<String> addresses = s.servers() == null ? List.of() : s.servers();
        for (int i = 0; i < addresses.size(); i++) {
            String proxy = s.proxies() != null && i < s.proxies().size() ? text(s.proxies().get(i)) : "";
            servers.add((i < j.servers().size() ? j.servers().get(i) + " " : "") + addresses.get(i) + (proxy.isEmpty() ? "" : " via proxy " + proxy));
        }
        row(b, "servers", String.join("; ", servers));
        List<String> names = s.scenarios() == null ? List.of() : s.scenarios();
        row(b, "scenarios", names.size() + ": " + String.join(", ", names));
        row(b, "journal", source + " (" + j.seconds() + " seconds of load)");
        b.append("</table>\n");
    }

    private static String text(String s) {
        return s == null ? "" : s;
    }

    static double middleMs(RunEvent.LoadSecond s) {
        return s.startMs() + 500;
    }

    private static void row(StringBuilder b, String name, String value) {
        b.append("<tr><th>").append(esc(name)).append("</th><td>").append(esc(value)).append("</td></tr>\n");
    }

    private static void verdicts(StringBuilder b, RunJournal j) {
        b.append("<h2>Verdicts</h2>\n<table class=\"verdicts\">\n<tr><th>scenario</th><th>status</th><th>expectations</th></tr>\n");
        for (int i = 0; i < j.scenarios().size(); i++) {
            RunJournal.ScenarioRun s = j.scenarios().get(i);
            RunEvent.Verdict v = s.verdict;
            String status = v == null ? "none" : v.status();
            b.append("<tr class=\"verdict\" data-scenario=\"").append(esc(s.name)).append("\"><td><a href=\"#s").append(i).append("\">")
                .append(esc(s.name)).append("</a>").append(v != null && v.iteration() > 1 ? " (iteration " + v.iteration() + ")" : "")
                .append("</td><td class=\"status ").append(esc(status)).append("\">").append(esc(status.toUpperCase(Locale.ROOT))).append("</td><td>");
            if (v == null) {
                b.append("no verdict in the journal (the run stopped before the scenario was judged)");
            } else {
                long held = s.results.stream().filter(RunEvent.ExpectationResult::ok).count();
                b.append(held).append(" of ").append(s.results.size()).append(" held");
                List<RunEvent.ExpectationResult> failed = s.results.stream().filter(x -> !x.ok() && x.judged()).toList();
                List<String> errors = v.errors() == null ? List.of() : v.errors();
                if (!failed.isEmpty() || !errors.isEmpty()) {
                    b.append("<ul>");
                    for (RunEvent.ExpectationResult x : failed) {
                        b.append("<li class=\"failed\"><code>").append(esc(x.expectation())).append("</code>: expected ").append(esc(x.expected()))
                            .append(", measured <b>").append(esc(x.measured())).append("</b>")
                            .append(text(x.position()).isEmpty() ? "" : " <span class=\"pos\">" + esc(x.position()) + "</span>").append("</li>");
                    }
                    for (String e : errors) b.append("<li class=\"").append(e.startsWith("aborted: ") ? "aborted" : "error").append("\">").append(esc(e)).append("</li>");
                    b.append("</ul>");
                }
            }
            b.append("</td></tr>\n");
        }
        b.append("</table>\n");
    }

    /** The runs past the ones drawn, counted per scenario name, so that a journal of any length makes a page of bounded size. */
    private static void notDrawn(StringBuilder b, RunJournal j) {
        RunJournal.NotDrawn n = j.notDrawn();
        if (n.runs() == 0) return;
        b.append("<h2>Scenario runs not drawn</h2>\n<p class=\"not-drawn\">The journal has ").append(n.runs())
            .append(" more scenario runs; the report draws the first ").append(j.scenarios().size()).append(" and counts the others here.</p>\n");
        b.append("<table class=\"not-drawn\">\n<tr><th>scenario</th><th>runs</th><th>pass</th><th>fail</th><th>error</th><th>aborted</th><th>no verdict</th></tr>\n");
        for (Map.Entry<String, RunJournal.Counts> e : n.byName().entrySet()) counts(b, esc(e.getKey()), e.getValue());
        if (n.others().runs > 0) counts(b, "<i>" + esc("scenarios past the first " + RunJournal.NAMES + " names") + "</i>", n.others());
        b.append("</table>\n");
    }

    private static void counts(StringBuilder b, String name, RunJournal.Counts c) {
        long judged = c.pass + c.fail + c.error + c.aborted + c.other;
        b.append("<tr><td>").append(name).append("</td><td>").append(c.runs).append("</td><td class=\"status pass\">").append(c.pass)
            .append("</td><td class=\"status fail\">").append(c.fail).append("</td><td class=\"status error\">").append(c.error)
            .append("</td><td class=\"status aborted\">").append(c.aborted).append("</td><td>").append(Math.max(0, c.runs - judged)).append("</td></tr>\n");
    }

    private static void scenario(StringBuilder b, RunJournal j, RunJournal.ScenarioRun s, int index) {
        double from = Math.max(0, s.startMs - MARGIN_MS);
        double to = s.endMs + MARGIN_MS;
        String status = s.verdict == null ? "none" : s.verdict.status();
        b.append("<section class=\"scenario\" id=\"s").append(index).append("\">\n<h2>").append(esc(s.name))
            .append(" <span class=\"status ").append(esc(status)).append("\">").append(esc(status.toUpperCase(Locale.ROOT))).append("</span></h2>\n");
        b.append("<p class=\"phases\">");
        for (RunJournal.Phase p : s.phases) {
            b.append("<span class=\"chip\" style=\"background:").append(TimeChart.phaseColor(p.name())).append("\">").append(esc(p.label()))
                .append(String.format(Locale.ROOT, " %.1f–%.1f s", p.startMs() / 1000, p.endMs() / 1000)).append("</span> ");
        }
        b.append("</p>\n");
        if (s.leftOut > 0) {
            b.append("<p class=\"left-out\">").append(s.leftOut).append(" more phases, fault changes and expectation results than the report keeps (")
                .append(RunJournal.PER_RUN).append(" of each) are not shown.</p>\n");
        }
        if (s.verdict != null) {
            b.append("<ul class=\"expectations\">");
            for (RunEvent.ExpectationResult x : s.results) {
                if (!x.judged()) {
                    b.append("<li class=\"not-judged\">– <code>").append(esc(x.expectation())).append("</code>: not judged: ").append(esc(x.notJudged())).append("</li>");
                    continue;
                }
                b.append("<li class=\"").append(x.ok() ? "held" : "failed").append("\">").append(x.ok() ? "✓ " : "✗ ").append("<code>").append(esc(x.expectation()))
                    .append("</code>: expected ").append(esc(x.expected())).append(", measured ").append(esc(x.measured())).append("</li>");
            }
            b.append("</ul>\n");
        }

        List<TimeChart.Marker> markers = s.faults;
        Seconds secs = s.seconds;
        List<String> servers = serversOf(j, secs);

        TimeChart ops = new TimeChart("Operations per second", "ops/s", from, to, 240, s.phases, markers);
        ops.add(series("total", "#222222", false, true, secs, Seconds.OPS));
        for (int i = 0; i < servers.size(); i++) {
            ops.add(series(servers.get(i), PALETTE[i % PALETTE.length], false, false, secs, Seconds.OPS + " " + servers.get(i)));
        }
        TimeChart errors = new TimeChart("Error rate", "%", from, to, 220, s.phases, markers);
        errors.add(series("total", "#222222", false, true, secs, Seconds.ERRORS));
        for (int i = 0; i < servers.size(); i++) {
            errors.add(series(servers.get(i), PALETTE[i % PALETTE.length], false, false, secs, Seconds.ERRORS + " " + servers.get(i)));
        }
        TimeChart latency = new TimeChart("Latency p50 / p99", "ms", from, to, 240, s.phases, markers);
        latency.add(series("p50", "#555555", false, true, secs, Seconds.P50));
        latency.add(series("p99", "#222222", true, true, secs, Seconds.P99));
        for (int i = 0; i < servers.size(); i++) {
            latency.add(series("p99 " + servers.get(i), PALETTE[i % PALETTE.length], false, false, secs, Seconds.P99 + " " + servers.get(i)));
        }
        TimeChart breakers = new TimeChart("Circuit breaker state per server", "", from, to, 40 + Math.max(1, servers.size()) * 30 + 34, s.phases, markers);
        for (String name : servers) breakers.add(breakerLane(s, name, from, to));

        b.append("<div class=\"charts\">\n").append(ops.render()).append(errors.render()).append(latency.render()).append(breakers.render()).append("</div>\n");
        b.append("</section>\n");
    }

    private static TimeChart.Series series(String name, String color, boolean dashed, boolean thick, Seconds secs, String figure) {
        double[][] points = secs.points(figure);
        return new TimeChart.Series(name, color, dashed, thick, points[0], points[1]);
    }

    /** The servers in the run's order: those the run named, then any the seconds show. */
    private static List<String> serversOf(RunJournal j, Seconds secs) {
        Map<String, Boolean> all = new LinkedHashMap<>();
        for (String k : secs.servers) all.put(k, true);
        for (String k : j.servers()) all.put(k, true);
        List<String> list = new ArrayList<>(all.keySet());
        list.sort(String::compareTo);
        return list.size() > RunJournal.SERVERS ? list.subList(0, RunJournal.SERVERS) : list;
    }

    /**
     * A server's breaker states over [from, to]: from its transitions (exact to the millisecond), starting
     * in the state its last transition before {@code from} left it in (closed if none).
     */
    static TimeChart.Lane breakerLane(RunJournal.ScenarioRun s, String server, double from, double to) {
        String before = s.breakersBefore.get(server);
        String state = before == null ? "closed" : RunJournal.state(before);
        List<double[]> spans = new ArrayList<>();
        List<String> states = new ArrayList<>();
        double at = from;
        for (RunEvent.BreakerChange c : s.breakers) {
            if (!c.server().equals(server)) continue;
            if (c.actualMs() <= from) {
                state = RunJournal.state(c.to());
                continue;
            }
            if (c.actualMs() >= to) break;
            spans.add(new double[] {at, c.actualMs()});
            states.add(state);
            at = c.actualMs();
            state = RunJournal.state(c.to());
        }
        spans.add(new double[] {at, to});
        states.add(state);
        return new TimeChart.Lane(server, spans, states);
    }

    static final String CSS = """
        body { font-family: "DejaVu Sans", Helvetica, Arial, sans-serif; margin: 24px; color: #222; background: #fff; }
        h1 { font-size: 22px; margin: 0 0 12px; }
        h2 { font-size: 18px; margin: 28px 0 8px; }
        table { border-collapse: collapse; font-size: 13px; }
        th, td { text-align: left; vertical-align: top; padding: 4px 10px; border-bottom: 1px solid #e2e2e2; }
        table.header th { color: #555; font-weight: normal; }
        table.verdicts th { background: #f3f3f3; }
        .status { font-weight: bold; }
        .status.pass { color: #1e7a34; }
        .status.fail { color: #b3261e; }
        .status.error { color: #8a4b00; }
        .status.aborted { color: #6a1b9a; }
        li.aborted { color: #6a1b9a; }
        .status.none { color: #777; }
        li.failed, li.error { color: #b3261e; }
        li.held { color: #1e7a34; }
        .pos { color: #777; font-size: 12px; }
        ul { margin: 4px 0; padding-left: 20px; font-size: 13px; }
        code { font-family: "DejaVu Sans Mono", monospace; font-size: 12px; }
        .chip { display: inline-block; padding: 2px 8px; margin: 2px; border-radius: 3px; font-size: 12px; }
        .charts svg { display: block; margin: 6px 0 14px; }
        section.scenario { border-top: 2px solid #ddd; margin-top: 24px; }
        footer { margin-top: 32px; color: #777; font-size: 12px; }
        """;
}
