package io.chaosplaybooks.runtime.http;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Method + path pattern to handler. Patterns are segments, {@code {name}} binding one segment:
 * {@code /proxies/{proxy}/toxics/{toxic}}. Empty segments are ignored, so a trailing slash or a
 * doubled one finds the same route. A request's path is split before it is percent-decoded, so a
 * name with a slash in it is one segment when the client encodes it ({@code %2F}). A path no route has is a 404; a path whose routes all want
 * another method is a 405 naming the allowed ones.
 */
public final class Router {
    /** Answers one routed request; an {@link ApiError} thrown here becomes its JSON error. */
    @FunctionalInterface
    public interface Handler {
        ApiReply handle(ApiRequest request) throws Exception;
    }

    private record Route(String method, List<String> pattern, Handler handler) {
        /** The bound segments if the path fits the pattern, else null. */
        Map<String, String> bind(List<String> path) {
            if (path.size() != pattern.size()) {
                return null;
            }
            Map<String, String> params = new LinkedHashMap<>();
            for (int i = 0; i < path.size(); i++) {
                String p = pattern.get(i);
                if (p.startsWith("{") && p.endsWith("}")) {
                    params.put(p.substring(1, p.length() - 1), path.get(i));
                } else if (!p.equals(path.get(i))) {
                    return null;
                }
            }
            return params;
        }
    }

    /** A request matched to its handler. */
    record Match(Handler handler, Map<String, String> params) {}

    private final List<Route> routes = new ArrayList<>();
    private Function<Exception, ApiError> errors = e -> null;

    public Router route(String method, String pattern, Handler handler) {
        routes.add(new Route(method, segments(pattern), handler));
        return this;
    }

    /**
     * How the handlers' own exceptions become API errors (e.g. a domain exception carrying a status);
     * {@code mapping} returns null for an exception it does not know, which is then a 500.
     */
    public Router mapErrors(Function<Exception, ApiError> mapping) {
        this.errors = mapping;
        return this;
    }

    /** The API error for a handler's exception: its own, the mapped one, or a 500. */
    ApiError errorFor(Exception e) {
        if (e instanceof ApiError api) {
            return api;
        }
        ApiError mapped = errors.apply(e);
        return mapped != null ? mapped : new ApiError(500, "internal error: " + e);
    }

    /** The route for this request's path as sent (still percent-encoded), or an {@link ApiError} 400 / 404 / 405. */
    Match match(String method, String path) {
        List<String> segments = new ArrayList<>();
        for (String s : segments(path)) {
            segments.add(percentDecoded(s));
        }
        Set<String> allowed = new LinkedHashSet<>();
        for (Route r : routes) {
            Map<String, String> params = r.bind(segments);
            if (params != null) {
                if (r.method.equals(method)) {
                    return new Match(r.handler, params);
                }
                allowed.add(r.method);
            }
        }
        if (allowed.isEmpty()) {
            throw new ApiError(404, "no such endpoint: " + method + " " + path);
        }
        String list = String.join(", ", allowed);
        throw new ApiError(405, "method " + method + " not allowed on " + path + " (allowed: " + list + ")",
            Map.of("Allow", list));
    }

    private static String percentDecoded(String segment) {
        if (segment.indexOf('%') < 0) {
            return segment;
        }
        try {
            // URLDecoder decodes forms, where '+' is a space; in a path it is a plus.
            return java.net.URLDecoder.decode(segment.replace("+", "%2B"), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new ApiError(400, "bad percent-encoding in the path segment " + segment);
        }
    }

    private static List<String> segments(String path) {
        List<String> parts = new ArrayList<>();
        for (String s : path.split("/")) {
            if (!s.isEmpty()) {
                parts.add(s);
            }
        }
        return parts;
    }
}
