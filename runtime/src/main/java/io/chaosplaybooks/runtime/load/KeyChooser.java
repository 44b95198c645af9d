package io.chaosplaybooks.runtime.load;

import java.util.SplittableRandom;

/**
 * Draws key indexes in [0, keys). The zipfian variant follows Gray et al., "Quickly generating
 * billion-record synthetic databases" (the generator YCSB uses), then scatters the rank with a
 * multiplicative hash so the hot keys are not all neighbours and land on different servers.
 */
abstract sealed class KeyChooser {
    static final double ZIPFIAN_THETA = 0.99;

    abstract int next(SplittableRandom random);

    static KeyChooser of(KeyDistribution distribution, int keys) {
        return switch (distribution) {
            case UNIFORM -> new Uniform(keys);
            case ZIPFIAN -> new Zipfian(keys, ZIPFIAN_THETA);
        };
    }

    static final class Uniform extends KeyChooser {
        private final int keys;

        Uniform(int keys) {
            this.keys = keys;
        }

        @Override
        int next(SplittableRandom random) {
            return random.nextInt(keys);
        }
    }

    static final class Zipfian extends KeyChooser {
        private final int keys;
        private final double theta;
        private final double alpha;
        private final double zetaN;
        private final double eta;
        private final double halfPowTheta;
        private final long scatter;

        Zipfian(int keys, double theta) {
            this.keys = keys;
            this.scatter = scatterMultiplier(keys);
            this.theta = theta;
            this.alpha = 1.0 / (1.0 - theta);
            this.zetaN = zeta(keys, theta);
            double zeta2 = zeta(2, theta);
            this.eta = (1 - Math.pow(2.0 / keys, 1 - theta)) / (1 - zeta2 / zetaN);
            this.halfPowTheta = 1 + Math.pow(0.5, theta);
        }

        /** The zipfian rank (0 = hottest), before scattering. */
        int nextRank(SplittableRandom random) {
            double u = random.nextDouble();
            double uz = u * zetaN;
            if (uz < 1.0) {
                return 0;
            }
            if (uz < halfPowTheta) {
                return Math.min(1, keys - 1);
            }
            int rank = (int) (keys * Math.pow(eta * u - eta + 1, alpha));
            return Math.min(rank, keys - 1);
        }

        @Override
        int next(SplittableRandom random) {
            int rank = nextRank(random);
            // A bijection on [0, keys): an odd multiplier modulo a power of two would not be one for
            // arbitrary key counts, so use an affine map with a multiplier coprime to keys.
            return (int) ((rank * scatter + 7L) % keys);
        }

        private static long scatterMultiplier(int keys) {
            long m = 2_654_435_761L % Math.max(keys, 1);
            while (m < 2 || gcd(m, keys) != 1) {
                m++;
                if (m >= keys) {
                    return 1;
                }
            }
            return m;
        }

        private static long gcd(long a, long b) {
            while (b != 0) {
                long t = a % b;
                a = b;
                b = t;
            }
            return a;
        }

        private static double zeta(long n, double theta) {
            double sum = 0;
            for (long i = 1; i <= n; i++) {
                sum += 1 / Math.pow(i, theta);
            }
            return sum;
        }
    }
}
