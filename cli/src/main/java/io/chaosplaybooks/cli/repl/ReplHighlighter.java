package io.chaosplaybooks.cli.repl;

import io.chaosplaybooks.dsl.Vocabulary;
import io.chaosplaybooks.dsl.plan.FaultType;
import org.jline.reader.Highlighter;
import org.jline.reader.LineReader;
import org.jline.utils.AttributedString;
import org.jline.utils.AttributedStringBuilder;
import org.jline.utils.AttributedStyle;

import java.util.HashSet;
import java.util.Set;
import java.util.regex.Pattern;

/** Colours as the user types: words of the language bold, fault names yellow, strings green, numbers cyan, comments faint. */
final class ReplHighlighter implements Highlighter {
    private static final Set<String> FAULTS = new HashSet<>();

    static {
        for (FaultType t : FaultType.values()) FAULTS.add(t.word());
    }

    @Override
    public AttributedString highlight(LineReader reader, String buffer) {
        AttributedStringBuilder sb = new AttributedStringBuilder();
        int i = 0;
        while (i < buffer.length()) {
            char c = buffer.charAt(i);
            int end;
            AttributedStyle style = AttributedStyle.DEFAULT;
            if (c == '"' || c == '\'') {
                end = i + 1;
                while (end < buffer.length() && buffer.charAt(end) != c) end++;
                end = Math.min(buffer.length(), end + 1);
                style = AttributedStyle.DEFAULT.foreground(AttributedStyle.GREEN);
            } else if (c == '/' && i + 1 < buffer.length() && buffer.charAt(i + 1) == '/') {
                end = buffer.indexOf('\n', i);
                if (end < 0) end = buffer.length();
                style = AttributedStyle.DEFAULT.faint();
            } else if (Character.isDigit(c)) {
                end = i;
                while (end < buffer.length() && (Character.isDigit(buffer.charAt(end)) || buffer.charAt(end) == '_')) end++;
                style = AttributedStyle.DEFAULT.foreground(AttributedStyle.CYAN);
            } else if (Character.isJavaIdentifierStart(c) || c == ':') {
                end = i + 1;
                while (end < buffer.length() && Character.isJavaIdentifierPart(buffer.charAt(end))) end++;
                String word = buffer.substring(i, end);
                if (FAULTS.contains(word)) style = AttributedStyle.DEFAULT.foreground(AttributedStyle.YELLOW);
                else if (Vocabulary.all().contains(word) || word.equals("run") || ReplHelp.COMMANDS.contains(word)) style = AttributedStyle.BOLD;
            } else {
                end = i + 1;
            }
            sb.styled(style, buffer.substring(i, end));
            i = end;
        }
        return sb.toAttributedString();
    }

    @Override
    public void setErrorPattern(Pattern errorPattern) {}

    @Override
    public void setErrorIndex(int errorIndex) {}
}
