package io.chaosplaybooks.cli;

import io.chaosplaybooks.dsl.PlaybookLoader;
import io.chaosplaybooks.runtime.proxy.FaultEngine;
import io.chaosplaybooks.runtime.proxy.ProxySpec;
import io.chaosplaybooks.runtime.proxy.ToxiproxyHttpApi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Layer 3 of the REPL's tests: {@code bin/chaos repl} as a process, driven through its standard
 * input; what it prints, its exit code, and that nothing it started is left running.
 */
class ReplIT {
    static final Path ROOT = RunIT.ROOT;

    static Process start(Path dir, Path out, String... args) throws IOException {
        return start(dir, out, java.util.Map.of(), args);
    }

    static Process start(Path dir, Path out, java.util.Map<String, String> env, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(ROOT.resolve("bin/chaos").toString(), "repl"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).redirectOutput(out.toFile());
        pb.environment().putAll(env);
        return pb.start();
    }

    /** Every address of the form name=host:port in the output (servers the session started). */
    static List<String> startedServers(String console) {
        List<String> a = new ArrayList<>();
        Matcher m = Pattern.compile("server-\\d+=(127\\.0\\.0\\.1:\\d+)").matcher(console);
        while (m.find()) a.add(m.group(1));
        return a;
    }

    /** Proxy addresses printed by status. */
    static List<String> proxies(String console) {
        List<String> a = new ArrayList<>();
        Matcher m = Pattern.compile("(?m)^  server-\\d+\\s+\\S+\\s+(127\\.0\\.0\\.1:\\d+)").matcher(console);
        while (m.find()) a.add(m.group(1));
        return a;
    }

    static boolean answers(String address) {
        String[] hp = address.split(":");
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(hp[0], Integer.parseInt(hp[1])), 500);
            return true;
        } catch (IOException refused) {
            return false;
        }
    }

    @Test
    void aPipedScriptRunsAndEverythingIsStoppedAtItsEnd(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("out.txt");
        Process p = start(dir, out);
        try (OutputStream in = p.getOutputStream()) {
            in.write("""
                status
                inject latency(200.ms) on server(2)
                inject packetLoss(0.1) on server(1) for 1.s
                status
                inject latency(5.ms) on server(4)
                expect errorRate < 100.percent
                load { clients 5 }
                wait 1.s
                heal server(2)
                :save saved.groovy
                """.getBytes(StandardCharsets.UTF_8));
        }
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the session ends at the end of its input");
        String console = Files.readString(out, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), console);
        assertTrue(console.contains("chaos> inject latency(200.ms) on server(2)\n"), console);
        assertTrue(console.contains("on: latency(200 ms) on server-2 (until heal)"), console);
        assertTrue(console.contains("ended: inject packetLoss(0.1) on server(1) for 1.s"), console);
        assertTrue(console.contains("packetLoss(10%) on server-1  "), console);
        assertTrue(console.contains("<input>:1:25: server(4) does not exist"), console);
        assertTrue(console.contains("PASS errorRate < 100%"), console);
        assertTrue(console.contains("load: 5 clients"), console);
        assertTrue(console.contains("healed 1 fault on server(2)"), console);
        assertTrue(console.contains("session ended; nothing is left running"), console);
        assertTrue(new PlaybookLoader().load(dir.resolve("saved.groovy")).ok(), "the saved session validates");
        List<String> servers = startedServers(console);
        List<String> proxies = proxies(console);
        assertEquals(3, proxies.size(), console);
        for (String a : proxies) assertFalse(answers(a), "proxy " + a + " is gone");
        for (String a : servers) assertFalse(answers(a), "server " + a + " is stopped");
    }

    /** Ctrl-C while a scenario runs: it stops, its faults are removed, the session goes on; at the end nothing of it is left on Toxiproxy. */
    @Test
    void interruptCancelsTheRunningStatementAndLeavesNoFault(@TempDir Path dir) throws Exception {
        try (FaultEngine engine = new FaultEngine(); ToxiproxyHttpApi api = ToxiproxyHttpApi.start(engine, "127.0.0.1", 0)) {
            engine.createProxy(ProxySpec.of("someone-elses", "127.0.0.1:0", "127.0.0.1:9"));
            Path out = dir.resolve("out.txt");
            Process p = start(dir, out, "--toxiproxy", "http://127.0.0.1:" + api.port());
            OutputStream in = p.getOutputStream();
            in.write("scenario \"long\" { inject latency(100.ms) on servers(1, 2) for 1.min }\nrun \"long\"\n".getBytes(StandardCharsets.UTF_8));
            in.flush();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (engine.proxies().values().stream().mapToInt(x -> x.toxics().size()).sum() < 2) {
                assertTrue(p.isAlive(), "ended early:\n" + Files.readString(out));
                assertTrue(System.nanoTime() < deadline, "the scenario did not start in time:\n" + Files.readString(out));
                Thread.sleep(50);
            }
            new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor();
            deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (engine.proxies().values().stream().mapToInt(x -> x.toxics().size()).sum() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertEquals(0, engine.proxies().values().stream().mapToInt(x -> x.toxics().size()).sum(), "Ctrl-C removed the faults");
            assertTrue(p.isAlive(), "the session goes on after Ctrl-C:\n" + Files.readString(out));
            in.write("status\n:quit\n".getBytes(StandardCharsets.UTF_8));
            in.close();
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
            String console = Files.readString(out, StandardCharsets.UTF_8);
            assertEquals(0, p.exitValue(), console);
            assertTrue(console.contains("cancelled"), console);
            assertTrue(console.contains("faults: none"), console);
            assertEquals(List.of("someone-elses"), List.copyOf(engine.proxies().keySet()), "only the proxy the session did not create is left");
            for (String a : startedServers(console)) assertFalse(answers(a), "server " + a + " is stopped");
        }
    }

    /** Ctrl-C on piped input with no statement running ends the session: everything cleaned up, exit 130, without System.exit in the command. */
    @Test
    void interruptBetweenStatementsEndsTheSessionWith130(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("out.txt");
        Process p = start(dir, out);
        OutputStream in = p.getOutputStream();
        in.write("inject latency(10.ms) on server(1)\n".getBytes(StandardCharsets.UTF_8));
        in.flush();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (!Files.readString(out, StandardCharsets.UTF_8).contains("on: latency")) {
            assertTrue(p.isAlive() && System.nanoTime() < deadline, "the inject did not happen:\n" + Files.readString(out));
            Thread.sleep(50);
        }
        new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the session ended on Ctrl-C with its input still open");
        String console = Files.readString(out, StandardCharsets.UTF_8);
        assertEquals(130, p.exitValue(), console);
        assertTrue(console.contains("session ended; nothing is left running"), console);
        for (String a : startedServers(console)) assertFalse(answers(a), "server " + a + " is stopped");
        in.close();
    }
    @Test
    void anotherShellSeesTheSessionAndItsFaultAndChaosStopEndsItWith130(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("out.txt");
        java.util.Map<String, String> env = java.util.Map.of("CHAOS_RUNTIME_DIR", dir.resolve("rt").toString());
        Process p = start(dir, out, env);
        OutputStream in = p.getOutputStream();
        in.write("inject latency(10.ms) on server(1)\n".getBytes(StandardCharsets.UTF_8));
        in.flush();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (!Files.readString(out, StandardCharsets.UTF_8).contains("on: latency")) {
            assertTrue(p.isAlive() && System.nanoTime() < deadline, "the inject did not happen:\n" + Files.readString(out));
            Thread.sleep(50);
        }
        Path answer = dir.resolve("answer.txt");
        ProcessBuilder status = new ProcessBuilder(ROOT.resolve("bin/chaos").toString(), "status", "--format", "json")
            .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(answer.toFile());
        status.environment().putAll(env);
        assertEquals(0, status.start().waitFor(), Files.readString(answer));
        var listed = io.chaosplaybooks.runtime.control.LiveStatus.parseList(Files.readString(answer));
        assertEquals(1, listed.size(), Files.readString(answer));
        var session = listed.get(0);
        assertEquals(p.pid(), (long) session.pid(), "the session's JVM");
        assertEquals("running", session.state());
        assertEquals("server-1", session.faults().get(0).server());
        assertEquals("latency(10 ms)", session.faults().get(0).fault());

        ProcessBuilder stop = new ProcessBuilder(ROOT.resolve("bin/chaos").toString(), "stop", session.runId())
            .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(answer.toFile());
        stop.environment().putAll(env);
        assertEquals(0, stop.start().waitFor(), Files.readString(answer));
        String stopped = Files.readString(answer);
        assertTrue(stopped.contains("Stopped " + session.runId()) && stopped.contains("fault inject latency(10.ms) on server(1)"), stopped);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the session ended on chaos stop with its input still open");
        String console = Files.readString(out, StandardCharsets.UTF_8);
        assertEquals(130, p.exitValue(), console);
        assertTrue(console.contains("session ended; nothing is left running"), console);
        for (String a : startedServers(console)) assertFalse(answers(a), "server " + a + " is stopped");
        in.close();
    }
}
