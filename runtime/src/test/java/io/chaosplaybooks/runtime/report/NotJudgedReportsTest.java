package io.chaosplaybooks.runtime.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chaosplaybooks.runtime.events.RunEvent;
import io.chaosplaybooks.runtime.journal.Journal;
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

/** Expectations not judged at a time scale, as the journal, JUnit XML and the JSON summary carry them. */
class NotJudgedReportsTest {
    static final String WHY = "the inject phase lasts 250 ms at --time-scale 0.05, shorter than the 1 s the load is measured in";

    static RunSummary summary() {
        var held = new ScenarioVerdict.Result("errorRate < 1% during stabilize", true, "< 1.00%", "0.10%", "p.groovy:3:5");
        var failed = new ScenarioVerdict.Result("errorRate < 1% during inject", false, "< 1.00%", "9.00%", "p.groovy:4:5");
        var not = ScenarioVerdict.Result.notJudged("breaker(server(1)).opened during inject", "opened", WHY, "p.groovy:5:5");
        Map<String, Object> figures = Map.of("operations", 1);
        return new RunSummary("p", "chaos-1", "embedded", 1, 0.05, List.of(
            new RunSummary.ScenarioSummary(new ScenarioVerdict("some", ScenarioVerdict.Status.PASS, List.of(held, not), List.of(), 0.25), 1, figures),
            new RunSummary.ScenarioSummary(new ScenarioVerdict("none", ScenarioVerdict.Status.NOT_JUDGED, List.of(not), List.of(), 0.5), 1, figures),
            new RunSummary.ScenarioSummary(new ScenarioVerdict("bad", ScenarioVerdict.Status.FAIL, List.of(failed, not), List.of(), 0.25), 1, figures)),
            3);
    }

    @Test
    void junitSkipsTheCaseWithNothingJudgedAndNotesTheRest(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("junit.xml");
        JUnitReport.write(summary(), file);
        Document x = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(file.toFile());
        assertEquals("1", x.getDocumentElement().getAttribute("skipped"));
        assertEquals("1", x.getDocumentElement().getAttribute("failures"));
        Element skipped = (Element) x.getElementsByTagName("skipped").item(0);
        assertEquals("not judged: " + WHY + "; --time-scale 0.5 judges them", skipped.getAttribute("message"));
        assertEquals("none", ((Element) skipped.getParentNode()).getAttribute("name"));
        String failure = ((Element) x.getElementsByTagName("failure").item(0)).getTextContent();
        assertTrue(failure.contains("errorRate < 1% during inject") && !failure.contains("opened"), "a failure lists only what failed: " + failure);
        assertTrue(x.getElementsByTagName("system-out").item(0).getTextContent().contains(WHY), "the pass notes what it did not judge");
    }

    @Test
    void theJsonSummaryCountsThemAndKeepsOk() throws Exception {
        JsonNode j = new ObjectMapper().readTree(JsonReport.toJson(summary()));
        assertEquals(3, j.get("notJudged").asInt());
        assertEquals(0.5, j.get("scaleToJudge").asDouble());
        JsonNode not = j.get("scenarios").get(1).get("verdict").get("results").get(0);
        assertEquals("NOT_JUDGED", not.get("judgement").asText());
        assertFalse(not.get("ok").asBoolean());
        assertTrue(j.get("scenarios").get(0).get("verdict").get("results").get(0).get("ok").asBoolean());
        assertFalse(summary().passed(), "one scenario failed");
    }

    @Test
    void theJournalKeepsTheReasonAndOldLinesReadAsJudged(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("run.jsonl");
        var not = new RunEvent.ExpectationResult("s", 1, "breaker(server(1)).opened during inject", false, "opened", null, "p.groovy:5:5", WHY);
        try (Journal j = new Journal(file)) {
            j.on(not);
        }
        String line = Files.readAllLines(file).get(0);
        assertTrue(line.contains("\"notJudged\":\"" + WHY + "\"") && !line.contains("\"measured\""), line);
        assertEquals(List.of(not), Journal.read(file));

        Files.writeString(file, "{\"event\":\"run-start\",\"schema\":2,\"runId\":\"chaos-1\"}\n"
            + "{\"event\":\"expectation\",\"scenario\":\"s\",\"iteration\":1,\"expectation\":\"e\",\"ok\":false,"
            + "\"expected\":\"< 1%\",\"measured\":\"2%\",\"position\":\"p.groovy:1:1\"}\n");
        var old = (RunEvent.ExpectationResult) Journal.read(file).get(1);
        assertTrue(old.judged(), "written before notJudged existed: judged");
        assertFalse(old.ok());
    }
}
