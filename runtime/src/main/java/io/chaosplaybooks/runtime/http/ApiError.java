package io.chaosplaybooks.runtime.http;

import java.util.Map;

/**
 * A request the API refuses: answered as {@code {"error": message, "status": status}} with the
 * status code, plus any headers the status calls for (Allow for 405, WWW-Authenticate for 401).
 */
public final class ApiError extends RuntimeException {
    private final int status;
    private final Map<String, String> headers;

    public ApiError(int status, String message) {
        this(status, message, Map.of());
    }

    public ApiError(int status, String message, Map<String, String> headers) {
        super(message, null, false, false);
        this.status = status;
        this.headers = Map.copyOf(headers);
    }

    public int status() {
        return status;
    }

    Map<String, String> headers() {
        return headers;
    }
}
