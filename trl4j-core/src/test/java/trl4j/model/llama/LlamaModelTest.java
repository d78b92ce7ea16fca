package trl4j.model.llama;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import trl4j.checkpoint.ConfigJson;
import trl4j.checkpoint.SafeTensorsFile;
import trl4j.model.Parameters;
import trl4j.tensor.GradMode;
import trl4j.testing.Golden;

/** Behaviour the golden vectors do not pin down: MHA vs GQA, dropout, head_dim, initialisation. */
class LlamaModelTest {

    static NDManager manager;
    static SafeTensorsFile weights;
    static SafeTensorsFile expected;

    @BeforeAll
    static void open() {
        manager = NDManager.newBaseManager();
        weights = SafeTensorsFile.open(Golden.model("llama").resolve("model.safetensors"));
        expected = Golden.expected("llama");
    }

    @AfterAll
    static void close() {
        weights.close();
        expected.close();
        manager.close();
    }

    /** The golden Llama config with one key changed. */
    static LlamaConfig goldenWith(String key, double value) {
        ObjectNode json = ConfigJson.read(Golden.model("llama").resolve("config.json")).json();
        if (value == Math.rint(value)) {
            json.put(key, (int) value);
        } else {
            json.put(key, value);
        }
        return LlamaConfig.fromLlama(ConfigJson.of(Golden.model("llama").resolve("config.json"), json));
    }

    static float[] rightPadLogits(LlamaModel model, NDManager m) {
        return model.logits(expected.read("right_pad.input_ids", m), expected.read("right_pad.attention_mask", m), null, null)
                .toFloatArray();
    }

    /**
     * 4 query heads sharing 2 kv heads = 4 heads with kv heads repeated 0,0,1,1 (HF's repeat_kv). This
     * also runs the plain multi-head path (H = Hkv) of {@code Attention.attendGrouped}.
     */
    @Test
    void groupedQueryAttentionEqualsMultiHeadWithRepeatedKvHeads() {
        try (NDManager m = manager.newSubManager(); GradMode g = GradMode.disabled();
                LlamaModel gqa = LlamaModel.load(goldenWith("num_key_value_heads", 2), weights, m)) {
            LlamaConfig mhaConfig = goldenWith("num_key_value_heads", 4);
            Parameters src = gqa.parameters();
            Parameters repeated = LlamaModel.weightTable(mhaConfig).create(m, spec -> {
                NDArray w = src.get(spec.name());
                if (spec.name().endsWith("k_proj.weight") || spec.name().endsWith("v_proj.weight")) {
                    // (Hkv·D, C) → (Hkv, 1, D, C) → (Hkv, 2, D, C) → (H·D, C): kv head h serves heads 2h, 2h+1
                    return w.reshape(2, 1, 8, 32).broadcast(new Shape(2, 2, 8, 32)).reshape(32, 32);
                }
                return w.duplicate();
            });
            try (LlamaModel mha = new LlamaModel(mhaConfig, repeated)) {
                Golden.assertClose("MHA with repeated kv heads", rightPadLogits(gqa, m), rightPadLogits(mha, m),
                        Golden.validPositions(expected.readLongs("right_pad.attention_mask")), 1e-5);
            }
        }
    }

    @Test
    void attentionDropoutOnlyWhileTraining() {
        try (NDManager m = manager.newSubManager(); GradMode g = GradMode.disabled();
                LlamaModel model = LlamaModel.load(goldenWith("attention_dropout", 0.5), weights, m)) {
            float[] eval = rightPadLogits(model, m);
            assertArrayEquals(eval, rightPadLogits(model, m));
            model.setTraining(true);
            float[] train = rightPadLogits(model, m);
            model.setTraining(false);
            assertFalse(Arrays.equals(eval, train), "dropout changed nothing while training");
            assertArrayEquals(eval, rightPadLogits(model, m));
        }
    }

    @Test
    void explicitHeadDimRuns() throws Exception {
        LlamaConfig c = LlamaConfigTest.read("{\"model_type\": \"llama\", \"hidden_size\": 32, \"num_attention_heads\": 4,"
                + " \"num_key_value_heads\": 2, \"head_dim\": 16, \"num_hidden_layers\": 1, \"intermediate_size\": 48, \"vocab_size\": 64}");
        try (NDManager m = manager.newSubManager(); LlamaModel model = LlamaModel.initialize(c, m, 1); GradMode g = GradMode.disabled()) {
            NDArray logits = model.logits(m.create(new long[] {1, 2, 3}, new Shape(1, 3)), null, null, null);
            assertEquals(new Shape(1, 3, 64), logits.getShape());
        }
    }

    @Test
    void initializeFollowsHfInitWeights() {
        LlamaConfig c = LlamaConfig.llama(256, 32, 64, 2, 4, 2, 64, false, 1, 2, 0);
        try (NDManager m = manager.newSubManager(); LlamaModel a = LlamaModel.initialize(c, m, 7);
                LlamaModel b = LlamaModel.initialize(c, m, 7)) {
            float[] emb = a.parameters().get("model.embed_tokens.weight").toFloatArray();
            for (int i = 0; i < 32; i++) {
                assertEquals(0f, emb[i], "the pad token's row (id 0) is zero");
            }
            float[] q = a.parameters().get("model.layers.1.self_attn.q_proj.weight").toFloatArray();
            double sq = 0;
            for (float v : q) {
                sq += v * v;
            }
            assertEquals(0.02, Math.sqrt(sq / q.length), 0.002, "N(0, initializer_range)");
            for (float v : a.parameters().get("model.layers.0.input_layernorm.weight").toFloatArray()) {
                assertEquals(1f, v);
            }
            assertArrayEquals(a.parameters().get("lm_head.weight").toFloatArray(), b.parameters().get("lm_head.weight").toFloatArray(),
                    "deterministic for a seed");
        }
    }
}
