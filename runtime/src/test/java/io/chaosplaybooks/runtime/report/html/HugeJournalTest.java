package io.chaosplaybooks.runtime.report.html;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Journals far longer than a run writes still make a page of bounded size, in bounded memory: the
 * report reads the journal as a stream and draws from bounded figures. (bench/report/huge-journal.sh
 * measures a 1 GB journal.)
 */
class HugeJournalTest {
    /** A page with every chart of the runs drawn, and a table of the runs not drawn, stays under this. */
    static final long PAGE_BOUND = 4L * 1024 * 1024;

    @Test
    void twentyThousandScenarioRunsMakeAPageOfBoundedSize(@TempDir Path dir) throws Exception {
        Path journal = dir.resolve("many.jsonl");
        SyntheticJournal.manyScenarios(journal, 20_000);
        Path html = dir.resolve("many.html");
        HtmlReport.write(journal, html);
        long size = Files.size(html);
        assertTrue(size < PAGE_BOUND, "page of " + size + " bytes");
        String page = Files.readString(html);
        assertEquals(RunJournal.DRAWN, count(page, "<section class=\"scenario\""), "the first runs are drawn");
        assertTrue(page.contains("The journal has " + (20_000 - RunJournal.DRAWN) + " more scenario runs"), "the others are counted");
        // Names past the first thousand are counted together: 20,000 - 60 - 1,000 runs, of which every seventh failed.
        long others = 20_000 - RunJournal.DRAWN - RunJournal.NAMES;
        long failedOthers = 0;
        for (int i = RunJournal.DRAWN + RunJournal.NAMES; i < 20_000; i++) if (i % 7 == 0) failedOthers++;
        Matcher m = Pattern.compile("past the first 1000 names</i></td><td>(\\d+)</td><td class=\"status pass\">(\\d+)</td><td class=\"status fail\">(\\d+)</td>")
            .matcher(page);
        assertTrue(m.find(), "a row for the other names");
        assertEquals(List.of(others, others - failedOthers, failedOthers), List.of(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)),
            Long.parseLong(m.group(3))));
        assertTrue(page.contains("<tr><td>s-60</td><td>1</td><td class=\"status pass\">1</td>"), "the first run not drawn, by name");
    }

    /**
     * About 100 MB of journal (100,000 seconds of load, each with its histogram) reported by a JVM of 128 MB heap:
     * reading every event into memory first needs more than that. The page keeps the dip and the spike.
     */
    @Test
    void aLongJournalIsReportedInASmallHeap(@TempDir Path dir) throws Exception {
        Path journal = dir.resolve("long.jsonl");
        SyntheticJournal.longRun(journal, 100_000);
        assertTrue(Files.size(journal) > 90_000_000L, "journal of " + Files.size(journal) + " bytes");
        Path html = dir.resolve("long.html");
        String java = ProcessHandle.current().info().command().orElse(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java");
        Process p = new ProcessBuilder(java, "-Xmx128m", "-cp", System.getProperty("java.class.path"), HugeJournalTest.class.getName(),
            journal.toString(), html.toString()).redirectErrorStream(true).redirectOutput(dir.resolve("child.log").toFile()).start();
        boolean done = p.waitFor(5, TimeUnit.MINUTES);
        if (!done) p.destroyForcibly();
        Files.delete(journal);
        String log = Files.readString(dir.resolve("child.log"));
        assertTrue(done, "the report finished: " + log);
        assertEquals(0, p.exitValue(), log);
        long size = Files.size(html);
        assertTrue(size < 1024 * 1024, "page of " + size + " bytes");
        String page = Files.readString(html);
        assertTrue(page.contains("(100000 seconds of load)"), "every second was read");
        // The one p99 spike of 987.5 ms among 3.5 ms seconds sets the latency chart's scale (up to 1000) ...
        String latency = page.substring(page.indexOf("aria-label=\"Latency p50 / p99\""));
        latency = latency.substring(0, latency.indexOf("</svg>"));
        assertTrue(latency.contains(">1000</text>"), "the spike sets the scale");
        // ... and the one dip to 10 ops/s among 10,000 is drawn: some point of the total ops/s line is near the axis.
        String ops = page.substring(page.indexOf("aria-label=\"Operations per second\""));
        ops = ops.substring(ops.indexOf("data-series=\"total\""), ops.indexOf("</g>", ops.indexOf("data-series=\"total\"")));
        Matcher m = Pattern.compile("[\\d.]+,([\\d.]+)").matcher(ops);
        double highestY = 0;
        while (m.find()) highestY = Math.max(highestY, Double.parseDouble(m.group(1)));
        double bottom = TimeChart.TOP + (240 - TimeChart.TOP - TimeChart.BOTTOM);
        assertTrue(highestY > bottom - 1, "a point at the bottom of the chart: lowest at y=" + highestY + " of " + bottom);
    }

    private static int count(String s, String part) {
        int n = 0;
        for (int i = s.indexOf(part); i >= 0; i = s.indexOf(part, i + 1)) n++;
        return n;
    }

    /** The report alone, for a child JVM: JOURNAL HTML. */
    public static void main(String[] args) throws Exception {
        HtmlReport.write(Path.of(args[0]), Path.of(args[1]));
    }
}
