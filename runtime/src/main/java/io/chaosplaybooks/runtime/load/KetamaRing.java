package io.chaosplaybooks.runtime.load;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntPredicate;

/**
 * Consistent hashing as libketama does it: each server gets 160 points on a 32-bit ring, four per
 * MD5 digest of {@code "<name>-<i>"}; a key belongs to the first point at or after the first four
 * bytes of its own MD5. Failover walks on clockwise to the next point owned by a server not yet
 * tried, so a server's keys spread over the others in ring order and come back when it heals.
 */
final class KetamaRing {
    static final int POINTS_PER_SERVER = 160;

    private static final ThreadLocal<MessageDigest> MD5 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK always has MD5", e);
        }
    });

    private final long[] points;
    private final int[] owners;
    private final int serverCount;

    KetamaRing(List<String> serverNames) {
        if (serverNames.isEmpty()) {
            throw new IllegalArgumentException("a hash ring needs at least one server");
        }
        serverCount = serverNames.size();
        int n = serverCount * POINTS_PER_SERVER;
        long[] packed = new long[n];
        int k = 0;
        for (int server = 0; server < serverCount; server++) {
            for (int i = 0; i < POINTS_PER_SERVER / 4; i++) {
                byte[] digest = md5(serverNames.get(server) + "-" + i);
                for (int h = 0; h < 4; h++) {
                    long point = pointOf(digest, h);
                    // Sort by point, ties broken by server index: deterministic whatever the order of names.
                    packed[k++] = (point << 16) | server;
                }
            }
        }
        Arrays.sort(packed);
        points = new long[n];
        owners = new int[n];
        for (int i = 0; i < n; i++) {
            points[i] = packed[i] >>> 16;
            owners[i] = (int) (packed[i] & 0xFFFF);
        }
    }

    int serverCount() {
        return serverCount;
    }

    static long hash(String key) {
        return pointOf(md5(key), 0);
    }

    /**
     * The index of the key's point on the ring: a key keeps it for the ring's life, so a caller
     * that sees the same keys again can find it once per key instead of once per operation.
     */
    int pointOf(long keyHash) {
        return firstPointAtOrAfter(keyHash);
    }

    /** The server owning the point at {@code point} (from {@link #pointOf}): the key's server when every server is healthy. */
    int ownerAt(int point) {
        return owners[point];
    }

    /**
     * The first server in ring order from the key's point that {@code usable} accepts, trying each
     * server at most once; -1 when none does.
     */
    int firstUsableFrom(int point, IntPredicate usable) {
        int first = owners[point];
        if (usable.test(first)) {
            return first; // the healthy case: no walk
        }
        long tried = 1L << first; // bit set: at most 64 servers take part in failover walks, checked in the engine
        int distinct = 1;
        for (int step = 1; step < points.length && distinct < serverCount; step++) {
            int server = owners[(point + step) % points.length];
            if ((tried & (1L << server)) != 0) {
                continue;
            }
            tried |= 1L << server;
            distinct++;
            if (usable.test(server)) {
                return server;
            }
        }
        return -1;
    }

    private int firstPointAtOrAfter(long keyHash) {
        int i = Arrays.binarySearch(points, keyHash);
        if (i < 0) {
            i = -i - 1;
        } else {
            while (i > 0 && points[i - 1] == keyHash) {
                i--;
            }
        }
        return i == points.length ? 0 : i;
    }

    private static long pointOf(byte[] digest, int h) {
        return ((long) (digest[3 + h * 4] & 0xFF) << 24)
            | ((long) (digest[2 + h * 4] & 0xFF) << 16)
            | ((long) (digest[1 + h * 4] & 0xFF) << 8)
            | (digest[h * 4] & 0xFF);
    }

    private static byte[] md5(String text) {
        MessageDigest md = MD5.get();
        md.reset();
        return md.digest(text.getBytes(StandardCharsets.UTF_8));
    }
}
