package io.chaosplaybooks.cli;

/**
 * The process exit codes: part of the interface, documented in the README, mapped in one place
 * ({@link ChaosCommand#exitCodeFor(Throwable)}).
 */
public final class ExitCodes {
    /** Everything ran and every expectation held. */
    public static final int OK = 0;
    /** A scenario failed its expectations. */
    public static final int SCENARIO_FAILED = 1;
    /** The playbook is invalid, or the command line is. */
    public static final int INVALID = 2;
    /** A runtime error: a server unreachable, a port in use, an I/O failure. */
    public static final int RUNTIME_ERROR = 3;
    /** Stopped by Ctrl-C or SIGTERM, after cleaning up (128 + SIGINT, as shells report it). */
    public static final int INTERRUPTED = 130;

    private ExitCodes() {}
}
