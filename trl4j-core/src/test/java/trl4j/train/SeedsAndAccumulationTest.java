package trl4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class SeedsAndAccumulationTest {

    @Test
    void derivedSeedsDependOnlyOnSeedPurposeAndIndex() {
        assertEquals(Seeds.derive(42, "step", 7), Seeds.derive(42, "step", 7));
        assertNotEquals(Seeds.derive(42, "step", 7), Seeds.derive(42, "step", 8));
        assertNotEquals(Seeds.derive(42, "step", 7), Seeds.derive(43, "step", 7));
        assertNotEquals(Seeds.derive(42, "step", 7), Seeds.derive(42, "shuffle", 7));
    }

    @Test
    void permutationsAreReproduciblePerEpoch() {
        int[] p0 = Seeds.permutation(50, 1, 0);
        assertArrayEquals(p0, Seeds.permutation(50, 1, 0));
        assertFalse(Arrays.equals(p0, Seeds.permutation(50, 1, 1)));
        int[] sorted = p0.clone();
        Arrays.sort(sorted);
        for (int i = 0; i < 50; i++) {
            assertEquals(i, sorted[i]);
        }
    }

    @Test
    void seedStepMakesEngineRandomnessReproducible() {
        try (NDManager m = NDManager.newBaseManager()) {
            Seeds.seedStep(5, 3);
            float[] a = m.randomNormal(new Shape(8)).toFloatArray();
            Seeds.seedStep(5, 4);
            float[] b = m.randomNormal(new Shape(8)).toFloatArray();
            Seeds.seedStep(5, 3);
            assertArrayEquals(a, m.randomNormal(new Shape(8)).toFloatArray());
            assertFalse(Arrays.equals(a, b));
        }
    }

    @Test
    void microBatchesAndWeights() {
        List<int[]> mbs = GradientAccumulation.microBatches(10, 4);
        assertEquals(3, mbs.size());
        assertArrayEquals(new int[] {0, 4}, mbs.get(0));
        assertArrayEquals(new int[] {8, 10}, mbs.get(2));
        assertEquals(0.25, GradientAccumulation.rowWeight(2, 8));
        assertEquals(0.2, GradientAccumulation.rowWeight(2, 10)); // the short last micro-batch of 10 rows by 4
    }

    @Test
    void tokenMeanDividesBySumOfTheWholeAccumulatedBatch() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray l1 = m.create(new long[] {5, -100, -100, -100}, new Shape(2, 2)); // 1 target
            NDArray l2 = m.create(new long[] {1, 2, 3, -100, -100, -100}, new Shape(2, 3)); // 3 targets
            assertEquals(4, GradientAccumulation.countTargets(List.of(l1, l2)));
            // Token-loss sums 6 and 2: the big batch's mean is 8 / 4 = 2 = 6/4 + 2/4. Averaging the
            // micro-batch means instead would give (6/1 + 2/3) / 2 = 3.33.
            assertEquals(1.5f, GradientAccumulation.tokenMean(m.create(6f), 4).getFloat());
            assertEquals(0.5f, GradientAccumulation.tokenMean(m.create(2f), 4).getFloat());
        }
    }
}
