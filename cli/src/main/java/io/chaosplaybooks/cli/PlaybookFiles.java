package io.chaosplaybooks.cli;

import io.chaosplaybooks.dsl.LoadResult;
import io.chaosplaybooks.dsl.PlaybookLoader;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The options every command that reads playbooks shares, and how paths become files. */
final class PlaybookFiles {
    @Option(names = "--lib", paramLabel = "DIR",
        description = "A library root for include \"NAME\" (repeatable); searched after the including file's folder, "
            + "before the entries of CHAOS_PATH.")
    List<Path> libraries = new ArrayList<>();

    PlaybookLoader loader() {
        return PlaybookLoader.withEnvironment(libraries);
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
