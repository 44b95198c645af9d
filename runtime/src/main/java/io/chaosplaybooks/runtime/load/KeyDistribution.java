package io.chaosplaybooks.runtime.load;

/** How keys are drawn from the key space. */
public enum KeyDistribution {
    /** Every key equally likely. */
    UNIFORM,
    /** A few hot keys: zipfian with exponent 0.99 over the key space, hot keys scattered by hashing. */
    ZIPFIAN
}
