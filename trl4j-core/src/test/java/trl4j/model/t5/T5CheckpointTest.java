package trl4j.model.t5;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
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
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import trl4j.checkpoint.ModelFolder;
import trl4j.checkpoint.SafeTensorsFile;
import trl4j.model.LanguageModel;
import trl4j.model.ModelWriter;
import trl4j.model.registry.Models;
import trl4j.tensor.GradMode;
import trl4j.testing.Golden;

/** T5 save_pretrained / from_pretrained round trips against the golden folders. */
class T5CheckpointTest {

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

    static float[] forwardLogits(LanguageModel model, String name) {
        try (SafeTensorsFile expected = Golden.expected(name); NDManager m = manager.newSubManager(); GradMode g = GradMode.disabled()) {
            return ((T5Model) model).logits(expected.read("forward.input_ids", m), expected.read("forward.attention_mask", m),
                    expected.read("forward.decoder_input_ids", m)).toFloatArray();
        }
    }

    static Set<String> names(Path file) {
        try (SafeTensorsFile f = SafeTensorsFile.open(file)) {
            return new TreeSet<>(f.names());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"t5", "t5-v1_1"})
    void saveThenLoadGivesIdenticalLogitsAndHfFiles(String name) throws Exception {
        Path dir = tmp.resolve(name);
        try (LanguageModel golden = Models.load(Golden.model(name), manager)) {
            float[] before = forwardLogits(golden, name);
            ModelWriter.save(golden, dir, null);
            try (LanguageModel reloaded = Models.load(dir, manager)) {
                assertArrayEquals(before, forwardLogits(reloaded, name));
            }
        }
        // The weights file is what save_pretrained wrote: same tensor names (tied aliases dropped as HF drops
        // them), and byte for byte the same file.
        Path goldenWeights = Golden.model(name).resolve("model.safetensors");
        assertEquals(names(goldenWeights), names(dir.resolve("model.safetensors")));
        assertArrayEquals(Files.readAllBytes(goldenWeights), Files.readAllBytes(dir.resolve("model.safetensors")));
        // config.json keeps every key HF wrote, with equal values.
        ObjectMapper json = new ObjectMapper();
        JsonNode want = json.readTree(Golden.model(name).resolve("config.json").toFile());
        JsonNode got = json.readTree(dir.resolve("config.json").toFile());
        assertEquals(fieldNames(want), fieldNames(got));
        want.fields().forEachRemaining(e -> assertTrue(equalJson(e.getValue(), got.get(e.getKey())),
                e.getKey() + ": " + got.get(e.getKey()) + " vs " + e.getValue()));
        JsonNode gen = json.readTree(dir.resolve("generation_config.json").toFile());
        assertEquals(json.readTree(Golden.model(name).resolve("generation_config.json").toFile()), gen);
    }

    @ParameterizedTest
    @ValueSource(strings = {"t5", "t5-v1_1"})
    void shardedSaveLoadsBack(String name) {
        Path dir = tmp.resolve(name + "-sharded");
        try (LanguageModel golden = Models.load(Golden.model(name), manager)) {
            float[] before = forwardLogits(golden, name);
            ModelWriter.save(golden, dir, null, null, 50_000);
            assertTrue(Files.isRegularFile(dir.resolve(ModelFolder.WEIGHTS_INDEX)));
            assertFalse(Files.exists(dir.resolve(ModelFolder.WEIGHTS)));
            try (LanguageModel reloaded = Models.load(dir, manager)) {
                assertArrayEquals(before, forwardLogits(reloaded, name));
            }
        }
    }

    /** Checkpoints that keep HF's tied aliases and the unused cross-attention bias load like HF loads them. */
    @ParameterizedTest
    @ValueSource(strings = {"t5", "t5-v1_1"})
    void tiedAliasesAndUnusedBiasAreIgnoredOnLoad(String name) throws Exception {
        Path dir = tmp.resolve(name + "-aliases");
        try (LanguageModel golden = Models.load(Golden.model(name), manager); NDManager m = manager.newSubManager()) {
            float[] before = forwardLogits(golden, name);
            List<trl4j.checkpoint.SafeTensorsWriter.Entry> entries = new ArrayList<>(
                    trl4j.model.WeightTable.entries(golden.parameters(), trl4j.checkpoint.DType.F32));
            NDArray shared = golden.parameters().get("shared.weight");
            entries.add(trl4j.checkpoint.SafeTensorsWriter.array("encoder.embed_tokens.weight", shared, trl4j.checkpoint.DType.F32));
            entries.add(trl4j.checkpoint.SafeTensorsWriter.array("decoder.embed_tokens.weight", shared, trl4j.checkpoint.DType.F32));
            if (golden.config().tieWordEmbeddings()) {
                entries.add(trl4j.checkpoint.SafeTensorsWriter.array("lm_head.weight", shared, trl4j.checkpoint.DType.F32));
            }
            entries.add(trl4j.checkpoint.SafeTensorsWriter.array("decoder.block.0.layer.1.EncDecAttention.relative_attention_bias.weight",
                    m.zeros(new ai.djl.ndarray.types.Shape(32, 4)), trl4j.checkpoint.DType.F32));
            Files.createDirectories(dir);
            Files.copy(Golden.model(name).resolve("config.json"), dir.resolve("config.json"));
            ModelFolder.writeWeights(dir, entries, ModelFolder.DEFAULT_MAX_SHARD_BYTES);
            try (LanguageModel reloaded = Models.load(dir, manager)) {
                assertArrayEquals(before, forwardLogits(reloaded, name));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"t5", "t5-v1_1"})
    void initializedModelRoundTrips(String name) {
        T5Config config = T5Config.of(64, 16, 4, 32, 2, 4, name.equals("t5") ? "relu" : "gated-gelu", name.equals("t5"));
        Path dir = tmp.resolve(name + "-fresh");
        try (T5Model model = T5Model.initialize(config, manager, 7); NDManager m = manager.newSubManager(); GradMode g = GradMode.disabled()) {
            NDArray ids = m.create(new long[] {5, 6, 7, 1}, new ai.djl.ndarray.types.Shape(1, 4));
            NDArray dec = m.create(new long[] {0, 9, 10}, new ai.djl.ndarray.types.Shape(1, 3));
            float[] before = model.logits(ids, null, dec).toFloatArray();
            ModelWriter.save(model, dir, null);
            try (T5Model reloaded = (T5Model) Models.load(dir, manager)) {
                var want = config.toHfJson();
                var got = reloaded.config().toHfJson();
                got.remove("transformers_version");
                assertEquals(want, got);
                assertArrayEquals(before, reloaded.logits(ids, null, dec).toFloatArray());
            }
        }
    }

    static Set<String> fieldNames(JsonNode n) {
        Set<String> out = new TreeSet<>();
        n.fieldNames().forEachRemaining(out::add);
        return out;
    }

    static boolean equalJson(JsonNode a, JsonNode b) {
        if (a.isNumber() && b != null && b.isNumber()) {
            return a.asDouble() == b.asDouble();
        }
        return a.equals(b);
    }
}
