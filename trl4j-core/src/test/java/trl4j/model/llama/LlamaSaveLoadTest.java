package trl4j.model.llama;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import trl4j.checkpoint.CheckpointException;
import trl4j.checkpoint.ConfigJson;
import trl4j.checkpoint.ModelFolder;
import trl4j.checkpoint.SafeTensorsFile;
import trl4j.checkpoint.TensorSource;
import trl4j.model.CausalLm;
import trl4j.model.LanguageModel;
import trl4j.model.ModelWriter;
import trl4j.model.registry.Models;
import trl4j.tensor.GradMode;
import trl4j.testing.Golden;

/** save_pretrained / from_pretrained round trips of the golden Llama and Qwen2 folders. */
class LlamaSaveLoadTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static NDManager manager;

    @BeforeAll
    static void open() {
        manager = NDManager.newBaseManager();
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    /** Logits of the golden right_pad batch. */
    static float[] logits(LanguageModel model) {
        try (NDManager m = manager.newSubManager(); GradMode g = GradMode.disabled();
                SafeTensorsFile expected = Golden.expected(model.config().modelType())) {
            return ((CausalLm) model).logits(expected.read("right_pad.input_ids", m), expected.read("right_pad.attention_mask", m),
                    null, null).toFloatArray();
        }
    }

    static JsonNode json(Path file) throws Exception {
        return JSON.readTree(Files.readString(file));
    }

    static Set<String> names(TensorSource source) {
        return new TreeSet<>(source.names());
    }

    @ParameterizedTest
    @ValueSource(strings = {"llama", "qwen2"})
    void saveIsByteIdenticalToTransformersAndLoadsBack(String name, @TempDir Path tmp) throws Exception {
        Path golden = Golden.model(name);
        Path out = tmp.resolve("saved");
        try (LanguageModel model = Models.load(golden, manager)) {
            ModelWriter.save(model, out, null);
            assertEquals(-1, Files.mismatch(golden.resolve("model.safetensors"), out.resolve("model.safetensors")),
                    "model.safetensors byte-identical to save_pretrained's");
            try (SafeTensorsFile saved = SafeTensorsFile.open(out.resolve("model.safetensors"));
                    SafeTensorsFile want = SafeTensorsFile.open(golden.resolve("model.safetensors"))) {
                assertEquals(names(want), names(saved));
            }
            // Same keys and values (Jackson writes 1e-06 as 1.0E-6, so compare parsed JSON, not bytes).
            assertEquals(json(golden.resolve("config.json")), json(out.resolve("config.json")));
            assertEquals(json(golden.resolve("generation_config.json")), json(out.resolve("generation_config.json")));
            try (LanguageModel back = Models.load(out, manager)) {
                assertArrayEquals(logits(model), logits(back));
            }
        }
    }

    @Test
    void shardedSaveLoadsBack(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("sharded");
        try (LanguageModel model = Models.load(Golden.model("qwen2"), manager)) {
            ModelWriter.save(model, out, null, null, 60_000);
            assertFalse(Files.exists(out.resolve("model.safetensors")));
            JsonNode index = json(out.resolve(ModelFolder.WEIGHTS_INDEX));
            Set<String> shards = new TreeSet<>();
            List<String> mapped = new ArrayList<>();
            index.get("weight_map").fields().forEachRemaining(e -> {
                shards.add(e.getValue().asText());
                mapped.add(e.getKey());
            });
            assertTrue(shards.size() > 1, "shards: " + shards);
            try (SafeTensorsFile want = SafeTensorsFile.open(Golden.model("qwen2").resolve("model.safetensors"))) {
                assertEquals(names(want), new TreeSet<>(mapped));
            }
            try (LanguageModel back = Models.load(out, manager)) {
                assertArrayEquals(logits(model), logits(back));
            }
        }
    }

    /** A tied model saves without lm_head.weight (as save_pretrained drops the alias) and reloads tied. */
    @Test
    void tiedEmbeddingsSaveWithoutLmHead(@TempDir Path tmp) throws Exception {
        Path golden = Golden.model("llama");
        Path out = tmp.resolve("tied");
        LlamaConfig config = LlamaConfig.fromLlama(ConfigJson.read(golden.resolve("config.json"))).withTiedEmbeddings(true);
        try (SafeTensorsFile weights = SafeTensorsFile.open(golden.resolve("model.safetensors"));
                LlamaModel tied = LlamaModel.load(config, weights, manager);
                LanguageModel untied = Models.load(golden, manager)) {
            assertFalse(tied.parameters().contains("lm_head.weight"), "the file's lm_head is ignored when tied");
            float[] tiedLogits = logits(tied);
            assertFalse(java.util.Arrays.equals(tiedLogits, logits(untied)));
            ModelWriter.save(tied, out, null);
            try (SafeTensorsFile saved = SafeTensorsFile.open(out.resolve("model.safetensors"))) {
                Set<String> want = names(weights);
                want.remove("lm_head.weight");
                assertEquals(want, names(saved));
            }
            assertTrue(json(out.resolve("config.json")).get("tie_word_embeddings").asBoolean());
            try (LanguageModel back = Models.load(out, manager)) {
                assertTrue(back.config().tieWordEmbeddings());
                assertArrayEquals(tiedLogits, logits(back));
            }
        }
    }

    @Test
    void missingBiasesAreNamed() {
        LlamaConfig qwen = LlamaConfig.fromQwen2(ConfigJson.read(Golden.model("qwen2").resolve("config.json")));
        try (SafeTensorsFile llamaWeights = SafeTensorsFile.open(Golden.model("llama").resolve("model.safetensors"))) {
            CheckpointException e = assertThrows(CheckpointException.class, () -> LlamaModel.load(qwen, llamaWeights, manager));
            assertTrue(e.getMessage().contains("model.layers.0.self_attn.q_proj.bias"), e.getMessage());
        }
    }
}
