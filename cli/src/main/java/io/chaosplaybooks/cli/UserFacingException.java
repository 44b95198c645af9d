package io.chaosplaybooks.cli;

/**
 * A failure the user can act on: printed as one line (no stack trace) and mapped to an exit code.
 */
public class UserFacingException extends RuntimeException {
    private final int exitCode;

    public UserFacingException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public UserFacingException(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
