package io.chaosplaybooks.dsl.plan;

/** A size in bytes: {@code 100.bytes}, {@code 64.KB} (1 KB = 1000 B, as Toxiproxy counts). */
public record DataSize(long bytes) implements Comparable<DataSize> {
    @Override
    public int compareTo(DataSize o) {
        return Long.compare(bytes, o.bytes);
    }

    public DataSize negative() {
        return new DataSize(-bytes);
    }

    @Override
    public String toString() {
        if (bytes != 0 && bytes % 1_000_000 == 0) return bytes / 1_000_000 + " MB";
        if (bytes != 0 && bytes % 1_000 == 0) return bytes / 1_000 + " KB";
        return bytes + " bytes";
    }
}
