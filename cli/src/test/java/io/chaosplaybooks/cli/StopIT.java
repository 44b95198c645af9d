package io.chaosplaybooks.cli;

import io.chaosplaybooks.runtime.proxy.FaultEngine;
import io.chaosplaybooks.runtime.proxy.ToxiproxyHttpApi;
import io.chaosplaybooks.runtime.run.StopRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SIGINT and SIGTERM at every start-up stage (held there by the CHAOS_TEST_PAUSE_AT hook, whose
 * pause swallows interrupts and, at the load start, does not even yield to the stop) and at random
 * moments, on the embedded backend and on a Toxiproxy API: each run ends within
 * {@link #TOLERANCE_MS} of the signal with exit 130, its memcached processes gone, and no proxy or
 * toxic left on the API. A pause lasts {@link #PAUSE_MS}: a run that waited for it would be late.
 */
class StopIT {
    /** From the signal to the process's end; start-up stops measure 0.3 to 3.2 s on a loaded 2-core machine. */
    static final long TOLERANCE_MS = 8_000;
    static final long PAUSE_MS = 20_000;
    static final String PLAYBOOK = """
        servers 2
        scenario "short" {
            stabilize 1.s
            inject latency(20.ms) on server(1) for 3.s
            recover 1.s
        }
        """;

    record Outcome(int exit, long stopMs, String console) {}

    @Test
    void aSignalAtEveryStartUpStageStopsTheRunAndLeavesNothing(@TempDir Path dir) throws Exception {
        Path playbook = dir.resolve("two.groovy");
        Files.writeString(playbook, PLAYBOOK);
        List<String> figures = new ArrayList<>();
        try (FaultEngine engine = new FaultEngine(); ToxiproxyHttpApi api = ToxiproxyHttpApi.start(engine, "127.0.0.1", 0)) {
            for (int i = 0; i < StopRequest.STAGES.size(); i++) {
                String stage = StopRequest.STAGES.get(i);
                for (String signal : List.of("INT", "TERM")) {
                    // Each stage meets each signal once and each backend once.
                    boolean toxiproxy = (i + (signal.equals("INT") ? 0 : 1)) % 2 == 1;
                    Outcome o = stopAt(dir, playbook, stage, signal, toxiproxy ? engine : null, toxiproxy ? api.port() : -1, -1);
                    figures.add(stage + " SIG" + signal + (toxiproxy ? " toxiproxy" : " embedded") + ": " + o.stopMs + " ms");
                    assertTrue(o.console.contains("during start-up (" + stage + ")"), o.console);
                }
            }
        }
        System.out.println("stop latency per stage: " + figures);
    }

    @Test
    void aSignalAtARandomMomentStopsTheRunAndLeavesNothing(@TempDir Path dir) throws Exception {
        Path playbook = dir.resolve("two.groovy");
        Files.writeString(playbook, PLAYBOOK);
        long seed = System.nanoTime();
        Random random = new Random(seed);
        List<String> figures = new ArrayList<>();
        try (FaultEngine engine = new FaultEngine(); ToxiproxyHttpApi api = ToxiproxyHttpApi.start(engine, "127.0.0.1", 0)) {
            for (int i = 0; i < 4; i++) {
                String signal = i % 2 == 0 ? "INT" : "TERM";
                boolean toxiproxy = i >= 2;
                long after = 100 + random.nextInt(3000);
                Outcome o = stopAt(dir, playbook, null, signal, toxiproxy ? engine : null, toxiproxy ? api.port() : -1, after);
                figures.add("SIG" + signal + " " + after + " ms after start" + (toxiproxy ? " toxiproxy" : " embedded") + ": " + o.stopMs + " ms");
            }
        }
        System.out.println("stop latency at random moments (seed " + seed + "): " + figures);
    }

    @Test
    void aRunStartedWithSigintIgnoredAsAScriptsBackgroundJobIsStillStoppedBySigint(@TempDir Path dir) throws Exception {
        // `chaos run ... &` in a non-interactive script starts with SIGINT ignored (the shell does that to its
        // background jobs), and a JVM keeps an ignored SIGINT ignored; the launcher gives it back its default.
        Path playbook = dir.resolve("two.groovy");
        Files.writeString(playbook, PLAYBOOK);
        Path out = Files.createTempFile(dir, "out", ".txt");
        String run = "trap '' INT; exec '" + RunIT.ROOT.resolve("bin/chaos") + "' run '" + playbook + "' --metrics-port 0";
        Process p = new ProcessBuilder("bash", "-c", run).directory(dir.toFile()).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (!read(out).contains("Seed ")) {
                assertTrue(p.isAlive(), "the run ended before the signal:\n" + read(out));
                assertTrue(System.nanoTime() < deadline, "never started:\n" + read(out));
                Thread.sleep(20);
            }
            Thread.sleep(1_500);
            List<ProcessHandle> memcached = p.descendants()
                .filter(h -> h.info().command().map(c -> c.endsWith("memcached")).orElse(false)).toList();
            new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor();
            assertTrue(p.waitFor(TOLERANCE_MS, TimeUnit.MILLISECONDS), "SIGINT was ignored:\n" + read(out));
            assertEquals(ExitCodes.INTERRUPTED, p.exitValue(), read(out));
            long gone = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
            while (memcached.stream().anyMatch(ProcessHandle::isAlive) && System.nanoTime() < gone) Thread.sleep(20);
            assertFalse(memcached.stream().anyMatch(ProcessHandle::isAlive), "a memcached process of the run is left");
        } finally {
            if (p.isAlive()) p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }

    /**
     * Runs the playbook, signals it once paused at {@code stage} (or {@code afterMs} after it printed its
     * seed, when the signal handlers are in place), and checks what is left.
     */
    private Outcome stopAt(Path dir, Path playbook, String stage, String signal, FaultEngine engine, int apiPort, long afterMs)
        throws Exception {
        Path out = Files.createTempFile(dir, "out", ".txt");
        List<String> cmd = new ArrayList<>(List.of(RunIT.ROOT.resolve("bin/chaos").toString(), "run", playbook.toString(),
            "--metrics-port", "0"));
        if (engine != null) cmd.addAll(List.of("--toxiproxy", "http://127.0.0.1:" + apiPort));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).redirectOutput(out.toFile());
        if (stage != null) {
            pb.environment().put("CHAOS_TEST_PAUSE_AT", stage);
            pb.environment().put("CHAOS_TEST_PAUSE_MS", Long.toString(PAUSE_MS));
        }
        Process p = pb.start();
        String what = (stage == null ? "at random" : "at " + stage) + ", SIG" + signal + (engine != null ? ", toxiproxy" : ", embedded");
        try {
            String marker = stage != null ? "chaos-test: paused at " + stage : "Seed ";
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (!read(out).contains(marker)) {
                assertTrue(p.isAlive(), what + ": the run ended before the signal:\n" + read(out));
                assertTrue(System.nanoTime() < deadline, what + ": never got there:\n" + read(out));
                Thread.sleep(20);
            }
            Thread.sleep(stage != null ? 200 : afterMs);
            List<ProcessHandle> memcached = p.descendants()
                .filter(h -> h.info().command().map(c -> c.endsWith("memcached")).orElse(false)).toList();
            if (stage != null) {
                assertEquals(2, memcached.size(), what + ": the run's two memcached processes are up");
                if (stage.equals("warm-up") && engine != null) {
                    assertTrue(toxics(engine) > 0, what + ": the warm-up's toxic is in place when the signal comes");
                }
            }
            long signalled = System.nanoTime();
            new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).start().waitFor();
            boolean ended = p.waitFor(TOLERANCE_MS, TimeUnit.MILLISECONDS);
            long stopMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - signalled);
            String console = read(out);
            assertTrue(ended, what + ": still running " + TOLERANCE_MS + " ms after the signal:\n" + console);
            assertEquals(ExitCodes.INTERRUPTED, p.exitValue(), what + ":\n" + console);
            assertFalse(console.contains("cleanup:"), what + ": the cleanup had nothing to report:\n" + console);
            long gone = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
            while (memcached.stream().anyMatch(ProcessHandle::isAlive) && System.nanoTime() < gone) Thread.sleep(20);
            assertFalse(memcached.stream().anyMatch(ProcessHandle::isAlive), what + ": a memcached process of the run is left");
            if (engine != null) {
                assertEquals(List.of(), List.copyOf(engine.proxies().keySet()), what + ": a proxy of the run is left:\n" + console);
            }
            return new Outcome(p.exitValue(), stopMs, console);
        } finally {
            if (p.isAlive()) p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }

    private static int toxics(FaultEngine engine) {
        return engine.proxies().values().stream().mapToInt(x -> x.toxics().size()).sum();
    }

    private static String read(Path out) throws IOException {
        return Files.readString(out, StandardCharsets.UTF_8);
    }
}
