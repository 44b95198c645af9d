package io.chaosplaybooks.dsl.plan;

/** A rate of operations: {@code 5_000.perSecond}. */
public record OpsRate(double perSecond) implements Comparable<OpsRate> {
    @Override
    public int compareTo(OpsRate o) {
        return Double.compare(perSecond, o.perSecond);
    }

    public OpsRate negative() {
        return new OpsRate(-perSecond);
    }

    @Override
    public String toString() {
        return Units.formatNumber(perSecond) + "/s";
    }
}
