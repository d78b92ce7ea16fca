package trl4j.train.reward;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;

/** The Bradley–Terry loss, margins and centering against values worked out by hand. */
class RewardLossTest {

    @Test
    void pairwiseIsMinusLogSigmoidOfTheGap() {
        // −log σ(1) = log(1 + e^−1) = 0.3132616875182228
        assertEquals(0.3132616875182228, RewardLoss.pairwise(2.0, 1.0), 1e-15);
        // equal rewards: −log ½ = log 2
        assertEquals(Math.log(2), RewardLoss.pairwise(0.5, 0.5), 1e-15);
        // wrong order by 2: log(1 + e^2) = 2.1269280110429727
        assertEquals(2.1269280110429727, RewardLoss.pairwise(-1.0, 1.0), 1e-15);
        // far apart: no overflow, ≈ the gap itself or ≈ 0
        assertEquals(1000.0, RewardLoss.pairwise(-500, 500), 1e-9);
        assertEquals(0.0, RewardLoss.pairwise(500, -500), 1e-300);
    }

    @Test
    void marginAsksForALargerGap() {
        // TRL: −log σ(r_c − r_r − m); r_c − r_r = 1, m = 1 → log 2; m = −1 → −log σ(2) = 0.1269280110429725
        assertEquals(Math.log(2), RewardLoss.pairwise(2.0, 1.0, 1.0), 1e-15);
        assertEquals(0.1269280110429725, RewardLoss.pairwise(2.0, 1.0, -1.0), 1e-15);
    }

    @Test
    void centeringAddsTheSquaredSum() {
        // (r_c + r_r)² = (2 + 1)² = 9; coefficient 0.01 → 0.09 on top of 0.3132616875182228
        assertEquals(9.0, RewardLoss.centering(2.0, 1.0), 0);
        assertEquals(0.3132616875182228 + 0.09, RewardLoss.perPair(2.0, 1.0, 0, 0.01), 1e-15);
    }

    @Test
    void tensorVersionMatchesAndHasTheRightGradient() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray chosen = m.create(new float[] {2f, 0.5f, -1f, 0.25f});
            NDArray rejected = m.create(new float[] {1f, 0.5f, 1f, 0.25f});
            NDArray margin = m.create(new float[] {0f, 0f, 0f, 1f});
            chosen.setRequiresGradient(true);
            rejected.setRequiresGradient(true);
            float[] want = new float[4];
            float[] c = {2f, 0.5f, -1f, 0.25f};
            float[] r = {1f, 0.5f, 1f, 0.25f};
            float[] mg = {0, 0, 0, 1};
            for (int i = 0; i < 4; i++) {
                want[i] = (float) RewardLoss.perPair(c[i], r[i], mg[i], 0.01);
            }
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray perPair = RewardLoss.perPair(chosen, rejected, margin, 0.01);
                assertArrayEquals(want, perPair.toFloatArray(), 1e-6f);
                NDArray share = RewardLoss.shareOfStep(perPair, 8); // a micro-batch of 4 of a step's 8 pairs
                assertEquals(sum(want) / 8, share.getFloat(), 1e-6);
                gc.backward(share);
            }
            // d/dr_c [softplus(−(r_c − r_r − m)) + k (r_c + r_r)²] / 8 = (−σ(−x) + 2k (r_c + r_r)) / 8, x = r_c − r_r − m.
            // Pair 2 (equal rewards, x = 0): (−0.5 + 2 · 0.01 · 1) / 8 = −0.06 — the gradient at a tie is not lost.
            float[] gc = chosen.getGradient().toFloatArray();
            float[] gr = rejected.getGradient().toFloatArray();
            for (int i = 0; i < 4; i++) {
                double x = c[i] - r[i] - mg[i];
                double sig = 1 / (1 + Math.exp(x));
                double centre = 2 * 0.01 * (c[i] + r[i]);
                assertEquals((-sig + centre) / 8, gc[i], 1e-7, "d/d chosen " + i);
                assertEquals((sig + centre) / 8, gr[i], 1e-7, "d/d rejected " + i);
            }
            assertEquals(-0.06, gc[1], 1e-7);
            assertTrue(gr[2] > 0, "a wrongly ordered pair pushes the rejected reward down");
        }
    }

    private static float sum(float[] v) {
        float s = 0;
        for (float x : v) {
            s += x;
        }
        return s;
    }
}
