package io.chaosplaybooks.cli;

import io.chaosplaybooks.dsl.LoadResult;
import io.chaosplaybooks.dsl.PlaybookLoader;
import picocli.CommandLine;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** The options every command that reads playbooks shares, and how paths become files. */
final class PlaybookFiles {
    @Option(names = "--lib", paramLabel = "DIR",
        description = "A library root for include \"NAME\" (repeatable); searched after the including file's folder, "
            + "before the entries of CHAOS_PATH.")
    List<Path> libraries = new ArrayList<>();

    @Option(names = "--eval-timeout", paramLabel = "DURATION", converter = EvalTimeout.class,
        description = "Stop evaluating a playbook (its loops, blocks and includes) after this much processor time, "
            + "such as 10s, 500ms or 1m; 0 for no limit (default: 10s).")
    Duration evalTimeout = Duration.ofSeconds(10);

    PlaybookLoader loader() {
        PlaybookLoader loader = PlaybookLoader.withEnvironment(libraries);
        loader.setEvalTimeout(evalTimeout);
        return loader;
    }

    /** {@code 10s}, {@code 500ms}, {@code 2m}, or a bare number of seconds. */
    static final class EvalTimeout implements CommandLine.ITypeConverter<Duration> {
        private static final Pattern FORM = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|min)?");

        @Override
        public Duration convert(String value) {
            Matcher m = FORM.matcher(value.trim());
            if (!m.matches()) {
                throw new CommandLine.TypeConversionException("a duration such as 10s, 500ms or 1m, got '" + value + "'");
            }
            double n = Double.parseDouble(m.group(1));
            String unit = m.group(2) == null ? "s" : m.group(2);
            double millis = switch (unit) {
                case "ms" -> n;
                case "m", "min" -> n * 60_000;
                default -> n * 1_000;
            };
            return Duration.ofNanos(Math.round(millis * 1_000_000));
        }
    }

    LoadResult load(Path file) {
        return loader().load(file);
    }

    /** Files as given, and every *.groovy under directories, sorted; a path that does not exist is a usage error. */
    static List<Path> expand(List<Path> paths) {
        List<Path> files = new ArrayList<>();
        for (Path p : paths) {
            if (Files.isDirectory(p)) {
                try (Stream<Path> s = Files.walk(p)) {
                    s.filter(f -> Files.isRegularFile(f) && f.toString().endsWith(".groovy")).sorted().forEach(files::add);
                } catch (IOException e) {
                    throw new UserFacingException.Failed("cannot read " + p + ": " + e.getMessage());
                }
            } else if (Files.isRegularFile(p)) {
                files.add(p);
            } else {
                throw new UserFacingException.Invalid("no such file or directory: " + p);
            }
        }
        return files;
    }
}
