package io.chaosplaybooks.dsl;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Every word of the language, once: where it is understood, how it is written, what it does and an
 * example that works as a REPL input. The contexts take their "did you mean" lists and usage lines
 * from here, and the REPL its completion and help; a test fails when a context understands a word
 * this table lacks.
 */
public final class Vocabulary {
    private Vocabulary() {}

    /**
     * Where a word is understood: the top of a file and {@code playbook { }}; {@code load { }}; a block of steps (a
     * scenario's body, {@code parallel}, {@code repeat}, {@code step}); a scenario beyond its steps; after another word.
     */
    public enum Block { PLAYBOOK, LOAD, STEPS, SCENARIO, CONTINUATION }

    /** The units a number takes: {@code 30.s}, {@code 64.KB} (1 KB = 1000 bytes), {@code 10.percent}. */
    public static final List<String> UNITS = List.of("us", "ms", "millis", "s", "second", "seconds", "min", "minute", "minutes",
        "h", "hour", "hours", "byte", "bytes", "KB", "MB", "KBps", "MBps", "percent", "perSecond");

    /**
     * @param usage   how it is written, for "write it as" in messages; null where the example says it
     * @param example a REPL input that uses it; null where none can run in the REPL
     */
    public record Word(String word, Block block, String what, String usage, String example) {}

    public static final List<Word> ALL = List.of(
        w("playbook", Block.PLAYBOOK, "Names the playbook; its block holds the rest.", "playbook \"name\" { ... }", null),
        w("description", Block.PLAYBOOK, "What the playbook is about.", "description \"...\"", null),
        w("servers", Block.PLAYBOOK, "How many servers the run provides, each behind a proxy.", "servers 3", null),
        w("server", Block.PLAYBOOK, "A named server, optionally at an address of yours; listen:, toxiproxy: and proxy: say where its proxy is.",
            "server \"cache-a\", \"10.0.0.5:11211\", listen: \"0.0.0.0:21211\", toxiproxy: \"http://10.0.0.5:8474\"", null),
        w("none", Block.PLAYBOOK, "In load none: faults only, the built-in load does not run.", "load none", null),
        w("load", Block.PLAYBOOK, "The traffic during the scenarios; in the REPL the settings given replace the current ones and the load restarts with them.",
            "load { clients 100 }", "load { clients 20 }"),
        w("scenario", Block.PLAYBOOK, "Defines a scenario (in the REPL: for run).",
            "scenario \"name\" { ... }", "scenario \"blip\" { inject down() on server(1) for 2.s; recover 3.s }"),
        w("prometheus", Block.PLAYBOOK, "The Prometheus that prometheus(...) probes ask (chaos run --prometheus overrides it).",
            "prometheus \"http://127.0.0.1:9090\"", null),
        w("include", Block.PLAYBOOK, "Reads a library file or the shipped library.", "include \"stdlib:packet-loss\"", null),
        w("template", Block.PLAYBOOK, "A block with parameters that playbooks call with their own values.",
            "template(\"name\") { String name -> scenario(name) { ... } }", null),
        w("schedule", Block.PLAYBOOK, "When chaos serve runs the whole playbook: a cron expression (Unix, 5 fields; or Quartz, with seconds), "
            + "in the machine's zone unless zone: names one.", "schedule \"0 3 * * MON-FRI\", zone: \"Europe/Paris\"", null),
        w("every", Block.PLAYBOOK, "chaos serve runs the whole playbook at that period, counted from when it first loads it.", "every 6.h", null),
        w("once", Block.PLAYBOOK, "chaos serve runs the whole playbook once, at a local date and time.", "once at: \"2027-01-15T03:00\"", null),
        w("clients", Block.LOAD, "Closed loop: that many workers.", "clients 100", "load { clients 20 }"),
        w("rate", Block.LOAD, "Open loop: a fixed arrival rate.", "rate 5_000.perSecond", "load { rate 500.perSecond }"),
        w("mix", Block.LOAD, "Shares of get, set and delete (adding up to 1).", "mix get: 0.9, set: 0.1", "load { mix get: 0.8, set: 0.2 }"),
        w("keys", Block.LOAD, "Size of the key space.", "keys 10_000", "load { keys 5_000 }"),
        w("distribution", Block.LOAD, "How keys are drawn: uniform or zipfian.", "distribution \"zipfian\"", "load { distribution \"zipfian\" }"),
        w("valueSize", Block.LOAD, "Bytes per value written (1 KB = 1000 bytes).", "valueSize 100.bytes", "load { valueSize 1.KB }"),
        w("timeout", Block.LOAD, "Per-operation timeout.", "timeout 100.ms", "load { timeout 200.ms }"),
        w("breaker", Block.LOAD, "The circuit breaker per server.",
            "breaker failureRate: 50.percent, openFor: 5.s, window: 100, halfOpenCalls: 10, slowCall: 100.ms, slowCallRate: 100.percent",
            "load { breaker failureRate: 50.percent, openFor: 5.s }"),
        w("stabilize", Block.STEPS, "A phase without faults (the session's faults are removed first).", "stabilize 30.s", "stabilize 1.s"),
        w("inject", Block.STEPS, "Puts faults on servers. Without 'for' they stay until heal; in the REPL with 'for' it returns at once "
            + "and the faults end by themselves (status shows the time left).", "inject packetLoss(0.1) on server(1) for 1.min",
            "inject latency(200.ms) on server(2) for 10.s"),
        w("on", Block.STEPS, "Names the servers of an inject.", null, null),
        w("for", Block.STEPS, "How long an inject lasts.", null, null),
        w("recover", Block.STEPS, "Faults removed, healing observed for that long.", "recover 60.s", "recover 1.s"),
        w("wait", Block.STEPS, "Time passes; nothing changes.", "wait 10.s", "wait 1.s"),
        w("heal", Block.STEPS, "Removes faults: all of them, or those on a target.", "heal, or heal server(1)", "heal server(1)"),
        w("parallel", Block.STEPS, "Branches that start together; ends with the longest.",
            "parallel { ... }", "parallel { inject latency(50.ms) on server(1) for 1.s; inject packetLoss(0.05) on server(2) for 1.s }"),
        w("repeat", Block.STEPS, "The same steps, n times.", "repeat(3) { ... }", "repeat(2) { inject down() on server(3) for 500.ms; wait 500.ms }"),
        w("step", Block.STEPS, "A named group of steps, with an optional delay before it.",
            "step \"name\", delayBefore: 5.s, continueOnFailure: true, { ... }", "step \"blip\", { inject down() on server(1) for 1.s }"),
        w("latency", Block.STEPS, "Delay (downstream by default), with optional jitter.",
            "latency(500.ms) or latency(500.ms, jitter: 50.ms)", "inject latency(500.ms, jitter: 50.ms) on server(1)"),
        w("packetLoss", Block.STEPS, "TCP loss emulation, a share 0..1 or a percent (both directions).",
            "packetLoss(0.1) or packetLoss(10.percent)", "inject packetLoss(10.percent) on server(1) for 10.s"),
        w("bandwidth", Block.STEPS, "Caps the rate (KB/s, 1 KB = 1000 bytes; 0 stalls).", "bandwidth(64.KBps)", "inject bandwidth(64.KBps) on server(1)"),
        w("timeout", Block.STEPS, "Data dropped; the connection closed after the time.", "timeout(5.s)", "inject timeout(5.s) on server(1)"),
        w("blackhole", Block.STEPS, "Data dropped, never closed.", "blackhole()", "inject blackhole() on server(1)"),
        w("resetPeer", Block.STEPS, "Connections reset (RST), optionally after a time.",
            "resetPeer() or resetPeer(after: 1.s)", "inject resetPeer(after: 1.s) on server(1)"),
        w("slowClose", Block.STEPS, "Closing delayed.", "slowClose(2.s)", "inject slowClose(2.s) on server(1)"),
        w("slicer", Block.STEPS, "Data cut in small pieces with a delay between them.",
            "slicer(averageSize: 64.bytes, sizeVariation: 32.bytes, delay: 10.ms)",
            "inject slicer(averageSize: 64.bytes, sizeVariation: 32.bytes, delay: 10.ms) on server(1)"),
        w("limitData", Block.STEPS, "Connections closed after that much data.", "limitData(64.KB)", "inject limitData(64.KB) on server(1)"),
        w("down", Block.STEPS, "The proxy is disabled: connections refused.", "down()", "inject down() on server(3) for 5.s"),
        w("server", Block.STEPS, "One server, numbered from 1 or by name.", "server(1) or server(\"cache-a\")", "inject latency(100.ms) on server(1)"),
        w("servers", Block.STEPS, "Several servers.", "servers(1, 2), servers(1..2) or servers(\"a\", \"b\")", "inject latency(100.ms) on servers(1, 2)"),
        w("allServers", Block.STEPS, "Every server.", "allServers", "inject latency(20.ms) on allServers"),
        w("randomServers", Block.STEPS, "Servers drawn from the run's seed.", "randomServers(2)", "inject latency(20.ms) on randomServers(1)"),
        w("description", Block.SCENARIO, "What the scenario shows.", "description \"what this scenario shows\"", null),
        w("tags", Block.SCENARIO, "Words to select scenarios by (chaos run --tags).", "tags \"latency\", \"multi-server\"", null),
        w("expect", Block.SCENARIO, "An expectation; in the REPL judged now, over the last 5 s of load.",
            "expect errorRate < 1.percent during stabilize", "expect errorRate < 1.percent"),
        w("errorRate", Block.SCENARIO, "Failed / attempted operations, a share.", "expect errorRate < 5.percent", "expect errorRate < 5.percent"),
        w("throughput", Block.SCENARIO, "Operations per second.", "expect throughput > 100.perSecond", "expect throughput > 100.perSecond"),
        w("p50", Block.SCENARIO, "The median latency.", "expect p50 < 5.ms", "expect p50 < 50.ms"),
        w("p90", Block.SCENARIO, "A latency percentile.", "expect p90 < 10.ms", "expect p90 < 50.ms"),
        w("p95", Block.SCENARIO, "A latency percentile.", "expect p95 < 20.ms", "expect p95 < 50.ms"),
        w("p99", Block.SCENARIO, "A latency percentile (also p50, p90, p95, p999).", "expect p99 < 50.ms", "expect p99 < 50.ms"),
        w("p999", Block.SCENARIO, "A latency percentile.", "expect p999 < 100.ms", "expect p999 < 100.ms"),
        w("breaker", Block.SCENARIO, "A server's circuit breaker: .opened, .closed, .stayedClosed.", "breaker(server(1)).opened", "expect breaker(server(1)).closed"),
        w("schedule", Block.SCENARIO, "When chaos serve runs this scenario: cron, Unix (5 fields) or Quartz (syntax: \"quartz\", with seconds).",
            "schedule \"0 */10 * * * ?\", syntax: \"quartz\"", null),
        w("every", Block.SCENARIO, "chaos serve runs this scenario at that period.", "every 30.min", null),
        w("once", Block.SCENARIO, "chaos serve runs this scenario once, at a local date and time.", "once at: \"2027-01-15T03:00\", zone: \"UTC\"", null),
        w("recoveredWithin", Block.SCENARIO, "Back to the stabilize baseline within that long after the faults are removed.", "recoveredWithin(20.s)", null),
        w("require", Block.SCENARIO, "A gate: judged before the first fault; if it fails, the scenario is aborted before any fault.",
            "require errorRate < 1.percent during stabilize", null),
        w("abortWhen", Block.SCENARIO, "Checked every second while faults are on; when it holds, every fault is removed and the scenario is aborted.",
            "abortWhen errorRate > 50.percent", null),
        w("prometheus", Block.SCENARIO, "A probe: an instant query of the run's Prometheus, once a second; compared with a number.",
            "expect prometheus(\"sum(rate(app_errors_total[30s]))\") < 0.01 during inject", null),
        w("http", Block.SCENARIO, "A probe: a GET once a second (every:, timeout: settable); read .status, .latency or .body.",
            "expect http(\"http://127.0.0.1:8080/health\", every: 2.s, timeout: 500.ms).status == 200 during recover", null),
        w("during", Block.CONTINUATION, "The window of an expectation: a phase or a step's name.", "expect p99 < 50.ms during recover", null),
        w("upstream", Block.CONTINUATION, "A fault on client-to-server data only.", "latency(100.ms).upstream", "inject latency(100.ms).upstream on server(1)"),
        w("downstream", Block.CONTINUATION, "A fault on server-to-client data only.", "packetLoss(0.1).downstream", "inject packetLoss(0.1).downstream on server(1)"),
        w("toxicity", Block.CONTINUATION, "The share of connections a fault applies to.",
            "latency(100.ms).toxicity(0.5)", "inject latency(100.ms).toxicity(0.5) on server(1)"),
        w("opened", Block.CONTINUATION, "The breaker opened at least once in the window.", "breaker(server(1)).opened during inject", null),
        w("closed", Block.CONTINUATION, "The breaker was closed at the window's end.", "breaker(server(1)).closed during recover", null),
        w("stayedClosed", Block.CONTINUATION, "The breaker never opened in the window.", "breaker(server(1)).stayedClosed during inject", null),
        w("status", Block.CONTINUATION, "An http probe's status code.", "http(url).status == 200", null),
        w("latency", Block.CONTINUATION, "An http probe's time to the whole response.", "http(url).latency < 200.ms", null),
        w("body", Block.CONTINUATION, "An http probe's response body: .contains(\"text\").", "http(url).body.contains(\"ok\")", null),
        w("contains", Block.CONTINUATION, "The body has this text.", "http(url).body.contains(\"ok\")", null));

    private static Word w(String word, Block block, String what, String usage, String example) {
        return new Word(word, block, what, usage, example);
    }

    /** The words understood in {@code block}, in the table's order. */
    public static List<String> words(Block block) {
        return ALL.stream().filter(w -> w.block() == block).map(Word::word).toList();
    }

    /** Every word once, in the table's order. */
    public static Set<String> all() {
        return ALL.stream().map(Word::word).collect(Collectors.toCollection(LinkedHashSet::new));
    }

    public static Optional<Word> find(String word, Block block) {
        return ALL.stream().filter(w -> w.word().equals(word) && w.block() == block).findFirst();
    }

    /** "; did you mean 'x'?" for the nearest of {@code known}, or empty: the language's one suggestion rule. */
    public static String didYouMean(String word, java.util.Collection<String> known) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        String lower = word.toLowerCase(java.util.Locale.ROOT);
        for (String k : known) {
            int d = distance(lower, k.toLowerCase(java.util.Locale.ROOT));
            if (d < bestDistance) {
                best = k;
                bestDistance = d;
            }
        }
        if (best == null) return "";
        String b = best.toLowerCase(java.util.Locale.ROOT);
        boolean near = bestDistance <= Math.max(2, word.length() / 3) || b.startsWith(lower) || lower.startsWith(b);
        return near ? "; did you mean '" + best + "'?" : "";
    }

    /** Levenshtein distance. */
    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) prev[j] = j;
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
