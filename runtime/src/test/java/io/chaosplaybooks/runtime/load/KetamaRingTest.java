package io.chaosplaybooks.runtime.load;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class KetamaRingTest {
    private final KetamaRing ring = new KetamaRing(List.of("server-1", "server-2", "server-3"));

    private static int primary(KetamaRing ring, long keyHash) {
        return ring.ownerAt(ring.pointOf(keyHash));
    }

    private int primary(long keyHash) {
        return primary(ring, keyHash);
    }

    private int firstUsable(long keyHash, java.util.function.IntPredicate usable) {
        return ring.firstUsableFrom(ring.pointOf(keyHash), usable);
    }

    @Test
    void keysSpreadOverAllServers() {
        int[] counts = new int[3];
        for (int i = 0; i < 30_000; i++) {
            counts[primary(KetamaRing.hash(LoadEngine.keyName(i)))]++;
        }
        for (int c : counts) {
            // 160 points per server keep each share near a third; 20..47 % is a loose, stated bound.
            assertTrue(c > 6_000 && c < 14_000, () -> "unbalanced ring: " + java.util.Arrays.toString(counts));
        }
    }

    @Test
    void failoverMovesOnlyTheUnusableServersKeys() {
        int moved = 0;
        for (int i = 0; i < 10_000; i++) {
            long h = KetamaRing.hash(LoadEngine.keyName(i));
            int primary = primary(h);
            int withoutTwo = firstUsable(h, s -> s != 1);
            if (primary == 1) {
                assertNotEquals(1, withoutTwo);
                moved++;
            } else {
                assertEquals(primary, withoutTwo, "a healthy server's key must stay put");
            }
            assertEquals(primary, firstUsable(h, s -> true));
        }
        assertTrue(moved > 0);
    }

    @Test
    void movedKeysSpreadOverTheRemainingServersAndNoneLeftMeansMinusOne() {
        int[] to = new int[3];
        for (int i = 0; i < 10_000; i++) {
            long h = KetamaRing.hash(LoadEngine.keyName(i));
            if (primary(h) == 0) {
                to[firstUsable(h, s -> s != 0)]++;
            }
            assertEquals(-1, firstUsable(h, s -> false));
        }
        assertEquals(0, to[0]);
        assertTrue(to[1] > 0 && to[2] > 0, "a failed server's keys go to both others: " + java.util.Arrays.toString(to));
    }

    @Test
    void placementDependsOnNamesNotOnTheirOrder() {
        KetamaRing reordered = new KetamaRing(List.of("server-3", "server-1", "server-2"));
        List<String> names = List.of("server-1", "server-2", "server-3");
        List<String> reorderedNames = List.of("server-3", "server-1", "server-2");
        for (int i = 0; i < 2_000; i++) {
            long h = KetamaRing.hash(LoadEngine.keyName(i));
            assertEquals(names.get(primary(h)), reorderedNames.get(primary(reordered, h)));
        }
    }

    @Test
    void hashIsLibketamaStyleFirstFourDigestBytesLittleEndian() throws Exception {
        byte[] d = java.security.MessageDigest.getInstance("MD5").digest("hello".getBytes());
        long expected = ((long) (d[3] & 0xFF) << 24) | ((d[2] & 0xFF) << 16) | ((d[1] & 0xFF) << 8) | (d[0] & 0xFF);
        assertEquals(expected, KetamaRing.hash("hello"));
    }

    @Test
    void theWalkFromAKeysPointAsksItsOwnServerFirstAndEachServerOnce() {
        for (int i = 0; i < 5_000; i++) {
            int point = ring.pointOf(KetamaRing.hash(LoadEngine.keyName(i)));
            List<Integer> asked = new java.util.ArrayList<>();
            assertEquals(-1, ring.firstUsableFrom(point, s -> { asked.add(s); return false; }));
            assertEquals(3, asked.size(), "each server once: " + asked);
            assertEquals(3, new java.util.HashSet<>(asked).size(), "each server once: " + asked);
            assertEquals(ring.ownerAt(point), asked.getFirst(), "the key's own server first");
        }
    }
}
