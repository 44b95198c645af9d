package io.chaosplaybooks.cli;

public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns the exit code; tests call this instead of {@link #main}. */
    public static int run(String... args) {
        // picocli would otherwise load Groovy's Closure class at start-up (about 350 ms on --version).
        System.setProperty("picocli.disable.closures", "true");
        return ChaosCommand.commandLine(args).execute(args);
    }
}
