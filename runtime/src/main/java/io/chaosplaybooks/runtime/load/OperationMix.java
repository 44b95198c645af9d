package io.chaosplaybooks.runtime.load;

/**
 * The share of gets, sets and deletes, as weights normalised to fractions that sum to 1
 * ({@code new OperationMix(9, 1, 0)} and {@code new OperationMix(0.9, 0.1, 0)} are the same mix).
 */
public record OperationMix(double get, double set, double delete) {
    public OperationMix {
        check("get", get);
        check("set", set);
        check("delete", delete);
        double sum = get + set + delete;
        if (sum <= 0) {
            throw new IllegalArgumentException("operation mix must have at least one positive share, got get="
                + get + " set=" + set + " delete=" + delete);
        }
        get /= sum;
        set /= sum;
        delete /= sum;
    }

    /** A load profile's mix: shares by operation name, missing ones 0. */
    static OperationMix of(java.util.Map<String, Double> shares) {
        return new OperationMix(shares.getOrDefault("get", 0d), shares.getOrDefault("set", 0d), shares.getOrDefault("delete", 0d));
    }

    private static void check(String op, double share) {
        if (!(share >= 0) || Double.isInfinite(share)) {
            throw new IllegalArgumentException(op + " share must be a number >= 0, got " + share);
        }
    }

    /** Picks an operation for a uniform random number {@code u} in [0, 1). */
    Operation pick(double u) {
        if (u < get) {
            return Operation.GET;
        }
        return u < get + set ? Operation.SET : Operation.DELETE;
    }
}
