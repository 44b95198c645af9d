package io.chaosplaybooks.dsl.plan;

/**
 * The faults a playbook can inject, each with its DSL word, the Toxiproxy toxic it maps to
 * (null for {@link #DOWN}, which disables the proxy) and its default direction.
 */
public enum FaultType {
    LATENCY("latency", "latency", Direction.DOWNSTREAM),
    PACKET_LOSS("packetLoss", "loss", Direction.BOTH),
    BANDWIDTH("bandwidth", "bandwidth", Direction.DOWNSTREAM),
    TIMEOUT("timeout", "timeout", Direction.BOTH),
    BLACKHOLE("blackhole", "timeout", Direction.BOTH),
    RESET_PEER("resetPeer", "reset_peer", Direction.BOTH),
    SLOW_CLOSE("slowClose", "slow_close", Direction.DOWNSTREAM),
    SLICER("slicer", "slicer", Direction.DOWNSTREAM),
    LIMIT_DATA("limitData", "limit_data", Direction.BOTH),
    DOWN("down", null, Direction.BOTH);

    private final String word;
    private final String toxicType;
    private final Direction defaultDirection;

    FaultType(String word, String toxicType, Direction defaultDirection) {
        this.word = word;
        this.toxicType = toxicType;
        this.defaultDirection = defaultDirection;
    }

    /** The word a playbook uses: {@code packetLoss}. */
    public String word() { return word; }

    /** The Toxiproxy toxic type, or null when the fault is not a toxic. */
    public String toxicType() { return toxicType; }

    public Direction defaultDirection() { return defaultDirection; }
}
