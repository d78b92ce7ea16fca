package trl4j.model.t5;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import trl4j.checkpoint.CheckpointException;
import trl4j.checkpoint.ConfigJson;

/** T5 config semantics (HF's T5Config defaults and feed_forward_proj parsing) and the HF initialisation. */
class T5ConfigTest {

    static T5Config parse(String json) {
        try {
            return T5Config.from(ConfigJson.of(Path.of("config.json"), (ObjectNode) new ObjectMapper().readTree(json)));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static String rejected(String json) {
        return assertThrows(CheckpointException.class, () -> parse(json)).getMessage();
    }

    @Test
    void emptyConfigGivesHfDefaults() {
        T5Config c = parse("{}");
        assertEquals(32128, c.vocabSize());
        assertEquals(512, c.dModel());
        assertEquals(64, c.dKv());
        assertEquals(2048, c.dFf());
        assertEquals(6, c.numLayers());
        assertEquals(6, c.numDecoderLayers()); // null → num_layers
        assertEquals(8, c.numHeads());
        assertEquals(32, c.relativeAttentionNumBuckets());
        assertEquals(128, c.relativeAttentionMaxDistance());
        assertEquals(0.1, c.dropoutRate());
        assertEquals(1e-6, c.layerNormEpsilon());
        assertEquals(1.0, c.initializerFactor());
        assertEquals("relu", c.denseActFn());
        assertFalse(c.isGatedAct());
        assertTrue(c.tieWordEmbeddings());
        assertEquals(0, c.padTokenId());
        assertEquals(List.of(1), c.eosTokenIds());
        assertEquals(0, c.decoderStartTokenId()); // absent → pad (T5 starts decoding from pad)
        assertEquals(0, c.maxPositions());
    }

    @Test
    void feedForwardProjIsParsedAsHfDoes() {
        T5Config gatedGelu = parse("{\"feed_forward_proj\": \"gated-gelu\"}");
        assertEquals("gelu_new", gatedGelu.denseActFn()); // HF's backward-compatibility mapping
        assertTrue(gatedGelu.isGatedAct());
        assertEquals("gelu", parse("{\"feed_forward_proj\": \"gelu\"}").denseActFn()); // exact (erf) GELU
        T5Config gatedSilu = parse("{\"feed_forward_proj\": \"gated-silu\"}");
        assertEquals("silu", gatedSilu.denseActFn());
        assertTrue(gatedSilu.isGatedAct());
        T5Config gatedRelu = parse("{\"feed_forward_proj\": \"gated-relu\"}");
        assertEquals("relu", gatedRelu.denseActFn());
        assertTrue(gatedRelu.isGatedAct());
        assertEquals("gelu_new", parse("{\"feed_forward_proj\": \"gated-gelu_new\"}").denseActFn());
        // A saved dense_act_fn / is_gated_act wins over the derived one, as in HF.
        assertEquals("gelu", parse("{\"feed_forward_proj\": \"gated-gelu\", \"dense_act_fn\": \"gelu\"}").denseActFn());
        assertEquals(3, parse("{\"num_layers\": 5, \"num_decoder_layers\": 3}").numDecoderLayers());
        assertEquals(List.of(1, 2), parse("{\"eos_token_id\": [1, 2]}").eosTokenIds());
        assertEquals(7, parse("{\"decoder_start_token_id\": 7}").decoderStartTokenId());
    }

    @Test
    void unsupportedOptionsAreRejectedNamingTheKey() {
        assertTrue(rejected("{\"feed_forward_proj\": \"gated-gelu-x\"}").contains("'feed_forward_proj'"));
        assertTrue(rejected("{\"feed_forward_proj\": \"double-gelu\"}").contains("'feed_forward_proj'"));
        assertTrue(rejected("{\"feed_forward_proj\": \"gated-tanh\"}").contains("'feed_forward_proj'"));
        assertTrue(rejected("{\"feed_forward_proj\": \"mish\"}").contains("'feed_forward_proj'"));
        assertTrue(rejected("{\"dense_act_fn\": \"quick_gelu\"}").contains("'dense_act_fn'"));
        assertTrue(rejected("{\"tie_encoder_decoder\": true}").contains("'tie_encoder_decoder'"));
        assertTrue(rejected("{\"is_encoder_decoder\": false}").contains("'is_encoder_decoder'"));
        assertTrue(rejected("{\"pruned_heads\": {\"0\": [1]}}").contains("'pruned_heads'"));
        assertTrue(rejected("{\"scalable_attention\": true}").contains("'scalable_attention'"));
        assertTrue(rejected("{\"d_model\": \"wide\"}").contains("'d_model'"));
        // Harmless keys of real Hub configs are accepted.
        parse("{\"n_positions\": 512, \"output_past\": true, \"classifier_dropout\": 0.0, \"tie_encoder_decoder\": false,"
                + " \"task_specific_params\": {\"summarization\": {\"prefix\": \"summarize: \"}}, \"pruned_heads\": {}}");
        assertThrows(IllegalArgumentException.class, () -> parse("{\"relative_attention_num_buckets\": 2}"));
        assertThrows(IllegalArgumentException.class, () -> parse("{\"relative_attention_max_distance\": 16}"));
    }

    @Test
    void freshConfigWritesWhatHfWrites() {
        ObjectNode json = T5Config.of(100, 16, 4, 32, 2, 4, "gated-gelu", false).toHfJson();
        assertEquals("t5", json.get("model_type").asText());
        assertEquals("T5ForConditionalGeneration", json.get("architectures").get(0).asText());
        assertEquals("gelu_new", json.get("dense_act_fn").asText());
        assertTrue(json.get("is_gated_act").asBoolean());
        assertFalse(json.get("tie_word_embeddings").asBoolean());
        assertEquals(0, json.get("decoder_start_token_id").asInt());
        assertEquals(2, json.get("num_decoder_layers").asInt());
        assertFalse(T5Config.of(100, 16, 4, 32, 2, 4, "relu", true).toHfJson().has("tie_word_embeddings"));
    }

    /** HF's _init_weights: factor-scaled normals per tensor kind, norms = factor; deterministic per seed. */
    @Test
    void initializationFollowsHfStdsPerTensorKind() {
        T5Config c = parse("{\"vocab_size\": 300, \"d_model\": 64, \"d_kv\": 16, \"d_ff\": 128, \"num_layers\": 1,"
                + " \"num_heads\": 4, \"feed_forward_proj\": \"gated-gelu\", \"tie_word_embeddings\": false,"
                + " \"initializer_factor\": 2.0}");
        try (NDManager m = NDManager.newBaseManager();
                T5Model a = T5Model.initialize(c, m, 11);
                T5Model b = T5Model.initialize(c, m, 11)) {
            double f = 2.0;
            assertStd(a, "shared.weight", f);
            assertStd(a, "lm_head.weight", f);
            assertStd(a, "encoder.block.0.layer.0.SelfAttention.q.weight", f / Math.sqrt(64 * 16));
            assertStd(a, "encoder.block.0.layer.0.SelfAttention.k.weight", f / Math.sqrt(64));
            assertStd(a, "decoder.block.0.layer.1.EncDecAttention.v.weight", f / Math.sqrt(64));
            assertStd(a, "decoder.block.0.layer.1.EncDecAttention.o.weight", f / Math.sqrt(4 * 16));
            assertStd(a, "decoder.block.0.layer.0.SelfAttention.relative_attention_bias.weight", f / Math.sqrt(64));
            assertStd(a, "encoder.block.0.layer.1.DenseReluDense.wi_0.weight", f / Math.sqrt(64));
            assertStd(a, "encoder.block.0.layer.1.DenseReluDense.wi_1.weight", f / Math.sqrt(64));
            assertStd(a, "decoder.block.0.layer.2.DenseReluDense.wo.weight", f / Math.sqrt(128));
            float[] norm = a.parameters().get("decoder.final_layer_norm.weight").toFloatArray();
            for (float v : norm) {
                assertEquals(2f, v);
            }
            for (String n : a.parameters().names()) {
                assertTrue(a.parameters().get(n).contentEquals(b.parameters().get(n)), n + " differs for the same seed");
            }
        }
    }

    static void assertStd(T5Model model, String name, double want) {
        NDArray a = model.parameters().get(name);
        double mean = a.mean().getFloat();
        double std = Math.sqrt(a.sub(mean).square().mean().getFloat());
        assertEquals(0, mean, want * 0.15, name + " mean");
        assertEquals(want, std, want * 0.12, name + " std");
    }
}
