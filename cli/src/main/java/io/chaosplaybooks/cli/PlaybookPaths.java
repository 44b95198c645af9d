package io.chaosplaybooks.cli;

import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.List;

/** The arguments of the commands that read many playbooks and print for people or machines. */
final class PlaybookPaths {
    @Parameters(arity = "1..*", paramLabel = "FILE|DIR", description = "Playbooks, or folders searched for *.groovy.")
    List<Path> paths;

    @Option(names = "--format", paramLabel = "text|json", description = "Output: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    OutputFormat format = OutputFormat.text;

    List<Path> files() {
        return PlaybookFiles.expand(paths);
    }
}
