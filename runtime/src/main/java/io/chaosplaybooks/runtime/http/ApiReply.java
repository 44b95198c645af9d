package io.chaosplaybooks.runtime.http;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/** What a handler answers: a status, a body (empty for 204) and any extra headers. */
public record ApiReply(int status, String contentType, byte[] body, Map<String, String> headers) {
    public static ApiReply json(int status, String json) {
        return new ApiReply(status, "application/json", (json + "\n").getBytes(StandardCharsets.UTF_8), Map.of());
    }

    public static ApiReply text(int status, String contentType, String text) {
        return new ApiReply(status, contentType, text.getBytes(StandardCharsets.UTF_8), Map.of());
    }

    public static ApiReply empty(int status) {
        return new ApiReply(status, null, new byte[0], Map.of());
    }

    /** The JSON error {@code {"error": message, "status": code}} for a refusal. */
    static ApiReply error(ApiError e) {
        return new ApiReply(e.status(), "application/json", ApiServer.errorJson(e.status(), e.getMessage()), e.headers());
    }
}
