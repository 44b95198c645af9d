package io.chaosplaybooks.runtime.proxy;

/**
 * A request the engine refused or could not carry out. {@link #status()} is the HTTP status the
 * Toxiproxy API answers with (400 bad input, 404 unknown name, 409 name taken, 500 e.g. a listen
 * port in use); the message is meant for the user as it is.
 */
public final class FaultEngineException extends RuntimeException {
    private final int status;

    public FaultEngineException(int status, String message) {
        super(message);
        this.status = status;
    }

    public FaultEngineException(int status, String message, Throwable cause) {
        super(message, cause);
        this.status = status;
    }

    /** The HTTP status code that describes the failure: 400, 404, 409 or 500. */
    public int status() {
        return status;
    }

    static FaultEngineException badRequest(String message) {
        return new FaultEngineException(400, message);
    }

    static FaultEngineException notFound(String message) {
        return new FaultEngineException(404, message);
    }

    static FaultEngineException conflict(String message) {
        return new FaultEngineException(409, message);
    }
}
