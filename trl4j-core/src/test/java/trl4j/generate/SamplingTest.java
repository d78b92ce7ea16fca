package trl4j.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.BitSet;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Token choice rules against hand-computed distributions. */
class SamplingTest {

    /** Empirical frequencies of {@link Sampling#draw} over many draws. */
    private static double[] frequencies(float[] logits, int topK, double topP, int draws) {
        Random rng = new Random(123);
        double[] f = new double[logits.length];
        for (int i = 0; i < draws; i++) {
            f[Sampling.draw(logits.clone(), topK, topP, rng)] += 1.0 / draws;
        }
        return f;
    }

    @Test
    void plainSamplingFollowsTheSoftmax() {
        float[] logits = {(float) Math.log(0.5), (float) Math.log(0.3), (float) Math.log(0.2)};
        double[] f = frequencies(logits, 0, 1.0, 200_000);
        assertEquals(0.5, f[0], 0.005);
        assertEquals(0.3, f[1], 0.005);
        assertEquals(0.2, f[2], 0.005);
    }

    @Test
    void topKKeepsTheKLargestAndTheirTies() {
        // probabilities 0.4, 0.3, 0.2, 0.1 → top-2 keeps 0.4 and 0.3, renormalised to 4/7 and 3/7.
        float[] logits = {(float) Math.log(0.4), (float) Math.log(0.3), (float) Math.log(0.2), (float) Math.log(0.1)};
        double[] f = frequencies(logits, 2, 1.0, 200_000);
        assertEquals(4.0 / 7, f[0], 0.005);
        assertEquals(3.0 / 7, f[1], 0.005);
        assertEquals(0.0, f[2] + f[3]);
        float[] tied = {1f, 2f, 2f, 0f};
        double[] g = frequencies(tied, 1, 1.0, 10_000);
        assertEquals(1.0, g[1] + g[2], 1e-9); // both maxima survive top-1, as in transformers
    }

    @Test
    void topPRemovesTheTailWhoseMassIsAtMostOneMinusP() {
        // probs 0.5, 0.25, 0.15, 0.1; top_p 0.7: ascending cumulative 0.1, 0.25, 0.5, 1.0; removed where ≤ 0.3:
        // 0.1 and 0.15 go, 0.25 and 0.5 stay → 2/3, 1/3.
        float[] logits = {(float) Math.log(0.5), (float) Math.log(0.25), (float) Math.log(0.15), (float) Math.log(0.1)};
        double[] f = frequencies(logits, 0, 0.7, 200_000);
        assertEquals(2.0 / 3, f[0], 0.005);
        assertEquals(1.0 / 3, f[1], 0.005);
        assertEquals(0.0, f[2] + f[3]);
        // A tiny p always keeps the most likely token.
        double[] g = frequencies(logits, 0, 0.01, 1000);
        assertEquals(1.0, g[0], 1e-9);
    }

    @Test
    void repetitionPenaltyAndMinNewTokensProcessLogitsLikeTransformers() {
        try (NDManager m = NDManager.newBaseManager()) {
            var logits = m.create(new float[] {2f, -2f, 1f, 3f}, new Shape(1, 4));
            BitSet seen = new BitSet();
            seen.set(0);
            seen.set(1);
            GenerationConfig cfg = new GenerationConfig(4, 2, false, 1.0, 0, 1.0, List.of(3), 0, 2.0, 1.0, 0);
            float[] processed = Sampling.process(logits, cfg, 0, new BitSet[] {seen}, null).toFloatArray();
            // seen positive 2 → 1, seen negative −2 → −4, unseen 1 stays, EOS (3) suppressed before step 2.
            assertArrayEquals(new float[] {1f, -4f, 1f, Float.NEGATIVE_INFINITY}, processed);
            float[] later = Sampling.process(logits, cfg, 2, new BitSet[] {seen}, null).toFloatArray();
            assertEquals(3f, later[3]);
        }
    }

    @Test
    void encoderRepetitionPenaltyFavoursPromptTokensBeforeTheRepetitionPenalty() {
        try (NDManager m = NDManager.newBaseManager()) {
            var logits = m.create(new float[] {2f, -2f, 1f, 3f}, new Shape(1, 4));
            BitSet prompt = new BitSet();
            prompt.set(0);
            prompt.set(1);
            BitSet seen = new BitSet();
            seen.set(0);
            // transformers: EncoderRepetitionPenaltyLogitsProcessor(penalty=2) then RepetitionPenaltyLogitsProcessor(4):
            // token 0: 2 * 2 = 4, then seen: 4 / 4 = 1; token 1: -2 / 2 = -1; tokens 2, 3 unchanged.
            GenerationConfig cfg = new GenerationConfig(4, 0, false, 1.0, 0, 1.0, List.of(3), 0, 4.0, 2.0, 0);
            float[] processed = Sampling.process(logits, cfg, 0, new BitSet[] {seen}, new BitSet[] {prompt}).toFloatArray();
            assertArrayEquals(new float[] {1f, -1f, 1f, 3f}, processed);
            assertThrows(IllegalArgumentException.class, () -> cfg.withEncoderRepetitionPenalty(0));
        }
    }

    @Test
    void invalidSettingsAreRejectedNamingTheKey() {
        var e = assertThrows(IllegalArgumentException.class, () -> new GenerationConfig(4, 0, true, 0, 0, 1.0, List.of(), 0, 1.0, 1.0, 0));
        assertTrue(e.getMessage().contains("temperature"));
        e = assertThrows(IllegalArgumentException.class, () -> new GenerationConfig(4, 0, true, 1, 0, 1.5, List.of(), 0, 1.0, 1.0, 0));
        assertTrue(e.getMessage().contains("top_p"));
    }
}
