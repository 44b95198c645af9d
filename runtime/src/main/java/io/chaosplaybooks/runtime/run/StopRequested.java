package io.chaosplaybooks.runtime.run;

/**
 * The run was asked to stop (Ctrl-C, SIGTERM, a thread interrupt) before it got going: an interruption
 * (exit 130), not a runtime error. Thrown once what the run had started is taken down.
 */
public final class StopRequested extends RuntimeException {
    private final String stage;

    public StopRequested(String stage) {
        super("stopped during start-up (" + stage + ")");
        this.stage = stage;
    }

    /** The start-up stage under way when the stop came: one of {@link StopRequest#STAGES}. */
    public String stage() {
        return stage;
    }
}
