package io.chaosplaybooks.dsl.plan;

/** A transfer rate: {@code 64.KBps}; Toxiproxy's bandwidth toxic takes KB/s with 1 KB = 1000 B. */
public record Bandwidth(long bytesPerSecond) implements Comparable<Bandwidth> {
    @Override
    public int compareTo(Bandwidth o) {
        return Long.compare(bytesPerSecond, o.bytesPerSecond);
    }

    public Bandwidth negative() {
        return new Bandwidth(-bytesPerSecond);
    }

    public long kilobytesPerSecond() {
        return bytesPerSecond / 1000;
    }

    @Override
    public String toString() {
        return bytesPerSecond % 1000 == 0 ? bytesPerSecond / 1000 + " KB/s" : bytesPerSecond + " B/s";
    }
}
