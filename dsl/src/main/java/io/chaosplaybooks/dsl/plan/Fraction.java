package io.chaosplaybooks.dsl.plan;

/** A share between 0 and 1 written as a percentage: {@code 10.percent} is 0.1. */
public record Fraction(double value) implements Comparable<Fraction> {
    @Override
    public int compareTo(Fraction o) {
        return Double.compare(value, o.value);
    }

    public Fraction negative() {
        return new Fraction(-value);
    }

    @Override
    public String toString() {
        return Units.formatNumber(value * 100) + "%";
    }
}
