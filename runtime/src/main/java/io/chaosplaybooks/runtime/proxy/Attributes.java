package io.chaosplaybooks.runtime.proxy;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Reads a toxic's attributes from the API's JSON map, checking each value as it is read and naming
 * the bad one. Where Toxiproxy crashes or silently accepts nonsense (negative times, a negative
 * bandwidth), this answers with a message the user can act on.
 */
final class Attributes {
    private final String type;
    private final Map<String, Object> values;

    Attributes(String type, Map<String, Object> values, Set<String> known) {
        this.type = type;
        this.values = values == null ? Map.of() : values;
        for (String key : this.values.keySet()) {
            if (!known.contains(key)) {
                throw FaultEngineException.badRequest(
                    "unknown attribute '" + key + "' for toxic type " + type + " (known: " + String.join(", ", known) + ")");
            }
        }
    }

    /** A whole number >= 0; absent means {@code defaultValue}, as in Toxiproxy where a missing field is zero. */
    long nonNegativeLong(String name, long defaultValue) {
        Object v = values.get(name);
        if (v == null) {
            return defaultValue;
        }
        long value;
        if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
            value = ((Number) v).longValue();
        } else if (v instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())
            && Math.abs(n.doubleValue()) < 9e18) {
            value = n.longValue();
        } else {
            throw bad(name, v, "a whole number");
        }
        if (value < 0) {
            throw bad(name, v, "a number >= 0");
        }
        return value;
    }

    /** A whole number >= 1. */
    long positiveLong(String name, long defaultValue) {
        long value = nonNegativeLong(name, defaultValue);
        if (value < 1) {
            throw bad(name, values.get(name), "a number >= 1");
        }
        return value;
    }

    /** A probability in 0..1. */
    double probability(String name, double defaultValue) {
        Object v = values.get(name);
        if (v == null) {
            return defaultValue;
        }
        if (!(v instanceof Number n) || Double.isNaN(n.doubleValue()) || n.doubleValue() < 0 || n.doubleValue() > 1) {
            throw bad(name, v, "a number from 0 to 1");
        }
        return n.doubleValue();
    }

    /** Null when absent. */
    Long optionalLong(String name) {
        Object v = values.get(name);
        if (v == null) {
            return null;
        }
        if (!(v instanceof Integer || v instanceof Long)) {
            throw bad(name, v, "a whole number");
        }
        return ((Number) v).longValue();
    }

    private FaultEngineException bad(String name, Object value, String expected) {
        return FaultEngineException.badRequest(
            type + " attribute '" + name + "' must be " + expected + ", got " + describe(value));
    }

    static String describe(Object value) {
        return value instanceof String s ? "\"" + s + "\"" : String.valueOf(value);
    }

    /** Builds an attributes map keeping the order given (the order the API prints). */
    static Map<String, Object> of(Object... namesAndValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            m.put((String) namesAndValues[i], namesAndValues[i + 1]);
        }
        return m;
    }
}
