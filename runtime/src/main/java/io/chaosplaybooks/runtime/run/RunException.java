package io.chaosplaybooks.runtime.run;

/** A run could not start or go on: a server unreachable, a port in use. The message says what to do. */
public final class RunException extends Exception {
    public RunException(String message, Throwable cause) {
        super(message, cause);
    }

    public RunException(String message) {
        super(message);
    }
}
