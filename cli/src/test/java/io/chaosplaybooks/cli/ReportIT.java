package io.chaosplaybooks.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code chaos run --report} on the smoke playbook, and the report as a browser shows it: rendered by
 * headless Chromium (Debian's {@code chromium}) to a PNG that must show the charts' colours.
 */
class ReportIT {
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    record Run(int exit, String out) {}

    static Run chaos(Path dir, List<String> env, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(ROOT.resolve("bin/chaos").toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
        for (int i = 0; i < env.size(); i += 2) pb.environment().put(env.get(i), env.get(i + 1));
        Path out = dir.resolve("out-" + System.nanoTime() + ".txt");
        Process p = pb.redirectOutput(out.toFile()).start();
        try {
            assertTrue(p.waitFor(240, TimeUnit.SECONDS), String.join(" ", args) + " within 4 minutes");
        } finally {
            ExternalTool.stop(p);
        }
        return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
    }

    @Test
    void aSmokeRunsReportRendersInChromium(@TempDir Path dir) throws Exception {
        // The run's temp journal goes to a directory of our own, so we can see it is deleted afterwards.
        Path tmp = Files.createDirectories(dir.resolve("tmp"));
        Run run = chaos(dir, List.of("CHAOS_JAVA_OPTS", "-Djava.io.tmpdir=" + tmp), "run", ROOT.resolve("playbooks/smoke.groovy").toString(),
            "--time-scale", "0.3", "--metrics-port", "0", "--report", "r.html");
        // A verdict may fail on a loaded machine; the report is written either way. A runtime error is a failure here.
        assertTrue(run.exit() == 0 || run.exit() == 1, run.out());
        assertTrue(run.out().contains("Report written to r.html"), run.out());
        try (Stream<Path> left = Files.list(tmp)) {
            assertEquals(List.of(), left.filter(p -> p.getFileName().toString().startsWith("chaos-journal-")).toList(),
                "the temporary journal is deleted");
        }
        Path html = dir.resolve("r.html");
        String page = Files.readString(html);
        for (String s : List.of("smoke-latency", "smoke-packet-loss", "smoke-partition")) {
            assertTrue(page.contains("data-scenario=\"" + s + "\""), "verdict row for " + s);
        }
        assertEquals(12, page.split("<svg ", -1).length - 1, "4 charts for each of the 3 scenarios");
        assertTrue(page.contains("class=\"fault fault-applied\" data-fault=\"+ latency(200 ms) server-1\""), "the latency fault is marked");

        Path chromium = ExternalTool.require("chromium", "chromium");
        Path png = dir.resolve("report.png");
        Process p = new ProcessBuilder(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
            "--user-data-dir=" + dir.resolve("chromium-profile"), "--screenshot=" + png, "--window-size=1400,3000",
            html.toUri().toString())
            .redirectErrorStream(true).redirectOutput(dir.resolve("chromium.log").toFile()).start();
        try {
            assertTrue(p.waitFor(120, TimeUnit.SECONDS), "chromium within 2 minutes");
        } finally {
            ExternalTool.stop(p);
        }
        assertTrue(Files.exists(png), "no screenshot; chromium said:\n" + Files.readString(dir.resolve("chromium.log")));
        assertTrue(Files.size(png) > 50_000, "a screenshot of charts is not tiny: " + Files.size(png) + " bytes");
        BufferedImage image = ImageIO.read(png.toFile());
        assertEquals(1400, image.getWidth());
        assertEquals(3000, image.getHeight());
        // Not blank, and the charts were drawn: the phase shades and the breaker colours appear in the picture.
        int[] counts = countColours(image, 0xdbe9fb, 0xfbdcdc, 0xdcf3df, 0x3a9d4a, 0xd0392b);
        String seen = "stabilize %d, inject %d, recover %d, closed %d, open %d pixels".formatted(counts[0], counts[1], counts[2], counts[3], counts[4]);
        for (int c : counts) assertTrue(c > 200, seen);
        System.out.println("report.png: " + Files.size(png) + " bytes; " + seen);
        Path keep = System.getenv("CHAOS_REPORT_PNG") == null ? null : Path.of(System.getenv("CHAOS_REPORT_PNG"));
        if (keep != null) Files.copy(png, keep, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    static int[] countColours(BufferedImage image, int... rgb) {
        int[] counts = new int[rgb.length];
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                int px = image.getRGB(x, y) & 0xffffff;
                for (int i = 0; i < rgb.length; i++) if (px == rgb[i]) counts[i]++;
            }
        }
        return counts;
    }

    @Test
    void aBadJournalIsOneLineAndExitTwo(@TempDir Path dir) throws Exception {
        Run missing = chaos(dir, List.of(), "report", "nope.jsonl", "-o", "r.html");
        assertEquals(ExitCodes.INVALID, missing.exit(), missing.out());
        assertEquals("chaos: nope.jsonl: no such file\n", missing.out());

        Files.writeString(dir.resolve("bad.jsonl"), "{\"event\":\"run-start\",\"runId\":\"x\"}\n{\"event\":\"load-second\"}\n{not json\n");
        Run bad = chaos(dir, List.of(), "report", "bad.jsonl");
        assertEquals(ExitCodes.INVALID, bad.exit(), bad.out());
        assertTrue(bad.out().startsWith("chaos: bad.jsonl:3: not JSON ("), bad.out());
        assertEquals(1, bad.out().lines().count(), "one line, no stack trace: " + bad.out());
        assertFalse(Files.exists(dir.resolve("bad.html")));

        // A journal cut mid-line (the disk filled, the run was killed): the line that stops short is named.
        Files.writeString(dir.resolve("cut.jsonl"), "{\"event\":\"run-start\",\"runId\":\"x\"}\n{\"event\":\"scenario-start\",\"scenario\":\"a\",\"plannedMs\":0.0,\"actualMs\":0.0}\n"
            + "{\"event\":\"load-second\",\"startMs\":0.0,\"opsPerSecond\":10");
        Run cut = chaos(dir, List.of(), "report", "cut.jsonl");
        assertEquals(ExitCodes.INVALID, cut.exit(), cut.out());
        assertTrue(cut.out().startsWith("chaos: cut.jsonl:3: not JSON ("), cut.out());
        assertEquals(1, cut.out().lines().count(), "one line, no stack trace: " + cut.out());
        assertFalse(Files.exists(dir.resolve("cut.html")));

        Run help = chaos(dir, List.of(), "report", "--help");
        assertEquals(0, help.exit(), help.out());
        assertTrue(help.out().contains("chaos report run.jsonl -o report.html"), help.out());
        assertTrue(help.out().lines().allMatch(l -> l.length() <= 80), "fits 80 columns:\n" + help.out());
    }
}
