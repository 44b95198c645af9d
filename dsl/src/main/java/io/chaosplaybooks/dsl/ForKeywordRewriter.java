package io.chaosplaybooks.dsl;

import groovyjarjarantlr4.v4.runtime.CharStreams;
import groovyjarjarantlr4.v4.runtime.Token;
import org.apache.groovy.parser.antlr4.GroovyLangLexer;
import org.apache.groovy.parser.antlr4.GroovySyntaxError;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Set;

/**
 * {@code inject f on server(1) for 1.min}: Groovy reads {@code for} as the loop keyword. Before
 * parsing, the {@code for} that continues a command chain is replaced by {@link #WORD}, an
 * identifier of the same length, so every line and column in later errors still points at the
 * user's text. Groovy's own lexer finds the keyword, so strings and comments are never touched.
 *
 * <p>A loop's {@code for} starts a statement (after a newline, {@code ;}, {@code {}, {@code }},
 * {@code else}, {@code ->}) or follows the closing parenthesis of an {@code if}/{@code while}/
 * {@code for} head; every other {@code for} is the DSL's.
 */
public final class ForKeywordRewriter {
    /** What the DSL's {@code for} becomes; the inject stage offers it as a method. */
    public static final String WORD = "FOR";

    private static final Set<String> STATEMENT_BOUNDARIES =
        Set.of("NL", "SEMI", "LBRACE", "RBRACE", "ELSE", "ARROW", "COLON");
    private static final Set<String> HEAD_KEYWORDS = Set.of("IF", "WHILE", "FOR", "SWITCH");

    private ForKeywordRewriter() {}

    public static String rewrite(String source) {
        GroovyLangLexer lexer = new GroovyLangLexer(CharStreams.fromString(source));
        lexer.removeErrorListeners();
        var vocabulary = lexer.getVocabulary();
        char[] out = null;
        String previous = null; // symbolic name of the previous significant token; null at start
        // For each open '(' whether it opened an if/while/for/switch head.
        Deque<Boolean> parens = new ArrayDeque<>();
        boolean lastClosedHead = false;
        try {
            for (Token t = lexer.nextToken(); t.getType() != Token.EOF; t = lexer.nextToken()) {
                if (t.getChannel() != Token.DEFAULT_CHANNEL) continue;
                String name = vocabulary.getSymbolicName(t.getType());
                if (name == null) name = "";
                if ("FOR".equals(name)) {
                    boolean loop = previous == null || STATEMENT_BOUNDARIES.contains(previous)
                        || ("RPAREN".equals(previous) && lastClosedHead);
                    if (!loop) {
                        if (out == null) out = source.toCharArray();
                        for (int i = 0; i < WORD.length(); i++) out[t.getStartIndex() + i] = WORD.charAt(i);
                        name = "IDENTIFIER";
                    }
                }
                if ("LPAREN".equals(name)) {
                    parens.push(HEAD_KEYWORDS.contains(previous));
                } else if ("RPAREN".equals(name)) {
                    lastClosedHead = !parens.isEmpty() && parens.pop();
                }
                previous = name;
            }
        } catch (RuntimeException | GroovySyntaxError lexError) {
            // A source the lexer cannot read (an unclosed string throws GroovySyntaxError, an AssertionError):
            // keep what was rewritten so far and let the parser report where.
            return out == null ? source : new String(out);
        }
        return out == null ? source : new String(out);
    }

    /**
     * Where the braces of a source do not match, for a hint after a syntax error (Groovy reports an
     * unclosed block at the construct around it); null when they match or the lexer cannot tell.
     */
    public static String braceMismatch(String source) {
        GroovyLangLexer lexer = new GroovyLangLexer(CharStreams.fromString(source));
        lexer.removeErrorListeners();
        var vocabulary = lexer.getVocabulary();
        Deque<Token> open = new ArrayDeque<>();
        try {
            for (Token t = lexer.nextToken(); t.getType() != Token.EOF; t = lexer.nextToken()) {
                String name = vocabulary.getSymbolicName(t.getType());
                if ("LBRACE".equals(name)) {
                    open.push(t);
                } else if ("RBRACE".equals(name)) {
                    if (open.isEmpty()) return "the '}' at " + t.getLine() + ":" + (t.getCharPositionInLine() + 1) + " has no matching '{'";
                    open.pop();
                }
            }
        } catch (RuntimeException | GroovySyntaxError lexError) {
            return null;
        }
        if (open.isEmpty()) return null;
        Token t = open.peek();
        return "the '{' at " + t.getLine() + ":" + (t.getCharPositionInLine() + 1) + " is never closed";
    }
}
