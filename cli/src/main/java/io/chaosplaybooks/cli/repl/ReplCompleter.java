package io.chaosplaybooks.cli.repl;

import io.chaosplaybooks.dsl.Vocabulary;
import org.jline.reader.Candidate;
import org.jline.reader.Completer;
import org.jline.reader.LineReader;
import org.jline.reader.ParsedLine;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Tab completion: DSL words, fault names, commands, server names and scenario names (these two quoted). */
final class ReplCompleter implements Completer {

    private final ReplEvaluator evaluator;

    ReplCompleter(ReplEvaluator evaluator) {
        this.evaluator = evaluator;
    }

    /** Every candidate, in order: commands, words, faults, quoted server and scenario names. */
    Set<String> candidates() {
        Set<String> all = new LinkedHashSet<>(ReplHelp.COMMANDS);
        all.add("run");
        all.addAll(Vocabulary.all());
        all.addAll(Vocabulary.UNITS);
        for (String s : evaluator.session().serverNames()) all.add("\"" + s + "\"");
        for (String s : evaluator.allScenarios().keySet()) all.add("\"" + s + "\"");
        return all;
    }

    @Override
    public void complete(LineReader reader, ParsedLine line, List<Candidate> candidates) {
        for (String c : candidates()) candidates.add(new Candidate(c, c, null, null, null, null, true));
    }
}
