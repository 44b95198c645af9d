package io.chaosplaybooks.runtime.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chaosplaybooks.runtime.events.RunEvent;
import io.chaosplaybooks.runtime.journal.Journal;
import io.chaosplaybooks.runtime.report.html.HtmlReport;
import io.chaosplaybooks.runtime.verdict.ScenarioVerdict;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

import javax.xml.parsers.DocumentBuilderFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** An aborted scenario in JUnit XML, the JSON summary and the HTML report: apart from FAIL and ERROR, with its reason. */
class AbortedReportsTest {
    static final String REASON = "aborted: abortWhen errorRate > 50%: measured 80.00% in the second to 5.0 s after the faults went on (p.groovy:6:5)";

    static RunSummary summary() {
        Map<String, Object> figures = Map.of("operations", 1);
        var failed = new ScenarioVerdict.Result("errorRate < 1% during inject", false, "< 1.00%", "9.00%", "p.groovy:4:5");
        return new RunSummary("p", "chaos-1", "embedded", 1, 1.0, List.of(
            new RunSummary.ScenarioSummary(new ScenarioVerdict("stopped", ScenarioVerdict.Status.ABORTED, List.of(), List.of(REASON)), 1, figures),
            new RunSummary.ScenarioSummary(new ScenarioVerdict("bad", ScenarioVerdict.Status.FAIL, List.of(failed), List.of()), 1, figures),
            new RunSummary.ScenarioSummary(new ScenarioVerdict("broken", ScenarioVerdict.Status.ERROR, List.of(), List.of("server gone")), 1, figures)),
            3);
    }

    @Test
    void junitHasAnAbortedFailureApartFromTheOthers(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("junit.xml");
        JUnitReport.write(summary(), file);
        Document x = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(file.toFile());
        assertEquals("2", x.getDocumentElement().getAttribute("failures"), "aborted counts as a failure for CI");
        assertEquals("1", x.getDocumentElement().getAttribute("errors"));
        Element aborted = (Element) x.getElementsByTagName("failure").item(0);
        assertEquals("aborted", aborted.getAttribute("type"));
        assertTrue(aborted.getAttribute("message").startsWith("ABORTED: abortWhen errorRate > 50%"), aborted.getAttribute("message"));
        assertEquals("expectation", ((Element) x.getElementsByTagName("failure").item(1)).getAttribute("type"));
        assertTrue(Files.readString(file).contains("<property name=\"aborted\" value=\"1\"/>"));
    }

    @Test
    void theJsonSummaryCountsThem() throws Exception {
        JsonNode j = new ObjectMapper().readTree(JsonReport.toJson(summary()));
        assertEquals(1, j.get("aborted").asInt());
        assertEquals("ABORTED", j.get("scenarios").get(0).get("verdict").get("status").asText());
        assertFalse(summary().passed());
    }

    @Test
    void theHtmlReportShowsTheStatusAndTheReason(@TempDir Path dir) throws Exception {
        Path journal = dir.resolve("run.jsonl");
        try (Journal j = new Journal(journal)) {
            j.on(new RunEvent.RunStart(RunEvent.SCHEMA, "chaos-1", "2026-12-02T00:00:00Z", "p", "p.groovy", "sha256:0", "embedded", 1, 1.0,
                List.of("server-1"), List.of("127.0.0.1:1"), List.of("127.0.0.1:2"), "STAND_IN", List.of("stopped")));
            j.on(new RunEvent.ScenarioStart("stopped", 0, 0.1));
            j.on(new RunEvent.ScenarioAborted("stopped", "abortWhen", "errorRate > 50%", "measured 80.00%", "p.groovy:6:5", 5000, 5100, 5150.0));
            j.on(new RunEvent.ScenarioEnd("stopped", 10000, 5200));
            j.on(new RunEvent.Verdict("stopped", 1, "aborted", List.of(REASON), Map.of("operations", 1)));
            j.on(new RunEvent.RunEnd(false, 6000));
        }
        Path html = dir.resolve("r.html");
        HtmlReport.write(journal, html);
        String page = Files.readString(html);
        assertTrue(page.contains("class=\"status aborted\">ABORTED<"), "the status in its own class");
        assertTrue(page.contains("<li class=\"aborted\">aborted: abortWhen errorRate &gt; 50%"), "the reason");
    }
}
