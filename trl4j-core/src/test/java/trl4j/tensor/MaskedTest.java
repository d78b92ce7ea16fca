package trl4j.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

/** Masked statistics against numbers worked out by hand (TRL's masked_mean / masked_var / masked_whiten). */
class MaskedTest {

    @Test
    void meanVarianceAndWhiteningIgnoreMaskedValues() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray values = m.create(new float[] {1, 2, 3, 100}, new Shape(2, 2));
            NDArray mask = m.create(new float[] {1, 1, 1, 0}, new Shape(2, 2));
            assertEquals(2.0, Masked.mean(values, mask).getFloat(), 1e-6);
            assertEquals(6.0, Masked.sum(values, mask).getFloat(), 1e-6);
            // Deviations −1, 0, 1: biased variance 2/3, unbiased (Bessel, n = 3) 1.
            assertEquals(2.0 / 3, Masked.variance(values, mask, false).getFloat(), 1e-6);
            assertEquals(1.0, Masked.variance(values, mask, true).getFloat(), 1e-6);
            float[] white = Masked.whiten(values, mask, true).toFloatArray();
            assertArrayEquals(new float[] {-1, 0, 1}, java.util.Arrays.copyOf(white, 3), 1e-5f);
            float[] kept = Masked.whiten(values, mask, false).toFloatArray(); // mean added back
            assertArrayEquals(new float[] {1, 2, 3}, java.util.Arrays.copyOf(kept, 3), 1e-5f);
            assertArrayEquals(new float[] {1.5f, 3f}, Masked.rowMean(values, mask).toFloatArray(), 1e-6f);
        }
    }

    @Test
    void unbiasedVarianceNeedsTwoValues() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray values = m.create(new float[] {1, 2});
            NDArray mask = m.create(new float[] {1, 0});
            assertThrows(IllegalArgumentException.class, () -> Masked.variance(values, mask, true));
        }
    }
}
