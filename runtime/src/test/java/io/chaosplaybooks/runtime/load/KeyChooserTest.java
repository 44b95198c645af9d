package io.chaosplaybooks.runtime.load;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

class KeyChooserTest {
    @Test
    void uniformStaysInRangeAndIsFlat() {
        KeyChooser c = KeyChooser.of(KeyDistribution.UNIFORM, 10);
        int[] counts = new int[10];
        SplittableRandom r = new SplittableRandom(1);
        for (int i = 0; i < 100_000; i++) {
            counts[c.next(r)]++;
        }
        for (int n : counts) {
            assertTrue(n > 9_000 && n < 11_000, "uniform share off: " + n);
        }
    }

    @Test
    void zipfianHasHotKeysAndCoversTheSpace() {
        int keys = 1_000;
        KeyChooser.Zipfian z = new KeyChooser.Zipfian(keys, KeyChooser.ZIPFIAN_THETA);
        int[] ranks = new int[keys];
        int[] scattered = new int[keys];
        SplittableRandom r = new SplittableRandom(2);
        int draws = 200_000;
        for (int i = 0; i < draws; i++) {
            ranks[z.nextRank(r)]++;
        }
        r = new SplittableRandom(2);
        for (int i = 0; i < draws; i++) {
            int k = z.next(r);
            assertTrue(k >= 0 && k < keys);
            scattered[k]++;
        }
        // With theta 0.99 over 1000 keys the hottest key takes about 1/zeta(1000) = 13 %.
        double top = ranks[0] / (double) draws;
        assertTrue(top > 0.10 && top < 0.17, "hottest share " + top);
        assertTrue(ranks[0] > ranks[1] && ranks[1] > ranks[10] && ranks[10] > ranks[500]);
        // Scattering is a permutation: the same counts, in other places.
        assertArrayEquals(java.util.Arrays.stream(ranks).sorted().toArray(), java.util.Arrays.stream(scattered).sorted().toArray());
        assertNotEquals(0, java.util.stream.IntStream.range(0, keys).filter(i -> scattered[i] == ranks[0]).findFirst().orElse(-1),
            "the hottest key is not key 0 after scattering");
    }
}
