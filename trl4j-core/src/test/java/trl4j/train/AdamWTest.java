package trl4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import trl4j.checkpoint.CheckpointException;
import trl4j.config.OptimizerSettings;
import trl4j.model.Parameters;

class AdamWTest {

    static NDManager manager;

    @BeforeAll
    static void open() {
        manager = NDManager.newBaseManager();
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    /** A (1, 2) weight, decayed, and a (2) bias, not decayed. */
    private static Parameters weightAndBias() {
        return Grads.parameters(manager, Map.of("w", new float[] {1.0f, -2.0f}, "b", new float[] {0.5f, 0.0f}),
                Map.of("w", new long[] {1, 2}, "b", new long[] {2}));
    }

    private static final OptimizerSettings SETTINGS = new OptimizerSettings("adamw", 0.1, 0.9, 0.999, 1e-8, 0.1);

    @Test
    void groupsExcludeBiasesAndNormWeightsFromDecay() {
        try (Parameters p = weightAndBias(); AdamW adamw = AdamW.create(p, SETTINGS)) {
            assertEquals(List.of(new AdamW.Group("decay", List.of("w"), 0.1), new AdamW.Group("no_decay", List.of("b"), 0.0)),
                    adamw.groups());
        }
        try (NDManager m = manager.newSubManager()) {
            assertTrue(AdamW.decays("transformer.h.0.attn.c_attn.weight", m.zeros(new ai.djl.ndarray.types.Shape(4, 4))));
            assertFalse(AdamW.decays("transformer.h.0.ln_1.weight", m.zeros(new ai.djl.ndarray.types.Shape(4))));
            assertFalse(AdamW.decays("encoder.block.0.layer.0.SelfAttention.relative_attention_bias.weight",
                    m.zeros(new ai.djl.ndarray.types.Shape(32, 8))), "HF excludes every name with 'bias'");
        }
    }

    /**
     * lr 0.1 (0.05 at step 3), β = (0.9, 0.999), ε = 1e-8, weight decay 0.1 on w only. By hand, w[0]:
     * step 1, g = 0.5:  w = 1·(1 − 0.01) = 0.99; m = 0.05; v = 0.00025; m̂ = 0.5; √v̂ = 0.5;
     *                   w = 0.99 − 0.1·0.5/(0.5 + 1e-8) = 0.890000002
     * step 2, g = −0.5: w = 0.890000002·0.99 = 0.881100002; m = 0.05 + 0.1·(−0.5 − 0.05) = −0.005;
     *                   v = 0.999·0.00025 + 0.001·0.25 = 0.00049975; m̂ = −0.005/0.19 = −0.0263158;
     *                   √v̂ = √(0.00049975/0.001999) = 0.5; w = 0.881100002 + 0.1·0.0526316 = 0.8863632
     * step 3, g = 0.1, lr 0.05: w = 0.8863632·0.995 = 0.8819314; m = 0.0055; v = 0.00050925025;
     *                   m̂ = 0.0055/0.271 = 0.0202952; √v̂ = √(0.00050925025/0.002997001) = 0.4122125;
     *                   w = 0.8819314 − 0.05·0.0202952/0.4122125 = 0.8794696
     * b[1] never decays; its gradient is 0 at step 1, so m = v = 0 and the update is 0/(0 + ε) = 0.
     */
    @Test
    void threeStepsMatchTheHandComputedValues() {
        float[][] gw = {{0.5f, -1.0f}, {-0.5f, 0.25f}, {0.1f, 0.1f}};
        float[][] gb = {{0.2f, 0.0f}, {0.2f, 0.1f}, {0.2f, 0.1f}};
        double[] lr = {0.1, 0.1, 0.05};
        double[][] wantW = {{0.8900000020, -1.8800000010}, {0.8863631598, -1.8142531845}, {0.8794696095, -1.7902090495}};
        double[][] wantB = {{0.4000000050, 0.0}, {0.3000000100, -0.0744136718}, {0.2500000125, -0.1173367944}};
        try (Parameters p = weightAndBias(); AdamW adamw = AdamW.create(p, SETTINGS)) {
            for (int t = 0; t < 3; t++) {
                Grads.set(p, Map.of("w", gw[t], "b", gb[t]));
                adamw.step(lr[t]);
                assertClose(wantW[t], Grads.values(p, "w"), "w after step " + (t + 1));
                assertClose(wantB[t], Grads.values(p, "b"), "b after step " + (t + 1));
            }
            assertEquals(3, adamw.stepCount());
            // m after step 3 = 0.9·(−0.005) + 0.1·0.1 = 0.0055 (by hand above).
            assertEquals(0.0055, adamw.expAvg("w").toFloatArray()[0], 1e-8);
        }
    }

    private static void assertClose(double[] want, float[] got, String what) {
        assertEquals(want.length, got.length, what);
        for (int i = 0; i < want.length; i++) {
            assertEquals(want[i], got[i], 1e-6, what + "[" + i + "]");
        }
    }

    /**
     * The same float32 arithmetic in plain Java, operation by operation as torch orders it. Native
     * kernels may differ by an ulp (vectorised sqrt/division), hence the 1e-6 relative tolerance.
     */
    static final class ReferenceAdamW {
        final float[] m;
        final float[] v;
        long t;

        ReferenceAdamW(int n) {
            m = new float[n];
            v = new float[n];
        }

        void step(float[] p, float[] g, double lr, double wd, double b1, double b2, double eps) {
            t++;
            float decay = (float) (1 - lr * wd);
            float bc2Sqrt = (float) Math.sqrt(1 - Math.pow(b2, t));
            float stepSize = (float) (lr / (1 - Math.pow(b1, t)));
            for (int i = 0; i < p.length; i++) {
                if (wd != 0) {
                    p[i] = p[i] * decay;
                }
                m[i] = m[i] + (g[i] - m[i]) * (float) (1 - b1);
                v[i] = v[i] * (float) b2 + (g[i] * g[i]) * (float) (1 - b2);
                float denom = (float) Math.sqrt(v[i]) / bc2Sqrt + (float) eps;
                p[i] = p[i] - (m[i] / denom) * stepSize;
            }
        }
    }

    @Test
    void agreesWithAPlainJavaReferenceOnRandomData() {
        Random r = new Random(7);
        int n = 257;
        float[] w0 = randoms(r, n);
        float[] b0 = randoms(r, 13);
        try (Parameters p = Grads.parameters(manager, Map.of("w", w0, "b", b0), Map.of("w", new long[] {1, n}, "b", new long[] {13}));
                AdamW adamw = AdamW.create(p, new OptimizerSettings("adamw", 1e-2, 0.8, 0.99, 1e-6, 0.05))) {
            float[] w = w0.clone();
            float[] b = b0.clone();
            ReferenceAdamW rw = new ReferenceAdamW(n);
            ReferenceAdamW rb = new ReferenceAdamW(13);
            for (int t = 0; t < 6; t++) {
                double lr = 1e-2 * (1 + t) / 6;
                float[] gw = randoms(r, n);
                float[] gb = randoms(r, 13);
                Grads.set(p, Map.of("w", gw, "b", gb));
                adamw.step(lr);
                rw.step(w, gw, lr, 0.05, 0.8, 0.99, 1e-6);
                rb.step(b, gb, lr, 0.0, 0.8, 0.99, 1e-6);
            }
            float[] gotW = Grads.values(p, "w");
            float[] gotB = Grads.values(p, "b");
            for (int i = 0; i < n; i++) {
                assertEquals(w[i], gotW[i], 1e-6 * Math.max(1, Math.abs(w[i])), "w[" + i + "]");
            }
            for (int i = 0; i < 13; i++) {
                assertEquals(b[i], gotB[i], 1e-6 * Math.max(1, Math.abs(b[i])), "b[" + i + "]");
            }
        }
    }

    @Test
    void aParameterNoBackwardReachedIsSkippedLikeTorchsNoneGradient() {
        try (Parameters p = Grads.parameters(manager, Map.of("w", new float[] {1, 2}, "unused", new float[] {3, 4}),
                Map.of("w", new long[] {1, 2}, "unused", new long[] {1, 2})); AdamW adamw = AdamW.create(p, SETTINGS)) {
            Grads.set(p, Map.of("w", new float[] {0.5f, 0.5f}));
            adamw.step(0.1);
            assertArrayEquals(new float[] {3, 4}, Grads.values(p, "unused"), "no weight decay either");
            assertEquals(0f, adamw.expAvg("unused").toFloatArray()[0]);
            assertEquals(0.890000002, Grads.values(p, "w")[0], 1e-6); // 1 · 0.99 − 0.1
        }
    }

    @Test
    void restoredStateContinuesBitForBit(@TempDir Path dir) {
        Random r = new Random(11);
        List<Map<String, float[]>> grads = List.of(grads(r), grads(r), grads(r), grads(r), grads(r));
        float[] straight;
        try (Parameters p = weightAndBias(); AdamW adamw = AdamW.create(p, SETTINGS)) {
            for (Map<String, float[]> g : grads) {
                Grads.set(p, g);
                adamw.step(0.01);
            }
            straight = Grads.values(p, "w");
        }
        try (Parameters p = weightAndBias()) {
            try (AdamW first = AdamW.create(p, SETTINGS)) {
                for (Map<String, float[]> g : grads.subList(0, 3)) {
                    Grads.set(p, g);
                    first.step(0.01);
                }
                first.save(dir);
            }
            // The config changed meanwhile: the saved hyperparameters win, as in torch's load_state_dict.
            try (AdamW resumed = AdamW.restore(p, dir)) {
                assertEquals(3, resumed.stepCount());
                assertEquals(0.1, resumed.groups().get(0).weightDecay());
                for (Map<String, float[]> g : grads.subList(3, 5)) {
                    Grads.set(p, g);
                    resumed.step(0.01);
                }
            }
            assertArrayEquals(straight, Grads.values(p, "w"));
        }
    }

    @Test
    void restoreRefusesStateOfAnotherModel(@TempDir Path dir) {
        try (Parameters p = weightAndBias(); AdamW adamw = AdamW.create(p, SETTINGS)) {
            adamw.save(dir);
        }
        try (Parameters other = Grads.parameters(manager, Map.of("w", new float[] {1, 2, 3}, "b", new float[] {0, 0}),
                Map.of("w", new long[] {1, 3}, "b", new long[] {2}))) {
            CheckpointException e = assertThrows(CheckpointException.class, () -> AdamW.restore(other, dir));
            assertTrue(e.getMessage().endsWith("optimizer.safetensors: optimizer state 'w.exp_avg' has shape [1, 2] but the parameter has [1, 3]"),
                    e.getMessage());
        }
    }

    private static Map<String, float[]> grads(Random r) {
        Map<String, float[]> g = new LinkedHashMap<>();
        g.put("w", randoms(r, 2));
        g.put("b", randoms(r, 2));
        return g;
    }

    static float[] randoms(Random r, int n) {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = (float) r.nextGaussian();
        }
        return out;
    }
}
