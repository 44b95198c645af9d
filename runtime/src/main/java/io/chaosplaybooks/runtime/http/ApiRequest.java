package io.chaosplaybooks.runtime.http;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * One request as a handler sees it: already past the guards, with its whole body read (within the
 * body deadline and size limit) and the path's {@code {name}} segments bound.
 */
public record ApiRequest(String method, String path, Map<String, String> pathParams, byte[] body, Map<String, String> query) {
    public ApiRequest {
        query = query == null ? Map.of() : Map.copyOf(query);
    }

    public ApiRequest(String method, String path, Map<String, String> pathParams, byte[] body) {
        this(method, path, pathParams, body, Map.of());
    }

    /** The query parameter's (first) value, or null. */
    public String query(String name) {
        return query.get(name);
    }

    /** The value bound to {@code {name}} in the route's pattern. */
    public String param(String name) {
        String value = pathParams.get(name);
        if (value == null) {
            throw new IllegalArgumentException("route has no {" + name + "} segment");
        }
        return value;
    }

    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }
}
