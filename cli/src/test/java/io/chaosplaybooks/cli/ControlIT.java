package io.chaosplaybooks.cli;

import io.chaosplaybooks.runtime.control.ControlEndpoint;
import io.chaosplaybooks.runtime.control.LiveStatus;
import io.chaosplaybooks.runtime.control.RunControl;
import io.chaosplaybooks.runtime.control.StopReport;
import io.chaosplaybooks.runtime.proxy.FaultEngine;
import io.chaosplaybooks.runtime.proxy.ToxiproxyHttpApi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code chaos status}, {@code pause}, {@code resume} and {@code stop} from another shell, on a real
 * foreground {@code chaos run} (its own memcached processes, its proxies and toxics on a Toxiproxy API
 * this test serves, so that what is left can be seen): the run is listed, paused with its fault kept
 * and then with it healed, resumed, and stopped with exit 130, nothing left, and a journal that says who did it.
 */
class ControlIT {
    static final String PLAYBOOK = """
        servers 2
        scenario "long" {
            stabilize 1.s
            inject latency(20.ms) on server(1) for 2.min
            recover 1.s
        }
        """;

    record Ran(int exit, String out, String err) {}

    @TempDir
    Path dir;

    private Path runtimeDir() {
        return dir.resolve("rt");
    }

    /** Runs a short chaos command against this test's runtime directory. */
    private Ran chaos(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(RunIT.ROOT.resolve("bin/chaos").toString()));
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile(dir, "cmd", ".out"), err = Files.createTempFile(dir, "cmd", ".err");
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().put("CHAOS_RUNTIME_DIR", runtimeDir().toString());
        Process p = pb.start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "chaos " + String.join(" ", args) + " did not end");
        return new Ran(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    @Test
    void statusPauseResumeAndStopActOnAForegroundRun() throws Exception {
        Path playbook = dir.resolve("long.groovy");
        Files.writeString(playbook, PLAYBOOK);
        Path journal = dir.resolve("run.jsonl");
        Path console = dir.resolve("run.out");
        try (FaultEngine engine = new FaultEngine(); ToxiproxyHttpApi api = ToxiproxyHttpApi.start(engine, "127.0.0.1", 0)) {
            ProcessBuilder pb = new ProcessBuilder(RunIT.ROOT.resolve("bin/chaos").toString(), "run", playbook.toString(),
                "--metrics-port", "0", "--toxiproxy", "http://127.0.0.1:" + api.port(), "--journal", journal.toString())
                .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(console.toFile());
            pb.environment().put("CHAOS_RUNTIME_DIR", runtimeDir().toString());
            Process run = pb.start();
            try {
                waitFor(() -> read(console).contains("+ latency"), run, console, "the fault goes on");
                Matcher m = Pattern.compile("Run (chaos-[0-9a-f]+)").matcher(read(console));
                assertTrue(m.find(), read(console));
                String id = m.group(1);
                List<ProcessHandle> memcached = run.descendants()
                    .filter(h -> h.info().command().map(c -> c.endsWith("memcached")).orElse(false)).toList();
                assertEquals(2, memcached.size(), "the run's memcached processes");
                assertEquals(1, toxics(engine));

                Ran status = chaos("status", "--format", "json");
                assertEquals(0, status.exit(), status.err());
                List<LiveStatus> listed = LiveStatus.parseList(status.out());
                assertEquals(1, listed.size(), status.out());
                LiveStatus s = listed.get(0);
                assertEquals(id, s.runId());
                assertEquals(run.pid(), (long) s.pid(), "the registered pid is the run's JVM");
                assertEquals("long", s.scenario());
                assertEquals("inject", s.phase());
                assertTrue(s.phaseLeftMs() > 60_000 && s.phaseLeftMs() <= 120_000, "time left: " + s.phaseLeftMs());
                assertEquals("latency(20 ms)", s.faults().get(0).fault());
                Ran text = chaos("status");
                assertTrue(text.out().contains(id) && text.out().contains("fault latency(20 ms) on server-1"), text.out());

                // Paused: the fault stays; paused again: refused.
                Ran pause = chaos("pause", id);
                assertEquals(0, pause.exit(), pause.err());
                assertTrue(pause.out().contains("Paused " + id), pause.out());
                assertEquals("paused", LiveStatus.parseList(chaos("status", "--format", "json").out()).get(0).state());
                assertEquals(1, toxics(engine), "the fault stays on while paused");
                Ran again = chaos("pause", id);
                assertEquals(2, again.exit(), again.out());
                assertTrue(again.err().contains("paused already"), again.err());
                assertEquals(0, chaos("resume", id).exit());

                // Paused with heal: the fault comes off, and goes on again at the resume.
                assertEquals(0, chaos("pause", "--heal-on-pause", id).exit());
                waitFor(() -> toxics(engine) == 0, run, console, "the fault comes off while paused");
                assertEquals(0, chaos("resume", id).exit());
                waitFor(() -> toxics(engine) == 1, run, console, "the fault goes on again at the resume");

                Ran unknown = chaos("stop", "chaos-000000");
                assertEquals(2, unknown.exit(), unknown.out());
                assertTrue(unknown.err().contains("running: " + id), unknown.err());

                Ran stop = chaos("stop", id);
                assertEquals(0, stop.exit(), stop.err());
                assertTrue(stop.out().contains("Stopped " + id), stop.out());
                assertTrue(stop.out().contains("fault latency(20 ms) on server-1"), stop.out());
                assertTrue(stop.out().contains("servers started by the run"), stop.out());

                assertTrue(run.waitFor(20, TimeUnit.SECONDS), "the run ends after the stop:\n" + read(console));
                assertEquals(ExitCodes.INTERRUPTED, run.exitValue(), read(console));
                assertTrue(engine.proxies().isEmpty(), "a proxy of the run is left: " + engine.proxies().keySet());
                long gone = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                while (memcached.stream().anyMatch(ProcessHandle::isAlive) && System.nanoTime() < gone) Thread.sleep(20);
                assertFalse(memcached.stream().anyMatch(ProcessHandle::isAlive), "a memcached process of the run is left");
                try (var files = Files.list(runtimeDir())) {
                    assertEquals(List.of(), files.filter(f -> f.toString().endsWith(".json")).toList(), "the registration is removed");
                }
                assertTrue(chaos("status").out().contains("No run is going on"));

                String j = read(journal);
                assertEquals(2, count(j, "\"event\":\"paused\",\"by\":\"chaos pause (pid "), j);
                assertEquals(2, count(j, "\"event\":\"resumed\",\"by\":\"chaos resume (pid "), j);
                assertEquals(1, count(j, "\"why\":\"pause (heal on pause)\""), j);
                assertEquals(1, count(j, "\"event\":\"run-stopped\",\"by\":\"chaos stop (pid "), j);
            } finally {
                if (run.isAlive()) run.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
    }

    /** A registered run that only answers: what {@code chaos stop --all} asked of it is remembered. */
    private record FakeRun(String runId, List<String> stoppedBy) implements RunControl {
        @Override public String playbook() { return "fake"; }
        @Override public LiveStatus status() {
            return new LiveStatus(runId, "fake", "running", ProcessHandle.current().pid(), "2026-12-02T20:00:00Z", "s", 1, 1, 1,
                "inject", null, 10_000.0, 5_000.0, 10_000.0, 100.0, 0.0, 1.0, Map.of(), List.of(), null);
        }
        @Override public StopReport stop(String by, java.time.Duration timeout) {
            stoppedBy.add(by);
            return new StopReport(runId, by, true, List.of("proxy " + runId + "-server-1"), List.of());
        }
        @Override public LiveStatus pause(String by, boolean heal) { throw new Refused("not here"); }
        @Override public LiveStatus resume(String by) { throw new Refused("not here"); }
    }

    @Test
    void stopAllStopsEveryRegisteredRunAndSaysWhatEachRemoved() throws Exception {
        List<String> byA = new java.util.concurrent.CopyOnWriteArrayList<>(), byB = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (ControlEndpoint endpoint = ControlEndpoint.open("serve", runtimeDir())) {
            endpoint.register(new FakeRun("chaos-aaaa01", byA));
            endpoint.register(new FakeRun("chaos-bbbb02", byB));
            Ran stop = chaos("stop", "--all");
            assertEquals(0, stop.exit(), stop.out() + stop.err());
            long pid = ProcessHandle.current().pid();
            assertTrue(stop.out().contains("Stopped chaos-aaaa01 (pid " + pid + "); removed:\n  proxy chaos-aaaa01-server-1"), stop.out());
            assertTrue(stop.out().contains("Stopped chaos-bbbb02 (pid " + pid + "); removed:\n  proxy chaos-bbbb02-server-1"), stop.out());
            assertEquals(1, byA.size(), "one stop each");
            assertEquals(1, byB.size(), "one stop each");
            assertTrue(byA.get(0).startsWith("chaos stop"), byA.toString());
        }
        Ran none = chaos("stop", "--all");
        assertEquals(0, none.exit(), none.err());
        assertTrue(none.out().contains("No run is going on"), none.out());
    }

    private static void waitFor(BooleanSupplier what, Process run, Path console, String description) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!what.getAsBoolean()) {
            assertTrue(run.isAlive(), description + ": the run ended:\n" + read(console));
            assertTrue(System.nanoTime() < deadline, description + ": never happened:\n" + read(console));
            Thread.sleep(50);
        }
    }

    private static int toxics(FaultEngine engine) {
        return engine.proxies().values().stream().mapToInt(x -> x.toxics().size()).sum();
    }

    private static int count(String text, String what) {
        int n = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) n++;
        return n;
    }

    private static String read(Path f) {
        try {
            return Files.readString(f, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}
