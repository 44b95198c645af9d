package io.chaosplaybooks.cli;

/**
 * A failure the user can act on: printed as one line (no stack trace). Its type says what went
 * wrong, and {@link ChaosCommand#exitCodeFor(Throwable)} alone turns that into an exit code.
 */
public abstract sealed class UserFacingException extends RuntimeException {
    private UserFacingException(String message) {
        super(message);
    }

    /** The playbook or the command line is wrong (exit 2). */
    public static final class Invalid extends UserFacingException {
        public Invalid(String message) {
            super(message);
        }
    }

    /** Something failed while doing what was asked: a server, a port, a file (exit 3). */
    public static final class Failed extends UserFacingException {
        public Failed(String message) {
            super(message);
        }
    }
}
