package trl4j.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import trl4j.checkpoint.ConfigJson;
import trl4j.checkpoint.DType;
import trl4j.checkpoint.ModelFolder;
import trl4j.checkpoint.SafeTensorsFile;
import trl4j.checkpoint.SafeTensorsWriter;
import trl4j.checkpoint.ShardedTensors;
import trl4j.generate.GenerationConfig;
import trl4j.generate.GenerationOutput;
import trl4j.generate.Generator;
import trl4j.model.registry.Models;
import trl4j.testing.Golden;
import trl4j.tokenizer.Tokenizer;

/** save_pretrained equivalence for GPT-2, and the sharded / F16 / BF16 variants of a checkpoint. */
class CheckpointRoundTripTest {

    static NDManager manager;
    static LanguageModel text;
    static Tokenizer tokenizer;
    static List<long[]> prompts;
    static GenerationOutput reference;

    @BeforeAll
    static void load() {
        manager = NDManager.newBaseManager();
        text = Models.load(Golden.model("gpt2-text"), manager);
        tokenizer = Tokenizer.load(Golden.model("gpt2-text"));
        prompts = List.of(tokenizer.encode("The quick brown fox jumps over the lazy dog."), tokenizer.encode("Hello"),
                tokenizer.encode("TL;DR: a summary of"));
        reference = Generator.generate(text, prompts, GenerationConfig.greedy(text.config(), 16));
    }

    @AfterAll
    static void close() {
        tokenizer.close();
        text.close();
        manager.close();
    }

    @Test
    void savedGpt2IsByteIdenticalToSavePretrained(@TempDir Path tmp) throws Exception {
        try (LanguageModel tiny = Models.load(Golden.model("gpt2"), manager)) {
            Path out = tmp.resolve("saved");
            ModelWriter.save(tiny, out, null);
            assertArrayEquals(Files.readAllBytes(Golden.model("gpt2").resolve("model.safetensors")),
                    Files.readAllBytes(out.resolve("model.safetensors")), "model.safetensors differs from HF's");
            // config.json: every key HF wrote has the same value.
            var want = ConfigJson.read(Golden.model("gpt2").resolve("config.json")).json();
            var got = ConfigJson.read(out.resolve("config.json")).json();
            want.fieldNames().forEachRemaining(k -> assertEquals(want.get(k), got.get(k), k));
            try (LanguageModel again = Models.load(out, manager)) {
                for (String name : tiny.parameters().names()) {
                    assertArrayEquals(tiny.parameters().get(name).toFloatArray(), again.parameters().get(name).toFloatArray(), name);
                }
            }
        }
    }

    @Test
    void shardedCheckpointGivesTheSameTokens(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("sharded");
        ModelWriter.save(text, out, null, Golden.model("gpt2-text"), 4_000_000);
        assertTrue(Files.exists(out.resolve(ModelFolder.WEIGHTS_INDEX)));
        assertTrue(!Files.exists(out.resolve(ModelFolder.WEIGHTS)));
        try (var weights = ModelFolder.open(out).openWeights()) {
            assertTrue(((ShardedTensors) weights).shardCount() >= 2);
        }
        try (LanguageModel sharded = Models.load(out, manager)) {
            assertSameTokens(sharded);
        }
    }

    @Test
    void halfPrecisionCheckpointsLoadAsTheirFloat32Values(@TempDir Path tmp) throws Exception {
        for (DType dtype : List.of(DType.F16, DType.BF16)) {
            Path out = tmp.resolve(dtype.name());
            ModelWriter.save(text, out, Golden.model("gpt2-text"));
            ModelFolder.writeWeights(out, WeightTable.entries(text.parameters(), dtype), ModelFolder.DEFAULT_MAX_SHARD_BYTES);
            try (SafeTensorsFile f = SafeTensorsFile.open(out.resolve("model.safetensors"));
                    LanguageModel half = Models.load(out, manager)) {
                assertEquals(dtype, f.info("transformer.wte.weight").dtype());
                for (String name : text.parameters().names()) {
                    float[] original = text.parameters().get(name).toFloatArray();
                    float[] loaded = half.parameters().get(name).toFloatArray();
                    for (int i = 0; i < original.length; i++) {
                        float rounded = dtype == DType.F16 ? DType.halfToFloat(DType.floatToHalf(original[i]))
                                : DType.bf16ToFloat(DType.floatToBf16(original[i]));
                        if (Float.floatToIntBits(rounded) != Float.floatToIntBits(loaded[i])) {
                            throw new AssertionError(dtype + " " + name + "[" + i + "]: " + loaded[i] + " != " + rounded);
                        }
                    }
                }
                // F16 keeps 11 significant bits: the greedy tokens survive; BF16 keeps 8, checked separately below.
                if (dtype == DType.F16) {
                    assertSameTokens(half);
                }
            }
        }
    }

    @Test
    void bf16CheckpointGivesTheTokensOfItsRoundedWeights(@TempDir Path tmp) throws Exception {
        Path bf16 = tmp.resolve("bf16");
        ModelWriter.save(text, bf16, Golden.model("gpt2-text"));
        ModelFolder.writeWeights(bf16, WeightTable.entries(text.parameters(), DType.BF16), ModelFolder.DEFAULT_MAX_SHARD_BYTES);
        try (LanguageModel fromBf16 = Models.load(bf16, manager)) {
            // Re-save the widened weights as F32: the same numbers through the F32 path.
            Path f32 = tmp.resolve("f32");
            ModelWriter.save(fromBf16, f32, Golden.model("gpt2-text"));
            try (LanguageModel fromF32 = Models.load(f32, manager)) {
                GenerationConfig cfg = GenerationConfig.greedy(text.config(), 16);
                GenerationOutput a = Generator.generate(fromBf16, prompts, cfg);
                GenerationOutput b = Generator.generate(fromF32, prompts, cfg);
                for (int i = 0; i < prompts.size(); i++) {
                    assertArrayEquals(b.responses()[i], a.responses()[i]);
                }
            }
        }
    }

    private static void assertSameTokens(LanguageModel model) {
        GenerationOutput out = Generator.generate(model, prompts, GenerationConfig.greedy(model.config(), 16));
        for (int i = 0; i < prompts.size(); i++) {
            assertArrayEquals(reference.responses()[i], out.responses()[i], "prompt " + i);
        }
    }

    @Test
    void writerRejectsDuplicateNames(@TempDir Path tmp) {
        var e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> SafeTensorsWriter.write(
                tmp.resolve("d.safetensors"),
                List.of(SafeTensorsWriter.floats("a", new long[] {1}, new float[] {1}, DType.F32),
                        SafeTensorsWriter.floats("a", new long[] {1}, new float[] {2}, DType.F32)), Map.of()));
        assertTrue(e.getMessage().contains("duplicate"));
    }
}
