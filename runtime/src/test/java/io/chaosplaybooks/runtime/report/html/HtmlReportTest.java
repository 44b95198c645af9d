package io.chaosplaybooks.runtime.report.html;

import io.chaosplaybooks.runtime.journal.JournalException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A report made from a small journal written here: its SVG shows that journal's phases, series, faults and verdicts. */
class HtmlReportTest {
    /**
     * One scenario "slow-1" (stabilize 1–4 s, inject 4–7 s, recover 7–10 s) with latency on server-1 from 4 to 7 s and
     * server-1's breaker open from 4.5 to 6 s; a second "calm" scenario that passes. Load: one second each, ops/s that
     * dip to their lowest at second 5 (5,000) and peak at second 9 (12,000).
     */
    static String journal() {
        List<String> lines = new ArrayList<>();
        lines.add("""
            {"event":"run-start","wall":"2026-01-01T00:00:00Z","runId":"chaos-abc123","playbook":"synthetic","backend":"embedded","seed":42,"timeScale":1.0,\
            "servers":["127.0.0.1:1","127.0.0.1:2"],"proxies":["127.0.0.1:11","127.0.0.1:12"],"scenarios":["slow-1","calm"]}""");
        lines.add("{\"event\":\"scenario-start\",\"scenario\":\"slow-1\",\"plannedMs\":1000,\"actualMs\":1000,\"lagMs\":0}");
        lines.add("{\"event\":\"phase-start\",\"scenario\":\"slow-1\",\"phase\":\"stabilize\",\"lengthMs\":3000,\"plannedMs\":1000,\"actualMs\":1000,\"lagMs\":0}");
        lines.add("{\"event\":\"phase-start\",\"scenario\":\"slow-1\",\"phase\":\"inject\",\"lengthMs\":3000,\"plannedMs\":4000,\"actualMs\":4000,\"lagMs\":0}");
        lines.add("{\"event\":\"fault-applied\",\"scenario\":\"slow-1\",\"server\":\"server-1\",\"fault\":\"latency(200 ms)\",\"type\":\"latency\",\"plannedMs\":4000,\"actualMs\":4000,\"lagMs\":0}");
        lines.add("{\"event\":\"breaker\",\"actualMs\":4500,\"server\":\"server-1\",\"from\":\"CLOSED\",\"to\":\"OPEN\"}");
        lines.add("{\"event\":\"breaker\",\"actualMs\":6000,\"server\":\"server-1\",\"from\":\"OPEN\",\"to\":\"HALF_OPEN\"}");
        lines.add("{\"event\":\"fault-removed\",\"scenario\":\"slow-1\",\"server\":\"server-1\",\"fault\":\"latency(200 ms)\",\"type\":\"latency\",\"plannedMs\":7000,\"actualMs\":7000,\"lagMs\":0,\"why\":\"inject ended\"}");
        lines.add("{\"event\":\"phase-start\",\"scenario\":\"slow-1\",\"phase\":\"recover\",\"lengthMs\":3000,\"plannedMs\":7000,\"actualMs\":7000,\"lagMs\":0}");
        lines.add("{\"event\":\"breaker\",\"actualMs\":7200,\"server\":\"server-1\",\"from\":\"HALF_OPEN\",\"to\":\"CLOSED\"}");
        lines.add("{\"event\":\"scenario-end\",\"scenario\":\"slow-1\",\"plannedMs\":10000,\"actualMs\":10000,\"lagMs\":0}");
        lines.add("""
            {"event":"verdict","scenario":"slow-1","iteration":1,"status":"fail","results":[\
            {"expectation":"errorRate < 1% during stabilize","ok":true,"expected":"< 1.00%","measured":"0.00%","position":"p.groovy:5:9"},\
            {"expectation":"p99 < 5 ms during recover","ok":false,"expected":"< 5.0 ms","measured":"120.0 ms","position":"p.groovy:6:9"}],\
            "errors":[],"figures":{}}""");
        lines.add("{\"event\":\"scenario-start\",\"scenario\":\"calm\",\"plannedMs\":10000,\"actualMs\":10000,\"lagMs\":0}");
        lines.add("{\"event\":\"phase-start\",\"scenario\":\"calm\",\"phase\":\"stabilize\",\"lengthMs\":2000,\"plannedMs\":10000,\"actualMs\":10000,\"lagMs\":0}");
        lines.add("{\"event\":\"scenario-end\",\"scenario\":\"calm\",\"plannedMs\":12000,\"actualMs\":12000,\"lagMs\":0}");
        lines.add("{\"event\":\"verdict\",\"scenario\":\"calm\",\"iteration\":1,\"status\":\"pass\",\"results\":[],\"errors\":[],\"figures\":{}}");
        for (int s = 0; s < 12; s++) {
            int ops = s == 5 ? 5000 : s == 9 ? 12000 : 10000;
            int errors = s == 5 ? 500 : 0;
            double p99 = s == 5 ? 120 : 2;
            lines.add(String.format(Locale.ROOT, "{\"event\":\"load-second\",\"startMs\":%d,\"opsPerSecond\":%d,\"errors\":%d,\"errorRate\":%s,"
                + "\"p50Ms\":0.5,\"p99Ms\":%s,\"servers\":{\"server-1\":{\"ops\":%d,\"errors\":%d,\"breaker\":\"closed\",\"p99Ms\":%s},"
                + "\"server-2\":{\"ops\":%d,\"errors\":0,\"breaker\":\"closed\",\"p99Ms\":2}}}",
                s * 1000, ops, errors, (double) errors / ops, p99, ops / 2, errors, p99, ops - ops / 2));
        }
        lines.add("{\"event\":\"run-end\",\"durationMs\":12500,\"interrupted\":false}");
        return String.join("\n", lines) + "\n";
    }

    static String report(Path dir) throws Exception {
        Path j = dir.resolve("run.jsonl");
        Files.writeString(j, journal());
        Path html = dir.resolve("out/report.html");
        HtmlReport.write(j, html);
        return Files.readString(html);
    }

    /** The SVG charts of the page, each parsed as XML (so each is well formed). */
    static List<Element> charts(String html) throws Exception {
        List<Element> svgs = new ArrayList<>();
        Matcher m = Pattern.compile("<svg .*?</svg>", Pattern.DOTALL).matcher(html);
        var f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        while (m.find()) {
            Document d = f.newDocumentBuilder().parse(new ByteArrayInputStream(m.group().getBytes(StandardCharsets.UTF_8)));
            svgs.add(d.getDocumentElement());
        }
        return svgs;
    }

    static List<Element> byClass(Element root, String tag, String cls) {
        List<Element> out = new ArrayList<>();
        NodeList all = root.getElementsByTagName(tag);
        for (int i = 0; i < all.getLength(); i++) {
            Element e = (Element) all.item(i);
            if ((" " + e.getAttribute("class") + " ").contains(" " + cls + " ")) out.add(e);
        }
        return out;
    }

    static String title(Element svg) {
        return svg.getAttribute("aria-label");
    }

    @Test
    void everyScenarioHasItsFourChartsWithThePhasesShadedAndNamed(@TempDir Path dir) throws Exception {
        List<Element> svgs = charts(report(dir));
        assertEquals(8, svgs.size(), "4 charts x 2 scenarios");
        assertEquals(List.of("Operations per second", "Error rate", "Latency p50 / p99", "Circuit breaker state per server"),
            svgs.subList(0, 4).stream().map(HtmlReportTest::title).toList());
        for (Element svg : svgs.subList(0, 4)) {
            List<String> phases = byClass(svg, "rect", "phase").stream().map(e -> e.getAttribute("data-phase")).toList();
            assertEquals(List.of("stabilize", "inject", "recover"), phases, title(svg));
            List<String> labels = byClass(svg, "text", "phase-label").stream().map(Element::getTextContent).toList();
            assertEquals(List.of("stabilize", "inject", "recover"), labels, title(svg));
            // Shaded with the phase's colour, and one after the other with no gap.
            List<Element> rects = byClass(svg, "rect", "phase");
            assertEquals("#fbdcdc", rects.get(1).getAttribute("fill"));
            assertEquals(x(rects.get(0)) + w(rects.get(0)), x(rects.get(1)), 0.11);
        }
        // The second scenario has only its stabilize.
        assertEquals(List.of("stabilize"), byClass(svgs.get(4), "rect", "phase").stream().map(e -> e.getAttribute("data-phase")).toList());
    }

    @Test
    void eachSeriesIsALineThroughItsSeconds(@TempDir Path dir) throws Exception {
        Element ops = charts(report(dir)).get(0);
        List<String> names = byClass(ops, "g", "series").stream().map(e -> e.getAttribute("data-series")).toList();
        assertEquals(List.of("total", "server-1", "server-2"), names);
        Element total = byClass(ops, "g", "series").get(0);
        String[] points = ((Element) total.getElementsByTagName("polyline").item(0)).getAttribute("points").split(" ");
        // The scenario runs 1–10 s, shown with 1 s either side: the seconds whose middle lies in 0–11 s.
        assertEquals(11, points.length, String.join(" ", points));
        double[] ys = new double[points.length];
        for (int i = 0; i < points.length; i++) ys[i] = Double.parseDouble(points[i].split(",")[1]);
        // Second 5 (lowest ops) is drawn lowest (largest y), second 9 (highest) highest.
        assertEquals(5, argMax(ys));
        assertEquals(9, argMin(ys));

        Element latency = charts(report(dir)).get(2);
        assertEquals(List.of("p50", "p99", "p99 server-1", "p99 server-2"),
            byClass(latency, "g", "series").stream().map(e -> e.getAttribute("data-series")).toList());
        // Axes: ticks on y up to at least the highest p99 (120 ms), and seconds on x.
        List<String> ticks = byClass(latency, "text", "tick").stream().map(Element::getTextContent).toList();
        assertTrue(ticks.containsAll(List.of("0", "50", "100", "150", "0 s", "4 s", "10 s")), ticks.toString());
    }

    @Test
    void faultChangesAreMarkedWhereTheyHappened(@TempDir Path dir) throws Exception {
        for (Element svg : charts(report(dir)).subList(0, 4)) {
            List<Element> in = byClass(svg, "g", "fault-applied");
            List<Element> out = byClass(svg, "g", "fault-removed");
            assertEquals(1, in.size(), title(svg));
            assertEquals(1, out.size(), title(svg));
            assertEquals("+ latency(200 ms) server-1", in.get(0).getAttribute("data-fault"));
            assertEquals("− latency(200 ms) server-1", out.get(0).getAttribute("data-fault"));
            // Both happened exactly at a phase change: the lines sit on the inject band's edges.
            Element inject = byClass(svg, "rect", "phase").get(1);
            assertEquals(x(inject), lineX(in.get(0)), 0.11);
            assertEquals(x(inject) + w(inject), lineX(out.get(0)), 0.11);
        }
    }

    @Test
    void breakerStatesAreLanesPerServer(@TempDir Path dir) throws Exception {
        Element breakers = charts(report(dir)).get(3);
        List<String> lanes = byClass(breakers, "text", "lane").stream().map(Element::getTextContent).toList();
        assertEquals(List.of("server-1", "server-2"), lanes);
        List<String> server1 = byClass(breakers, "rect", "state").stream().filter(e -> e.getAttribute("data-lane").equals("server-1"))
            .map(e -> e.getAttribute("class").replace("state state-", "")).toList();
        assertEquals(List.of("closed", "open", "half-open", "closed"), server1);
        List<String> server2 = byClass(breakers, "rect", "state").stream().filter(e -> e.getAttribute("data-lane").equals("server-2"))
            .map(e -> e.getAttribute("class").replace("state state-", "")).toList();
        assertEquals(List.of("closed"), server2);
        // Open from 4.5 s: half-way through the inject band's first sixth.
        Element open = byClass(breakers, "rect", "state-open").get(0);
        Element inject = byClass(breakers, "rect", "phase").get(1);
        assertEquals(x(inject) + w(inject) / 6, x(open), 0.2);
    }

    @Test
    void theVerdictTableNamesFailedExpectationsWithExpectedAndMeasured(@TempDir Path dir) throws Exception {
        String html = report(dir);
        Matcher rows = Pattern.compile("<tr class=\"verdict\" data-scenario=\"([^\"]+)\">(.*?)</tr>").matcher(html);
        List<String> found = new ArrayList<>();
        while (rows.find()) {
            found.add(rows.group(1));
            if (rows.group(1).equals("slow-1")) {
                assertTrue(rows.group(2).contains("<td class=\"status fail\">FAIL</td>"), rows.group(2));
                assertTrue(rows.group(2).contains("1 of 2 held"), rows.group(2));
                assertTrue(rows.group(2).contains("<code>p99 &lt; 5 ms during recover</code>: expected &lt; 5.0 ms, measured <b>120.0 ms</b>"), rows.group(2));
                assertTrue(rows.group(2).contains("p.groovy:6:9"), rows.group(2));
                assertFalse(rows.group(2).contains("errorRate"), "expectations that held are not listed in the table");
            } else {
                assertTrue(rows.group(2).contains("<td class=\"status pass\">PASS</td>"), rows.group(2));
            }
        }
        assertEquals(List.of("slow-1", "calm"), found);
        assertTrue(html.contains("chaos-abc123") && html.contains("synthetic") && html.contains("127.0.0.1:1 via proxy 127.0.0.1:11"), "the header");
    }

    @Test
    void thePageNeedsNothingFromOutside(@TempDir Path dir) throws Exception {
        String html = report(dir);
        assertFalse(html.contains("<script"), "no script");
        assertFalse(html.contains("<link") || html.contains(" src=") || html.contains("url("), "no linked resource");
        assertEquals(html.split("http", -1).length - 1, html.split("xmlns=\"http://www.w3.org/2000/svg\"", -1).length - 1,
            "the only URLs are the SVG namespace");
    }

    @Test
    void aJournalThatIsNotOneIsNamedWithItsLine(@TempDir Path dir) throws Exception {
        Path j = dir.resolve("bad.jsonl");
        Files.writeString(j, journal().replaceFirst("\\{\"event\":\"scenario-start\"", "{oops"));
        JournalException e = assertThrows(JournalException.class, () -> HtmlReport.write(j, dir.resolve("r.html")));
        assertTrue(e.getMessage().startsWith(j + ":2: not JSON ("), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one line");

        Files.writeString(j, "{\"event\":\"run-start\"}\n[1, 2]\n");
        e = assertThrows(JournalException.class, () -> HtmlReport.write(j, dir.resolve("r.html")));
        assertEquals(j + ":2: not a journal event (a JSON object with an \"event\" field)", e.getMessage());

        e = assertThrows(JournalException.class, () -> HtmlReport.write(dir.resolve("missing.jsonl"), dir.resolve("r.html")));
        assertEquals(dir.resolve("missing.jsonl") + ": no such file", e.getMessage());

        Files.writeString(j, "");
        e = assertThrows(JournalException.class, () -> HtmlReport.write(j, dir.resolve("r.html")));
        assertTrue(e.getMessage().contains("no run-start event (the file is empty)"), e.getMessage());

        // Cut mid-line: the last line, without its end, is named.
        String full = journal();
        Files.writeString(j, full.substring(0, full.indexOf("\"phase\":\"inject\"")));
        e = assertThrows(JournalException.class, () -> HtmlReport.write(j, dir.resolve("r.html")));
        assertTrue(e.getMessage().startsWith(j + ":4: not JSON ("), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one line");

        // A line longer than any event (here 17 M characters of one string) is refused without reading it whole.
        try (var w = Files.newBufferedWriter(j)) {
            w.write("{\"event\":\"run-start\",\"runId\":\"x\"}\n{\"event\":\"breaker\",\"server\":\"");
            char[] chunk = new char[1024 * 1024];
            java.util.Arrays.fill(chunk, 'x');
            for (int i = 0; i < 17; i++) w.write(chunk);
            w.write("\"}\n");
        }
        e = assertThrows(JournalException.class, () -> HtmlReport.write(j, dir.resolve("r.html")));
        assertEquals(j + ":2: a line longer than 16 M characters, so not a journal", e.getMessage());
    }

    @Test
    void aRunCutShortStillGivesAReport(@TempDir Path dir) throws Exception {
        String full = journal();
        String cut = full.substring(0, full.indexOf("{\"event\":\"fault-removed\""));
        Path j = dir.resolve("cut.jsonl");
        Files.writeString(j, cut);
        HtmlReport.write(j, dir.resolve("r.html"));
        String html = Files.readString(dir.resolve("r.html"));
        assertTrue(html.contains("no run-end"), "the header says the run was cut short");
        assertTrue(html.contains("no verdict in the journal"), "the scenario has no verdict");
    }

    static double x(Element e) {
        return Double.parseDouble(e.getAttribute("x"));
    }

    static double w(Element e) {
        return Double.parseDouble(e.getAttribute("width"));
    }

    static double lineX(Element g) {
        return Double.parseDouble(((Element) g.getElementsByTagName("line").item(0)).getAttribute("x1"));
    }

    static int argMax(double[] v) {
        int k = 0;
        for (int i = 1; i < v.length; i++) if (v[i] > v[k]) k = i;
        return k;
    }

    static int argMin(double[] v) {
        int k = 0;
        for (int i = 1; i < v.length; i++) if (v[i] < v[k]) k = i;
        return k;
    }
}
