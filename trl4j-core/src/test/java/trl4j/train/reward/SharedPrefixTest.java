package trl4j.train.reward;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.training.GradientCollector;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;
import trl4j.config.TokenizerSettings.Side;
import trl4j.model.Parameters;
import trl4j.model.SequenceClassifier;
import trl4j.train.reward.EncodedComparisons.Pair;
import trl4j.train.reward.RewardEncoder.Encoded;

/**
 * Scoring a pair's common prefix once (then both continuations over a repeated KV cache) gives the
 * scores and the gradients of the plain pass over both full sequences, for GPT-2 (learned positions)
 * and Llama (rotary positions, grouped KV heads).
 */
class SharedPrefixTest {

    @TempDir
    static Path tmp;
    static Path tok;
    static NDManager manager;

    @BeforeAll
    static void setUp() {
        tok = RewardFixtures.tokenizer(tmp.resolve("tok"));
        manager = NDManager.newBaseManager();
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"gpt2", "llama"})
    void scoresAndGradientsEqualThePlainPass(String arch) {
        Path lm = arch.equals("gpt2") ? RewardFixtures.gpt2(tmp.resolve(arch), tok, 2) : RewardFixtures.llama(tmp.resolve(arch), tok, 2);
        try (RewardModel rm = RewardModel.fromPretrained(lm, null, manager, 4, new RewardModel.Options(80, Side.RIGHT, true, 0, 8))) {
            // Mixed lengths (left-padded prefixes of different sizes), all five negative kinds.
            List<Pair> pairs = EncodedComparisons.of(rm.encoder(), RewardFixtures.comparisons(0, 6)).pairs();
            assertTrue(SharedPrefix.applies(rm.model(), pairs));
            assertTrue(pairs.stream().anyMatch(p -> SharedPrefix.prefixLength(p) > p.chosen().input().length / 2),
                    "the prompt is most of a sequence");
            Parameters params = rm.model().parameters();
            params.setTrainable(n -> true);
            Map<String, float[]> shared = new LinkedHashMap<>();
            float[] sharedScores = backward(rm, pairs, true, shared);
            Map<String, float[]> plain = new LinkedHashMap<>();
            float[] plainScores = backward(rm, pairs, false, plain);
            for (int i = 0; i < plainScores.length; i++) {
                assertEquals(plainScores[i], sharedScores[i], 1e-5, "score " + i);
            }
            plain.forEach((name, want) -> {
                float[] got = shared.get(name);
                double scale = 1e-3;
                for (float w : want) {
                    scale = Math.max(scale, Math.abs(w));
                }
                for (int i = 0; i < want.length; i++) {
                    assertEquals(want[i], got[i], 1e-4 * scale, name + "[" + i + "]");
                }
            });
            assertFalse(java.util.Arrays.equals(plain.get("score.weight"), new float[plain.get("score.weight").length]));
        }
    }

    /** Scores (2n) and the gradients of a loss that weighs every score differently. */
    private static float[] backward(RewardModel rm, List<Pair> pairs, boolean shared, Map<String, float[]> grads) {
        Parameters params = rm.model().parameters();
        params.zeroGradients();
        float[] scores;
        try (NDManager m = manager.newSubManager(); NDScope s = new NDScope(); GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray out;
            if (shared) {
                out = SharedPrefix.scores((SequenceClassifier) rm.model(), m, pairs);
            } else {
                List<Encoded> items = new ArrayList<>();
                pairs.forEach(p -> items.add(p.chosen()));
                pairs.forEach(p -> items.add(p.rejected()));
                out = ScoreBatch.scores(rm.model(), m, items);
            }
            float[] w = new float[(int) out.size()];
            for (int i = 0; i < w.length; i++) {
                w[i] = (float) Math.sin(i + 1.0);
            }
            gc.backward(out.mul(m.create(w)).sum());
            scores = out.toFloatArray();
        }
        for (String n : params.names()) {
            grads.put(n, params.get(n).getGradient().toFloatArray());
        }
        return scores;
    }
}
