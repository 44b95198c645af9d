package io.chaosplaybooks.runtime.http;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * One request as a handler sees it: already past the guards, with its whole body read (within the
 * body deadline and size limit) and the path's {@code {name}} segments bound.
 */
public record ApiRequest(String method, String path, Map<String, String> pathParams, byte[] body) {
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
