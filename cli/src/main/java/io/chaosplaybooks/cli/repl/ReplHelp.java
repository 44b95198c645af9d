package io.chaosplaybooks.cli.repl;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code help [word]}: the language reference for a word, with an example the evaluator accepts (a test checks it). */
final class ReplHelp {
    private ReplHelp() {}

    /** A word of the language or of the REPL: what it does, and an example that works as a REPL input. */
    record Entry(String word, String what, String example) {}

    static final List<String> COMMANDS = List.of("status", "stats", "scenarios", "help", ":load", ":save", ":reset", ":quit");

    static final Map<String, Entry> WORDS = new LinkedHashMap<>();

    private static void word(String word, String what, String example) {
        WORDS.put(word, new Entry(word, what, example));
    }

    static {
        word("inject", "Puts faults on servers. Without 'for' they stay until heal; with 'for' the REPL returns at once "
            + "and the faults end by themselves (status shows the time left).", "inject latency(200.ms) on server(2) for 10.s");
        word("heal", "Removes the session's faults: all of them, or those on a target.", "heal server(1)");
        word("run", "Runs a scenario of the playbook, of a :load-ed file, defined here or of the stdlib, with its phases "
            + "and verdict. The session's faults are healed first; Ctrl-C stops it and removes its faults.", "run \"packet-loss-10-pct\"");
        word("expect", "Judges an expectation now, over the last 5 s of load.", "expect errorRate < 1.percent");
        word("load", "Changes the load: the settings given replace the current ones, the load restarts with them.", "load { clients 20 }");
        word("scenario", "Defines a scenario for run.", "scenario \"blip\" { inject down() on server(1) for 2.s; recover 3.s }");
        word("stabilize", "A phase without faults (the session's faults are removed first).", "stabilize 1.s");
        word("recover", "Faults removed, healing observed for that long.", "recover 1.s");
        word("wait", "Time passes; nothing changes.", "wait 1.s");
        word("parallel", "Branches that start together; ends with the longest.",
            "parallel { inject latency(50.ms) on server(1) for 1.s; inject packetLoss(0.05) on server(2) for 1.s }");
        word("repeat", "The same steps, n times.", "repeat(2) { inject down() on server(3) for 500.ms; wait 500.ms }");
        word("latency", "Delay (downstream by default), with optional jitter.", "inject latency(500.ms, jitter: 50.ms) on server(1)");
        word("packetLoss", "TCP loss emulation, a share 0..1 or a percent (both directions).", "inject packetLoss(10.percent) on server(1) for 10.s");
        word("bandwidth", "Caps the rate (KB/s; 0 stalls).", "inject bandwidth(64.KBps) on server(1)");
        word("timeout", "Data dropped; the connection closed after the time.", "inject timeout(5.s) on server(1)");
        word("blackhole", "Data dropped, never closed.", "inject blackhole() on server(1)");
        word("resetPeer", "Connections reset (RST), optionally after a time.", "inject resetPeer(after: 1.s) on server(1)");
        word("slowClose", "Closing delayed.", "inject slowClose(2.s) on server(1)");
        word("slicer", "Data cut in small pieces with a delay between them.",
            "inject slicer(averageSize: 64.bytes, sizeVariation: 32.bytes, delay: 10.ms) on server(1)");
        word("limitData", "Connections closed after that much data.", "inject limitData(64.KB) on server(1)");
        word("down", "The proxy is disabled: connections refused.", "inject down() on server(3) for 5.s");
        word("server", "One server, numbered from 1 or by name.", "inject latency(100.ms) on server(1)");
        word("servers", "Several servers.", "inject latency(100.ms) on servers(1, 2)");
        word("allServers", "Every server.", "inject latency(20.ms) on allServers");
        word("randomServers", "Servers drawn from the session's seed.", "inject latency(20.ms) on randomServers(1)");
        word("errorRate", "Failed / attempted operations, a share.", "expect errorRate < 5.percent");
        word("throughput", "Operations per second.", "expect throughput > 100.perSecond");
        word("p99", "A latency percentile (also p50, p90, p95, p999).", "expect p99 < 50.ms");
        word("breaker", "A server's circuit breaker: .opened, .closed, .stayedClosed.", "expect breaker(server(1)).closed");
        word("status", "Servers, proxies, active faults with time left, load figures, breaker states.", "status");
        word("stats", "Live figures, once a second, until a key is pressed (or 5 s when the input is not a terminal).", null);
        word("scenarios", "The scenarios that run knows.", "scenarios");
        word(":load", "Reads a playbook file: its scenarios become available to run.", null);
        word(":save", "Writes the session's fault statements, with the waits between them, as a scenario that chaos validate accepts.", null);
        word(":reset", "Removes every fault and forgets the recorded statements; servers and load keep running.", ":reset");
        word(":quit", "Removes every fault, stops the load and the servers, and exits (Ctrl-D too).", null);
    }

    static String help(String word) {
        String w = word.strip();
        if (w.isEmpty()) return overview();
        Entry e = WORDS.get(w);
        if (e == null) {
            for (Entry x : WORDS.values()) if (x.word().equalsIgnoreCase(w) || x.word().equals(":" + w)) e = x;
        }
        if (e == null) {
            return "no help for '" + w + "'; 'help' lists the words\n";
        }
        return e.word() + ": " + e.what() + "\n" + (e.example() == null ? "" : "  example: " + e.example() + "\n");
    }

    private static String overview() {
        StringBuilder sb = new StringBuilder();
        sb.append("Statements of the playbook language run live on the session's servers, e.g.\n");
        sb.append("  inject latency(200.ms) on server(2)            stays until heal\n");
        sb.append("  inject packetLoss(0.1) on server(1) for 10.s   ends by itself\n");
        sb.append("  heal | heal server(1) | load { clients 50 } | run \"name\" | expect errorRate < 1.percent\n");
        sb.append("Commands: ").append(String.join(", ", COMMANDS)).append('\n');
        List<String> words = new ArrayList<>();
        for (String k : WORDS.keySet()) if (!k.startsWith(":") && !COMMANDS.contains(k)) words.add(k);
        sb.append("Words: ").append(String.join(", ", words)).append('\n');
        sb.append("help WORD explains one, with an example. Tab completes; a line with an open { continues on the next.\n");
        return sb.toString();
    }
}
