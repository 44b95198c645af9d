package io.chaosplaybooks.runtime.report;

import io.chaosplaybooks.runtime.verdict.ScenarioVerdict;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** JUnit XML: one testcase per scenario, failures with expected vs measured, errors with their cause. */
public final class JUnitReport {
    private JUnitReport() {}

    public static void write(RunSummary run, Path file) throws IOException {
        StringBuilder x = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        x.append(String.format(Locale.ROOT, "<testsuite name=\"%s\" tests=\"%d\" failures=\"%d\" errors=\"%d\" skipped=\"%d\" time=\"%.3f\">%n",
            esc("chaos." + run.playbook()), run.scenarios().size(), run.count(ScenarioVerdict.Status.FAIL) + run.aborted(),
            run.count(ScenarioVerdict.Status.ERROR), run.count(ScenarioVerdict.Status.NOT_JUDGED), run.durationSeconds()));
        x.append("  <properties>\n");
        x.append("    <property name=\"runId\" value=\"").append(esc(run.runId())).append("\"/>\n");
        x.append("    <property name=\"backend\" value=\"").append(esc(run.backend())).append("\"/>\n");
        x.append("    <property name=\"seed\" value=\"").append(run.seed()).append("\"/>\n");
        x.append("    <property name=\"timeScale\" value=\"").append(run.timeScale()).append("\"/>\n");
        // Aborted scenarios count as failures for CI; their <failure type="aborted"> tells them apart.
        x.append("    <property name=\"aborted\" value=\"").append(run.aborted()).append("\"/>\n");
        x.append("  </properties>\n");
        for (RunSummary.ScenarioSummary s : run.scenarios()) {
            ScenarioVerdict v = s.verdict();
            x.append(String.format(Locale.ROOT, "  <testcase classname=\"%s\" name=\"%s\" time=\"%.3f\"",
                esc("chaos." + run.playbook()), esc(v.scenario()), s.durationSeconds()));
            if (v.status() == ScenarioVerdict.Status.PASS && v.notJudged().isEmpty()) {
                x.append("/>\n");
                continue;
            }
            x.append(">\n");
            if (v.status() == ScenarioVerdict.Status.PASS) {
                // Passed on what could be judged: the case ran and passed, so the rest goes to its output, not to <skipped>.
                x.append("    <system-out>").append(esc(notJudgedLines(v))).append("</system-out>\n");
            } else if (v.status() == ScenarioVerdict.Status.NOT_JUDGED) {
                x.append("    <skipped message=\"").append(esc("not judged: " + v.notJudged().get(0).measured()
                    + (v.scaleToJudge() == null ? "" : "; --time-scale " + v.scaleToJudge() + " judges them"))).append("\">")
                    .append(esc(notJudgedLines(v))).append("</skipped>\n");
            } else if (v.status() == ScenarioVerdict.Status.ABORTED) {
                x.append("    <failure message=\"").append(esc("ABORTED: " + v.errors().get(0).replaceFirst("^aborted: ", "")))
                    .append("\" type=\"aborted\">").append(esc(String.join("\n", v.errors()))).append("</failure>\n");
            } else if (v.status() == ScenarioVerdict.Status.ERROR) {
                x.append("    <error message=\"").append(esc(String.join("; ", v.errors()))).append("\" type=\"error\">")
                    .append(esc(String.join("\n", v.errors()))).append("</error>\n");
            } else {
                StringBuilder detail = new StringBuilder();
                for (ScenarioVerdict.Result r : v.failures()) {
                    detail.append(r.position()).append(": expect ").append(r.expectation()).append(": expected ")
                        .append(r.expected()).append(", measured ").append(r.measured()).append('\n');
                }
                String first = v.failures().isEmpty() ? "failed" : "expect " + v.failures().get(0).expectation()
                    + ": measured " + v.failures().get(0).measured();
                x.append("    <failure message=\"").append(esc(first)).append("\" type=\"expectation\">")
                    .append(esc(detail.toString())).append("</failure>\n");
            }
            x.append("  </testcase>\n");
        }
        x.append("</testsuite>\n");
        Files.writeString(file, x.toString(), StandardCharsets.UTF_8);
    }

    private static String notJudgedLines(ScenarioVerdict v) {
        StringBuilder b = new StringBuilder();
        for (ScenarioVerdict.Result r : v.notJudged()) {
            b.append(r.position()).append(": expect ").append(r.expectation()).append(": not judged: ").append(r.measured()).append('\n');
        }
        return b.toString();
    }

    static String esc(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\n' -> b.append("&#10;");
                default -> {
                    if (c < 0x20 && c != '\t') b.append(' ');
                    else b.append(c);
                }
            }
        }
        return b.toString();
    }
}
