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

    /** A bracket or string opened and not closed (or closed by the wrong kind), or a closer with no opener. */
    public record Mismatch(int line, int column, String message) {}

    /**
     * The bracket to blame for a syntax error: Groovy reports an unclosed {@code (} where the parser gives
     * up (often the enclosing block's brace), the lexer knows where it was opened. Null when the brackets
     * and strings balance.
     */
    public static Mismatch bracketMismatch(String source) {
        GroovyLangLexer lexer = new GroovyLangLexer(CharStreams.fromString(source));
        lexer.removeErrorListeners();
        var vocabulary = lexer.getVocabulary();
        Deque<Token> open = new ArrayDeque<>();
        try {
            for (Token t = lexer.nextToken(); t.getType() != Token.EOF; t = lexer.nextToken()) {
                String name = vocabulary.getSymbolicName(t.getType());
                if (name == null) name = "";
                switch (name) {
                    case "LPAREN", "LBRACK", "SAFE_INDEX", "GStringBegin" -> open.push(t);
                    case "LBRACE" -> open.push(t);
                    case "RPAREN", "RBRACK", "RBRACE", "GStringEnd" -> {
                        String wanted = switch (name) {
                            case "RPAREN" -> "LPAREN";
                            case "RBRACK" -> "LBRACK";
                            case "RBRACE" -> "LBRACE";
                            default -> "GStringBegin";
                        };
                        if (open.isEmpty()) {
                            return new Mismatch(t.getLine(), t.getCharPositionInLine() + 1, "'" + t.getText() + "' closes nothing: there is no '"
                                + opener(wanted) + "' open before it");
                        }
                        Token top = open.peek();
                        String topName = vocabulary.getSymbolicName(top.getType());
                        if ("SAFE_INDEX".equals(topName)) topName = "LBRACK";
                        if (!wanted.equals(topName)) {
                            return new Mismatch(top.getLine(), top.getCharPositionInLine() + (isInterpolation(top, vocabulary) ? 0 : 1), describe(top, vocabulary)
                                + " is never closed: the '" + t.getText() + "' at " + t.getLine() + ":" + (t.getCharPositionInLine() + 1)
                                + " comes first");
                        }
                        open.pop();
                    }
                    default -> { }
                }
            }
        } catch (GroovySyntaxError e) {
            if (!open.isEmpty() && describe(open.peek(), vocabulary).startsWith("the '${'")) {
                // `"s-${n" {`: the quote meant to end the string opens a new one inside the ${ }.
                Token t = open.peek();
                return new Mismatch(t.getLine(), t.getCharPositionInLine(), describe(t, vocabulary) + " is never closed");
            }
            String at = e.getColumn() > 0 && e.getColumn() - 1 < lineOf(source, e.getLine()).length()
                ? lineOf(source, e.getLine()).substring(e.getColumn() - 1) : "";
            if (at.startsWith("\"") || at.startsWith("'")) {
                int col = e.getColumn();
                String line = lineOf(source, e.getLine());
                // `"""abc`: the lexer reads "" as an empty string and stops at the third quote.
                if (col >= 3 && line.startsWith("\"\"\"", col - 3) || col >= 3 && line.startsWith("'''", col - 3)) col -= 2;
                return new Mismatch(e.getLine(), col, "this string is never closed");
            }
            return null;
        } catch (RuntimeException e) {
            return null;
        }
        if (open.isEmpty()) return null;
        Token t = open.peek();
        return new Mismatch(t.getLine(), t.getCharPositionInLine() + (isInterpolation(t, vocabulary) ? 0 : 1),
            describe(t, vocabulary) + " is never closed");
    }

    /** A '{' that opens the ${ } of a string: reported at its '$'. */
    private static boolean isInterpolation(Token t, groovyjarjarantlr4.v4.runtime.Vocabulary vocabulary) {
        return describe(t, vocabulary).startsWith("the '${'");
    }

    private static String lineOf(String source, int line) {
        String[] lines = source.split("\n", -1);
        return line >= 1 && line <= lines.length ? lines[line - 1] : "";
    }

    private static String opener(String symbolicName) {
        return switch (symbolicName) {
            case "LPAREN" -> "(";
            case "LBRACK" -> "[";
            case "LBRACE" -> "{";
            default -> "\"";
        };
    }

    private static String describe(Token t, groovyjarjarantlr4.v4.runtime.Vocabulary vocabulary) {
        String name = vocabulary.getSymbolicName(t.getType());
        if ("GStringBegin".equals(name)) return "this string";
        if ("LBRACE".equals(name) && t.getText().equals("{") && t.getStartIndex() > 0 && t.getInputStream() != null
            && t.getInputStream().getText(groovyjarjarantlr4.v4.runtime.misc.Interval.of(t.getStartIndex() - 1, t.getStartIndex() - 1)).equals("$")) {
            return "the '${' of this string";
        }
        return "'" + t.getText().replace("?", "") + "'";
    }

    /** An annotation as written: {@code @Grab}, {@code @groovy.transform.ASTTest}. */
    public record Annotation(int line, int column, String name) {}

    /**
     * Every annotation in a source. Annotations start AST transformations, some of which run code while
     * compiling ({@code @ASTTest}) or fetch jars ({@code @Grab}): a playbook has none, so this is checked
     * before the compiler sees the text. {@code x.@field} is not an annotation (the compiler refuses it).
     */
    public static java.util.List<Annotation> annotations(String source) {
        GroovyLangLexer lexer = new GroovyLangLexer(CharStreams.fromString(source));
        lexer.removeErrorListeners();
        var vocabulary = lexer.getVocabulary();
        java.util.List<Annotation> found = new java.util.ArrayList<>();
        String previous = null;
        Token at = null;
        StringBuilder name = null;
        try {
            for (Token t = lexer.nextToken(); t.getType() != Token.EOF; t = lexer.nextToken()) {
                if (t.getChannel() != Token.DEFAULT_CHANNEL) continue;
                String kind = vocabulary.getSymbolicName(t.getType());
                if (kind == null) kind = "";
                if (name != null) {
                    if ((kind.endsWith("Identifier") && (name.isEmpty() || name.charAt(name.length() - 1) == '.')) || ("DOT".equals(kind) && !name.isEmpty())) {
                        name.append(t.getText());
                        previous = kind;
                        continue;
                    }
                    found.add(new Annotation(at.getLine(), at.getCharPositionInLine() + 1, "@" + name));
                    name = null;
                }
                if ("AT".equals(kind) && !"DOT".equals(previous) && !"SAFE_DOT".equals(previous)) {
                    at = t;
                    name = new StringBuilder();
                }
                previous = kind;
            }
        } catch (RuntimeException | GroovySyntaxError lexError) {
            // The parser reports what the lexer could not read.
        }
        if (name != null) found.add(new Annotation(at.getLine(), at.getCharPositionInLine() + 1, "@" + name));
        return found;
    }
}
