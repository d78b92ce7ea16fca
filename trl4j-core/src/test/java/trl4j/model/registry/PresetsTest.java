package trl4j.model.registry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import trl4j.model.CausalLm;
import trl4j.model.LanguageModel;
import trl4j.model.ModelConfig;
import trl4j.model.ModelWriter;
import trl4j.model.llama.LlamaConfig;

class PresetsTest {

    private static final Presets.Vocabulary VOCAB = new Presets.Vocabulary(512, 0, 1, null);

    @Test
    void everyPresetResolvesWithTheTokenizersSpecialIds() {
        for (String name : Presets.names()) {
            ModelConfig c = Presets.config("preset:" + name, VOCAB);
            assertEquals(512, c.vocabSize(), name);
            assertEquals(0, c.padTokenId(), name);
            assertEquals(java.util.List.of(1), c.eosTokenIds(), name);
        }
    }

    @Test
    void tinyLlamaIsTheDocumentedShape() {
        LlamaConfig c = (LlamaConfig) Presets.config("tiny-llama", VOCAB);
        assertEquals("llama", c.modelType());
        assertEquals(256, c.hiddenSize());
        assertEquals(688, c.intermediateSize());
        assertEquals(4, c.numHiddenLayers());
        assertEquals(4, c.numAttentionHeads());
        assertEquals(4, c.numKeyValueHeads());
        assertEquals(64, c.headDim());
        assertTrue(c.tieWordEmbeddings());
        assertEquals(0.0, c.attentionDropout());
        assertEquals(1, c.bosTokenId(), "no BOS in the tokenizer: EOS starts sequences, as for GPT-2");
    }

    @Test
    void aFreshTinyLlamaSavesAndLoadsWithTheSameLogits(@TempDir Path dir) {
        try (NDManager manager = NDManager.newBaseManager()) {
            LanguageModel model = Models.initialize(Presets.config("tiny-llama", VOCAB), manager, 7);
            ModelWriter.save(model, dir, null);
            LanguageModel loaded = Models.load(dir, manager);
            NDArray ids = manager.create(new long[] {5, 17, 300, 42, 9, 1}, new Shape(1, 6));
            float[] want = ((CausalLm) model).logits(ids, null, null, null).toFloatArray();
            float[] got = ((CausalLm) loaded).logits(ids, null, null, null).toFloatArray();
            assertEquals(6 * 512, want.length);
            assertArrayEquals(want, got, 0f);
        }
    }

    @Test
    void anUnknownPresetNamesTheKnownOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Presets.config("preset:tiny", VOCAB));
        assertTrue(e.getMessage().contains("did you mean 'preset:tiny-gpt2'"), e.getMessage());
        assertTrue(e.getMessage().contains("preset:tiny-llama"), e.getMessage());
    }
}
