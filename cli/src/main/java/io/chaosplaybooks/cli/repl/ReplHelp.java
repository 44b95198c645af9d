package io.chaosplaybooks.cli.repl;

import io.chaosplaybooks.dsl.Vocabulary;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code help [word]}: the language reference for a word (from the language's one table, {@link Vocabulary}) or a
 * REPL command, with an example the evaluator accepts (a test checks it).
 */
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
        // The language's words from its one table, steps first (what a REPL line usually is).
        for (Vocabulary.Block b : List.of(Vocabulary.Block.STEPS, Vocabulary.Block.SCENARIO, Vocabulary.Block.CONTINUATION,
                Vocabulary.Block.LOAD, Vocabulary.Block.PLAYBOOK)) {
            for (Vocabulary.Word w : Vocabulary.ALL) if (w.block() == b && !WORDS.containsKey(w.word())) word(w.word(), w.what(), w.example());
        }
        word("run", "Runs a scenario of the playbook, of a :load-ed file, defined here or of the stdlib, with its phases "
            + "and verdict. The session's faults are healed first; Ctrl-C stops it and removes its faults.", "run \"packet-loss-10-pct\"");
        word("status", "Servers, proxies, active faults with time left, load figures, breaker states.", "status");
        word("stats", "Live figures, once a second, until a key is pressed (or 5 s when the input is not a terminal).", null);
        word("scenarios", "The scenarios that run knows.", "scenarios");
        word(":load", "Reads a playbook file: its scenarios become available to run.", null);
        word(":save", "Writes the session's load settings and fault statements, with the waits between them, as a playbook "
            + "that chaos validate accepts.", null);
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
