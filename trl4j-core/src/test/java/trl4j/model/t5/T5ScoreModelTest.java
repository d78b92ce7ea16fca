package trl4j.model.t5;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import trl4j.checkpoint.CheckpointException;
import trl4j.checkpoint.ModelFolder;
import trl4j.checkpoint.SafeTensorsFile;
import trl4j.model.registry.Models;
import trl4j.tensor.GradMode;
import trl4j.testing.Golden;

/** The T5 scalar head for reward models: what it computes, padding invariance, save/load. */
class T5ScoreModelTest {

    static NDManager manager;

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() {
        manager = NDManager.newBaseManager();
    }

    @AfterAll
    static void stop() {
        manager.close();
    }

    static final List<long[]> PROMPTS = List.of(new long[] {279, 286, 488, 231, 333, 1}, new long[] {352, 126, 470, 1});
    static final List<long[]> SUMMARIES = List.of(new long[] {245, 72, 46}, new long[] {476, 390, 76, 410, 397, 1});

    static float[] score(T5ScoreModel model, NDManager m, List<long[]> prompts, List<long[]> summaries) {
        NDArray[] enc = T5ScoreModel.rightPad(m, prompts, new long[0], 0);
        NDArray[] dec = T5ScoreModel.rightPad(m, summaries, new long[] {model.config().decoderStartTokenId()}, 0);
        return model.scores(enc[0], enc[1], dec[0], dec[1]).toFloatArray();
    }

    @ParameterizedTest
    @ValueSource(strings = {"t5", "t5-v1_1"})
    void scoreIsTheHeadOnTheLastRealDecoderStateAndPaddingInvariant(String name) {
        try (T5Model lm = (T5Model) Models.load(Golden.model(name), manager);
                T5ScoreModel rm = T5ScoreModel.fromLanguageModel(lm, 1, manager, 3);
                NDManager m = manager.newSubManager();
                GradMode g = GradMode.disabled()) {
            float[] batch = score(rm, m, PROMPTS, SUMMARIES); // (2, 1)
            assertEquals(2, batch.length);
            float[] w = rm.parameters().get(T5ScoreModel.SCORE_WEIGHT).toFloatArray();
            for (int r = 0; r < 2; r++) {
                // Unpadded row alone, by hand: the decoder's final state (no rescale) at the last position · wᵀ.
                long[] p = PROMPTS.get(r);
                long[] d = new long[SUMMARIES.get(r).length + 1];
                System.arraycopy(SUMMARIES.get(r), 0, d, 1, d.length - 1);
                NDArray encoded = lm.encode(m.create(p, new Shape(1, p.length)), null, null);
                float[] hidden = lm.decode(m.create(d, new Shape(1, d.length)), encoded, null, null, null)
                        .get(":, -1, :").toFloatArray();
                double want = 0;
                for (int i = 0; i < hidden.length; i++) {
                    want += hidden[i] * w[i];
                }
                assertEquals(want, batch[r], 1e-4 * Math.max(1, Math.abs(want)), "row " + r);
                float[] alone = score(rm, m, List.of(PROMPTS.get(r)), List.of(SUMMARIES.get(r)));
                assertEquals(alone[0], batch[r], 1e-4 * Math.max(1, Math.abs(alone[0])), "row " + r + " alone");
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"t5", "t5-v1_1"})
    void saveAndLoadRoundTrip(String name) throws Exception {
        Path dir = tmp.resolve(name + "-rm");
        try (T5Model lm = (T5Model) Models.load(Golden.model(name), manager);
                T5ScoreModel rm = T5ScoreModel.fromLanguageModel(lm, 2, manager, 5);
                NDManager m = manager.newSubManager();
                GradMode g = GradMode.disabled()) {
            float[] before = score(rm, m, PROMPTS, SUMMARIES);
            assertEquals(4, before.length);
            rm.save(dir, null);
            try (T5ScoreModel reloaded = T5ScoreModel.load(dir, manager)) {
                assertEquals(2, reloaded.numLabels());
                assertArrayEquals(before, score(reloaded, m, PROMPTS, SUMMARIES));
            }
            // Tensors: the LM's trunk names (no lm_head) + score.weight.
            Set<String> want = new TreeSet<>();
            try (SafeTensorsFile golden = SafeTensorsFile.open(Golden.model(name).resolve("model.safetensors"))) {
                want.addAll(golden.names());
            }
            want.remove("lm_head.weight");
            want.add("score.weight");
            try (SafeTensorsFile saved = SafeTensorsFile.open(dir.resolve("model.safetensors"))) {
                assertEquals(want, new TreeSet<>(saved.names()));
                assertArrayEquals(new long[] {2, 32}, saved.info("score.weight").shape());
            }
            JsonNode config = new ObjectMapper().readTree(dir.resolve("config.json").toFile());
            assertEquals(T5ScoreModel.ARCHITECTURE, config.get("architectures").get(0).asText());
            assertEquals(2, config.get("num_labels").asInt());
            assertEquals("LABEL_1", config.get("id2label").get("1").asText());
            assertEquals("t5", config.get("model_type").asText());
            assertEquals(name.equals("t5") ? null : false,
                    config.has("tie_word_embeddings") ? config.get("tie_word_embeddings").asBoolean() : null);
            assertFalse(Files.exists(dir.resolve(ModelFolder.GENERATION_CONFIG)));
            // Sharded save loads back too.
            rm.save(dir.resolveSibling(name + "-rm-sharded"), null, 40_000);
            try (T5ScoreModel reloaded = T5ScoreModel.load(dir.resolveSibling(name + "-rm-sharded"), manager)) {
                assertArrayEquals(before, score(reloaded, m, PROMPTS, SUMMARIES));
            }
        }
        // The LM loader refuses a score-model folder rather than silently dropping the head.
        CheckpointException e = assertThrows(CheckpointException.class, () -> Models.load(dir, manager));
        assertTrue(e.getMessage().contains("score"), e.getMessage());
        // The registry's header check recognises the head (inspect shows it).
        Models.Kind kind = Models.check(dir);
        assertTrue(kind.classifier());
        assertEquals(2, kind.numLabels());
    }

    @ParameterizedTest
    @ValueSource(strings = {"t5", "t5-v1_1"})
    void gradientsReachHeadAndTrunk(String name) {
        T5Config config = T5Config.of(64, 16, 4, 32, 1, 2, name.equals("t5") ? "relu" : "gated-gelu", name.equals("t5"));
        try (T5ScoreModel rm = T5ScoreModel.initialize(config, 1, manager, 9); NDManager m = manager.newSubManager()) {
            rm.parameters().setTrainable(n -> true);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                List<long[]> prompts = List.of(new long[] {5, 6, 7, 1}, new long[] {8, 1});
                List<long[]> summaries = List.of(new long[] {9, 10}, new long[] {11, 12, 13});
                NDArray[] enc = T5ScoreModel.rightPad(m, prompts, new long[0], 0);
                NDArray[] dec = T5ScoreModel.rightPad(m, summaries, new long[] {0}, 0);
                gc.backward(rm.scores(enc[0], enc[1], dec[0], dec[1]).sum());
            }
            List<String> zero = new ArrayList<>();
            for (String n : rm.parameters().names()) {
                if (rm.parameters().get(n).getGradient().abs().sum().getFloat() == 0f) {
                    zero.add(n);
                }
            }
            assertEquals(List.of(), zero, "parameters without gradient");
        }
    }

    @Test
    void leftPaddedDecoderMaskIsRefused() {
        try (T5ScoreModel rm = T5ScoreModel.initialize(T5Config.of(64, 16, 4, 32, 1, 2, "relu", true), 1, manager, 1);
                NDManager m = manager.newSubManager();
                GradMode g = GradMode.disabled()) {
            NDArray ids = m.create(new long[] {3, 4, 5, 6}, new Shape(1, 4));
            NDArray leftPadded = m.create(new long[] {0, 1, 1, 1}, new Shape(1, 4));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> rm.scores(ids, null, ids, leftPadded));
            assertTrue(e.getMessage().contains("right padding"), e.getMessage());
        }
    }
}
