package trl4j.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import trl4j.checkpoint.CheckpointException;
import trl4j.checkpoint.ConfigJson;
import trl4j.checkpoint.SafeTensorsFile;
import trl4j.model.registry.Models;
import trl4j.tensor.GradMode;
import trl4j.testing.Golden;

/** *ForSequenceClassification heads: HF's last-non-pad-token rule, layout, save/load round trip. */
class SequenceClassifierTest {

    static NDManager manager;

    @BeforeAll
    static void start() {
        manager = NDManager.newBaseManager();
    }

    @AfterAll
    static void stop() {
        manager.close();
    }

    @Test
    void scoredPositionFollowsTransformers() {
        try (SequenceClassifier c = Models.loadClassifier(Golden.model("gpt2"), manager, 1, 3)) {
            SequenceClassifier withPad = new SequenceClassifier(c.trunk(), 1, 0);
            // Right padding → last real token; no pad → last position; a pad id inside the text
            // ends the row there (HF's argmax of the first pad); left padding → -1 mod T = last position.
            long[] ids = {5, 6, 7, 0, 0, /**/ 5, 6, 7, 8, 9, /**/ 5, 0, 7, 8, 0, /**/ 0, 0, 7, 8, 9};
            assertArrayEquals(new long[] {2, 4, 0, 4}, withPad.scoredPositions(ids, 4));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"gpt2", "llama", "qwen2"})
    void scoresAreTheHeadAtTheLastRealTokenAndSurviveSaveAndLoad(String name, @TempDir Path tmp) throws Exception {
        try (NDManager m = manager.newSubManager(); GradMode g = GradMode.disabled();
                SafeTensorsFile expected = Golden.expected(name)) {
            SequenceClassifier fresh = Models.loadClassifier(Golden.model(name), m, 1, 7);
            SequenceClassifier classifier = new SequenceClassifier(fresh.trunk(), 1, 0);
            NDArray ids = expected.read("right_pad.input_ids", m);
            NDArray mask = expected.read("right_pad.attention_mask", m);
            float[] scores = classifier.scores(ids, mask).toFloatArray();
            assertEquals(2, scores.length);
            // Row 1 alone, unpadded: its last hidden state through score.weight by hand.
            NDArray single = expected.read("single.input_ids", m);
            float[] hidden = classifier.trunk().hidden(single, null, null, null, null).get(":, -1, :").toFloatArray();
            float[] w = classifier.parameters().get(SequenceClassifier.SCORE).toFloatArray();
            double byHand = 0;
            for (int i = 0; i < hidden.length; i++) {
                byHand += hidden[i] * w[i];
            }
            assertEquals(byHand, scores[1], 1e-4 * Math.max(1, Math.abs(byHand)));

            Path out = tmp.resolve("rm");
            ModelWriter.save(classifier, out, null);
            var config = ConfigJson.read(out.resolve("config.json"));
            assertTrue(config.getStrings("architectures").get(0).endsWith("ForSequenceClassification"));
            assertEquals("LABEL_0", config.getNode("id2label").get("0").asText());
            assertEquals(0, config.getIntOrNull("pad_token_id"));
            List<String> want = new ArrayList<>(SafeTensorsFile.open(Golden.model(name).resolve("model.safetensors")).names());
            want.remove("lm_head.weight");
            want.add(SequenceClassifier.SCORE);
            List<String> got = new ArrayList<>(SafeTensorsFile.open(out.resolve("model.safetensors")).names());
            assertEquals(want.stream().sorted().toList(), got.stream().sorted().toList());
            try (SequenceClassifier again = Models.loadClassifier(out, m, 99, 0)) {
                assertEquals(1, again.numLabels());
                assertArrayEquals(scores, again.scores(ids, mask).toFloatArray());
            }
            assertEquals(true, Models.check(out).classifier());
            var e = assertThrows(CheckpointException.class, () -> Models.load(out, m));
            assertTrue(e.getMessage().contains("sequence-classification"));
            fresh.close();
        }
    }

    @Test
    void withoutPadIdOnlyBatchOneCanBeScored() {
        try (SequenceClassifier c = Models.loadClassifier(Golden.model("gpt2"), manager, 1, 3); NDManager m = manager.newSubManager()) {
            NDArray two = m.create(new long[] {5, 6, 7, 8}, new Shape(2, 2));
            var e = assertThrows(IllegalArgumentException.class, () -> c.scores(two, null));
            assertTrue(e.getMessage().contains("pad_token_id"));
            assertFalse(Float.isNaN(c.scores(m.create(new long[] {5, 6}, new Shape(1, 2)), null).getFloat()));
        }
    }
}
