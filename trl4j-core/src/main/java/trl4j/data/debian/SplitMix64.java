package trl4j.data.debian;

/**
 * A tiny, fully specified pseudo-random generator (Steele, Lea and Flood's SplitMix64), so the hard
 * negatives do not depend on a JDK's {@code Random} implementation.
 */
final class SplitMix64 {

    private long state;

    SplitMix64(long seed) {
        this.state = seed;
    }

    long nextLong() {
        long z = (state += 0x9E3779B97F4A7C15L);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Uniform in [0, bound): rejects the top partial block of 63-bit values so there is no modulo bias. */
    int nextInt(int bound) {
        if (bound <= 0) {
            throw new IllegalArgumentException("bound must be positive, got " + bound);
        }
        while (true) {
            long r = nextLong() >>> 1;
            long v = r % bound;
            if (r - v + (bound - 1) >= 0) { // no overflow: r is not in the incomplete last block
                return (int) v;
            }
        }
    }
}
