package trl4j.train;

import ai.djl.engine.Engine;
import java.util.Random;

/**
 * Reproducible randomness. Nothing random depends on how many numbers were drawn before: every use
 * derives its own seed from the run seed, a purpose and an index (step, epoch). So a run interrupted
 * at step N and resumed draws exactly what the uninterrupted run drew, with only the seed and N saved.
 */
public final class Seeds {

    private Seeds() {}

    /** A seed for ({@code seed}, {@code purpose}, {@code index}), mixed with SplitMix64's finaliser. */
    public static long derive(long seed, String purpose, long index) {
        long h = mix(seed);
        h = mix(h ^ purpose.hashCode());
        return mix(h ^ mix(index + 0x9E3779B97F4A7C15L));
    }

    /** Seeds the engine (torch's generator: dropout, sampling) and DJL's Java RNG with {@code seed}. */
    public static void seedEngine(long seed) {
        Engine.getInstance().setRandomSeed((int) (seed ^ (seed >>> 32)));
    }

    /** Seeds the engine for optimizer step {@code step}: call at the start of every step. */
    public static void seedStep(long seed, long step) {
        seedEngine(derive(seed, "step", step));
    }

    /** A Java RNG for one purpose and index (e.g. "shuffle", epoch). */
    public static Random random(long seed, String purpose, long index) {
        return new Random(derive(seed, purpose, index));
    }

    /** The order of {@code n} examples in epoch {@code epoch}: a Fisher–Yates shuffle from a derived seed. */
    public static int[] permutation(int n, long seed, long epoch) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Random r = random(seed, "shuffle", epoch);
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
