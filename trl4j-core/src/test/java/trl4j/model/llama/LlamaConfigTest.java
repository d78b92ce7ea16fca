package trl4j.model.llama;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import trl4j.checkpoint.CheckpointException;
import trl4j.checkpoint.ConfigJson;
import trl4j.model.WeightSpec;
import trl4j.testing.Golden;

/** Reading, validating and writing Llama / Qwen2 configs with transformers 4.38's keys and defaults. */
class LlamaConfigTest {

    static ConfigJson json(String text) throws Exception {
        return ConfigJson.of(Path.of("config.json"), (ObjectNode) new ObjectMapper().readTree(text));
    }

    static LlamaConfig read(String text) throws Exception {
        ConfigJson c = json(text);
        return c.getString("model_type", "llama").equals("qwen2") ? LlamaConfig.fromQwen2(c) : LlamaConfig.fromLlama(c);
    }

    @Test
    void goldenConfigs() {
        LlamaConfig llama = LlamaConfig.fromLlama(ConfigJson.read(Golden.model("llama").resolve("config.json")));
        assertEquals(4, llama.numAttentionHeads());
        assertEquals(2, llama.numKeyValueHeads());
        assertEquals(2, llama.groups());
        assertEquals(8, llama.headDim());
        assertEquals(1e-6, llama.rmsNormEps());
        assertEquals(10000.0, llama.ropeTheta());
        assertFalse(llama.tieWordEmbeddings());
        assertFalse(llama.qkvBias() || llama.oProjBias() || llama.mlpBias());
        assertEquals(1, llama.bosTokenId());
        assertEquals(List.of(2), llama.eosTokenIds());
        LlamaConfig qwen = LlamaConfig.fromQwen2(ConfigJson.read(Golden.model("qwen2").resolve("config.json")));
        assertEquals("qwen2", qwen.modelType());
        assertTrue(qwen.qkvBias());
        assertFalse(qwen.oProjBias() || qwen.mlpBias());
        assertEquals(64, qwen.maxPositions());
    }

    @Test
    void llamaDefaultsAreTransformers438() throws Exception {
        LlamaConfig c = read("{\"model_type\": \"llama\"}");
        assertEquals(32000, c.vocabSize());
        assertEquals(4096, c.hiddenSize());
        assertEquals(11008, c.intermediateSize());
        assertEquals(32, c.numHiddenLayers());
        assertEquals(32, c.numKeyValueHeads(), "num_key_value_heads absent = num_attention_heads");
        assertEquals(128, c.headDim());
        assertEquals("silu", c.hiddenAct());
        assertEquals(2048, c.maxPositionEmbeddings());
        assertFalse(c.tieWordEmbeddings());
        assertEquals(1, c.bosTokenId());
        assertEquals(List.of(2), c.eosTokenIds());
        assertNull(c.padTokenId());
        LlamaConfig noSpecials = read("{\"model_type\": \"llama\", \"bos_token_id\": null, \"eos_token_id\": [2, 7]}");
        assertNull(noSpecials.bosTokenId());
        assertEquals(List.of(2, 7), noSpecials.eosTokenIds());
    }

    @Test
    void qwen2DefaultsAreTransformers438() throws Exception {
        LlamaConfig c = read("{\"model_type\": \"qwen2\", \"num_attention_heads\": 64, \"hidden_size\": 4096}");
        assertEquals(151936, c.vocabSize());
        assertEquals(22016, c.intermediateSize());
        assertEquals(32, c.numKeyValueHeads(), "Qwen2Config's num_key_value_heads defaults to 32");
        assertEquals(32768, c.maxPositionEmbeddings());
        assertNull(c.bosTokenId());
        assertTrue(c.eosTokenIds().isEmpty());
        LlamaConfig explicitNull = read("{\"model_type\": \"qwen2\", \"num_attention_heads\": 16, \"num_key_value_heads\": null}");
        assertEquals(16, explicitNull.numKeyValueHeads(), "an explicit null means num_attention_heads");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "rope_scaling          | {\"model_type\": \"llama\", \"rope_scaling\": {\"type\": \"linear\", \"factor\": 2.0}}",
        "rope_scaling          | {\"model_type\": \"qwen2\", \"rope_scaling\": {\"type\": \"yarn\", \"factor\": 4.0}}",
        "use_sliding_window    | {\"model_type\": \"qwen2\", \"use_sliding_window\": true, \"sliding_window\": 4096}",
        "hidden_act            | {\"model_type\": \"llama\", \"hidden_act\": \"tanh\"}",
        "pretraining_tp        | {\"model_type\": \"llama\", \"pretraining_tp\": 2}",
        "num_attention_heads   | {\"model_type\": \"llama\", \"hidden_size\": 30, \"num_attention_heads\": 4}",
        "unknown_option        | {\"model_type\": \"llama\", \"unknown_option\": 1}",
        "mlp_bias              | {\"model_type\": \"qwen2\", \"mlp_bias\": true}",
        "attention_bias        | {\"model_type\": \"qwen2\", \"attention_bias\": true}",
        "sliding_window        | {\"model_type\": \"llama\", \"sliding_window\": 4096}",
    })
    void unsupportedOptionsAreRejectedNamingTheKey(String key, String config) {
        CheckpointException e = assertThrows(CheckpointException.class, () -> read(config));
        assertTrue(e.getMessage().contains("'" + key + "'"), e.getMessage());
    }

    @Test
    void invalidValuesAreRejectedNamingTheField() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> read("{\"model_type\": \"llama\", \"hidden_size\": 32, \"num_attention_heads\": 4, \"num_key_value_heads\": 3}"));
        assertTrue(e.getMessage().contains("num_key_value_heads"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> read("{\"model_type\": \"llama\", \"hidden_size\": 36, \"num_attention_heads\": 4}"));
        assertTrue(e.getMessage().contains("head_dim"), e.getMessage());
    }

    @Test
    void acceptedNoOpOptions() throws Exception {
        LlamaConfig c = read("{\"model_type\": \"llama\", \"rope_scaling\": null, \"pretraining_tp\": 1, \"mlp_bias\": false,"
                + " \"head_dim\": 128, \"attention_bias\": false, \"attention_dropout\": 0.1}");
        assertEquals(0.1, c.attentionDropout());
        LlamaConfig q = read("{\"model_type\": \"qwen2\", \"use_sliding_window\": false, \"sliding_window\": null,"
                + " \"max_window_layers\": 21, \"rope_scaling\": null}");
        assertTrue(q.qkvBias());
    }

    @Test
    void llamaAttentionBiasCoversAllFourProjections() throws Exception {
        LlamaConfig c = read("{\"model_type\": \"llama\", \"attention_bias\": true, \"mlp_bias\": true, \"hidden_size\": 32,"
                + " \"num_attention_heads\": 4, \"num_hidden_layers\": 1, \"intermediate_size\": 48, \"vocab_size\": 64}");
        List<String> names = LlamaModel.weightTable(c).specs().stream().map(WeightSpec::name).toList();
        for (String p : List.of("self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj", "self_attn.o_proj",
                "mlp.gate_proj", "mlp.up_proj", "mlp.down_proj")) {
            assertTrue(names.contains("model.layers.0." + p + ".bias"), p);
        }
        assertEquals("lm_head.weight", names.get(names.size() - 1), "lm_head is the last spec (a classifier drops it)");
    }

    /** head_dim (newer transformers) may differ from hidden_size / num_attention_heads. */
    @Test
    void explicitHeadDimShapesTheProjections() throws Exception {
        LlamaConfig c = read("{\"model_type\": \"llama\", \"hidden_size\": 32, \"num_attention_heads\": 4, \"num_key_value_heads\": 2,"
                + " \"head_dim\": 16, \"num_hidden_layers\": 1, \"intermediate_size\": 48, \"vocab_size\": 64}");
        List<WeightSpec> specs = LlamaModel.weightTable(c).specs();
        assertArrayEquals(new long[] {64, 32}, specs.stream().filter(s -> s.name().endsWith("q_proj.weight")).findFirst().orElseThrow().fileShape());
        assertArrayEquals(new long[] {32, 32}, specs.stream().filter(s -> s.name().endsWith("k_proj.weight")).findFirst().orElseThrow().fileShape());
        assertArrayEquals(new long[] {32, 64}, specs.stream().filter(s -> s.name().endsWith("o_proj.weight")).findFirst().orElseThrow().fileShape());
        assertEquals(16, c.toHfJson().get("head_dim").asInt());
    }

    @Test
    void freshConfigsWriteAndReadBack() throws Exception {
        LlamaConfig fresh = LlamaConfig.llama(128, 32, 64, 2, 4, 2, 256, true, 1, 2, 0);
        ObjectNode written = fresh.toHfJson();
        assertEquals("LlamaForCausalLM", written.get("architectures").get(0).asText());
        assertTrue(written.get("rope_scaling").isNull());
        LlamaConfig back = LlamaConfig.fromLlama(ConfigJson.of(Path.of("config.json"), written));
        assertEquals(written, back.toHfJson());
        assertEquals(fresh, withoutOriginal(back));
        // Qwen2 writes its own key set (no attention_bias / pretraining_tp; sliding-window keys).
        ObjectNode qwen = LlamaConfig.fromQwen2(json("{\"model_type\": \"qwen2\", \"num_attention_heads\": 4,"
                + " \"num_key_value_heads\": 2, \"hidden_size\": 32}")).toHfJson();
        assertFalse(qwen.has("attention_bias"));
        assertFalse(qwen.get("use_sliding_window").asBoolean());
        assertEquals(4096, qwen.get("sliding_window").asInt());
    }

    static LlamaConfig withoutOriginal(LlamaConfig c) {
        return new LlamaConfig(c.modelType(), c.vocabSize(), c.hiddenSize(), c.intermediateSize(), c.numHiddenLayers(),
                c.numAttentionHeads(), c.numKeyValueHeads(), c.headDim(), c.hiddenAct(), c.maxPositionEmbeddings(),
                c.rmsNormEps(), c.ropeTheta(), c.tieWordEmbeddings(), c.qkvBias(), c.oProjBias(), c.mlpBias(),
                c.attentionDropout(), c.initializerRange(), c.bosTokenId(), c.eosTokenIds(), c.padTokenId(), null);
    }
}
