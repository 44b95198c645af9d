package io.chaosplaybooks.cli;

import io.chaosplaybooks.runtime.proxy.FaultEngine;
import io.chaosplaybooks.runtime.proxy.ToxiproxyHttpApi;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Layer 3, on a real pseudo-terminal: {@code chaos repl} inside tmux (a server of its own, killed at
 * the end), for what only a terminal does: Tab completion, Ctrl-C while a statement runs, Ctrl-D, history.
 * Skipped where tmux is not installed.
 */
class ReplTerminalIT {
    final String socket = "chaos-repl-it-" + Integer.toHexString(ThreadLocalRandom.current().nextInt());

    String tmux(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("tmux", "-L", socket));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(10, TimeUnit.SECONDS);
        return out;
    }

    String pane() throws Exception {
        return tmux("capture-pane", "-t", "r", "-p", "-S", "-200");
    }

    void await(String what, BooleanSupplier done, int seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!done.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, what + "; the screen:\n" + pane());
            Thread.sleep(100);
        }
    }

    boolean screenHas(String text) {
        try {
            return pane().contains(text);
        } catch (Exception e) {
            return false;
        }
    }

    static int toxics(FaultEngine engine) {
        return engine.proxies().values().stream().mapToInt(x -> x.toxics().size()).sum();
    }

    @Test
    void completionCtrlCAndCtrlDOnATerminal(@TempDir Path home) throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/tmux")), "tmux is not installed");
        try (FaultEngine engine = new FaultEngine(); ToxiproxyHttpApi api = ToxiproxyHttpApi.start(engine, "127.0.0.1", 0)) {
            String command = "HOME=" + home + " " + RunIT.ROOT.resolve("bin/chaos") + " repl --toxiproxy http://127.0.0.1:" + api.port()
                + "; sleep 600";
            tmux("new-session", "-d", "-s", "r", "-x", "200", "-y", "60", command);
            await("the prompt", () -> screenHas("chaos>"), 120); // capture-pane trims trailing spaces
            tmux("send-keys", "-t", "r", "inj", "Tab");
            await("Tab completes 'inj'", () -> screenHas("chaos> inject"), 10);
            tmux("send-keys", "-t", "r", "latency(20.ms) on server(1)", "Enter");
            await("the inject", () -> screenHas("on: latency(20 ms) on server-1 (until heal)"), 90);
            assertEquals(1, toxics(engine));

            tmux("send-keys", "-t", "r", "scenario \"long\" { inject latency(30.ms) on servers(2, 3) for 1.min }", "Enter");
            tmux("send-keys", "-t", "r", "run \"long\"", "Enter");
            await("the scenario's faults", () -> screenHas("on: latency(30 ms) on server-3") && toxics(engine) == 2, 30);
            tmux("send-keys", "-t", "r", "C-c");
            await("Ctrl-C stops the scenario", () -> screenHas("long: stopped before its end") && toxics(engine) == 0, 30);

            tmux("send-keys", "-t", "r", "status", "Enter");
            await("the session goes on", () -> screenHas("faults: none"), 10);
            String screen = pane();
            for (String a : ReplIT.startedServers(screen)) assertTrue(ReplIT.answers(a), "Ctrl-C did not kill server " + a + ":\n" + screen);

            tmux("send-keys", "-t", "r", "C-d");
            await("Ctrl-D ends the session", () -> screenHas("session ended; nothing is left running"), 60);
            assertEquals(List.of(), List.copyOf(engine.proxies().keySet()), "the session's proxies are gone");
            for (String a : ReplIT.startedServers(pane())) assertTrue(!ReplIT.answers(a), "server " + a + " is stopped");
            String history = Files.readString(home.resolve(".chaos_history"));
            assertTrue(history.contains("run \"long\""), history);
        } finally {
            tmux("kill-server");
        }
    }
}
