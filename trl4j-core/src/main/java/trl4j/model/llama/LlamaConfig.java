package trl4j.model.llama;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Set;
import trl4j.checkpoint.ConfigJson;
import trl4j.model.Activations;
import trl4j.model.ModelConfig;

/**
 * The {@code config.json} of a Llama or Qwen2 model, with Hugging Face's key names and defaults
 * ({@code LlamaConfig} / {@code Qwen2Config} in transformers 4.38). The two architectures compute the
 * same thing except for which attention projections carry a bias, so one record describes both:
 * {@link #fromLlama} and {@link #fromQwen2} read each family's keys and defaults. Options trl4j does
 * not implement are rejected naming the key.
 *
 * @param modelType "llama" or "qwen2" (decides the key set written back and the HF class names)
 * @param numKeyValueHeads key/value heads of grouped-query attention; divides numAttentionHeads
 *     (HF's {@code num_key_value_heads: null} means numAttentionHeads, resolved here)
 * @param headDim width of one attention head: {@code head_dim} when present (newer transformers),
 *     else hidden_size / num_attention_heads as in 4.38
 * @param hiddenAct MLP gate activation ({@code hidden_act}, "silu" for every released checkpoint)
 * @param ropeTheta RoPE base θ ({@code rope_theta}; inv_freq = 1/θ^(2i/headDim))
 * @param qkvBias bias on q_proj, k_proj, v_proj (Qwen2: always; Llama: {@code attention_bias})
 * @param oProjBias bias on o_proj (Llama {@code attention_bias}; never in Qwen2)
 * @param mlpBias bias on gate/up/down projections (Llama {@code mlp_bias}, newer transformers)
 * @param attentionDropout dropout on attention probabilities while training ({@code attention_dropout})
 * @param original the file's JSON, whose extra keys are written back on save (null for fresh configs)
 */
public record LlamaConfig(
        String modelType,
        int vocabSize,
        int hiddenSize,
        int intermediateSize,
        int numHiddenLayers,
        int numAttentionHeads,
        int numKeyValueHeads,
        int headDim,
        String hiddenAct,
        int maxPositionEmbeddings,
        double rmsNormEps,
        double ropeTheta,
        boolean tieWordEmbeddings,
        boolean qkvBias,
        boolean oProjBias,
        boolean mlpBias,
        double attentionDropout,
        double initializerRange,
        Integer bosTokenId,
        List<Integer> eosTokenIds,
        Integer padTokenId,
        ObjectNode original) implements ModelConfig {

    public LlamaConfig {
        require(modelType.equals("llama") || modelType.equals("qwen2"), "model_type", modelType);
        require(vocabSize > 0, "vocab_size", vocabSize);
        require(hiddenSize > 0, "hidden_size", hiddenSize);
        require(intermediateSize > 0, "intermediate_size", intermediateSize);
        require(numHiddenLayers > 0, "num_hidden_layers", numHiddenLayers);
        require(numAttentionHeads > 0, "num_attention_heads", numAttentionHeads);
        require(numKeyValueHeads > 0 && numAttentionHeads % numKeyValueHeads == 0,
                "num_key_value_heads (must divide num_attention_heads = " + numAttentionHeads + ")", numKeyValueHeads);
        // RoPE rotates pairs (x[i], x[i + headDim/2]): the head width must be even.
        require(headDim > 0 && headDim % 2 == 0, "head_dim (must be even for RoPE)", headDim);
        require(Activations.isSupported(hiddenAct), "hidden_act", hiddenAct);
        require(maxPositionEmbeddings > 0, "max_position_embeddings", maxPositionEmbeddings);
        require(rmsNormEps > 0, "rms_norm_eps", rmsNormEps);
        require(ropeTheta > 0, "rope_theta", ropeTheta);
        require(attentionDropout >= 0 && attentionDropout < 1, "attention_dropout", attentionDropout);
        require(!(modelType.equals("qwen2") && (oProjBias || mlpBias || !qkvBias)),
                "bias layout (Qwen2 has biases on q/k/v only)", qkvBias + "/" + oProjBias + "/" + mlpBias);
        eosTokenIds = List.copyOf(eosTokenIds);
    }

    private static void require(boolean ok, String key, Object value) {
        if (!ok) {
            throw new IllegalArgumentException("Llama/Qwen2 config: invalid " + key + " = " + value);
        }
    }

    /** Reads and validates a {@code model_type: "llama"} config (defaults of LlamaConfig, 4.38). */
    public static LlamaConfig fromLlama(ConfigJson c) {
        Common k = readCommon(c, 32000, 4096, 11008, 32, 32, null, 2048);
        // attention_bias puts a bias on all four projections, o_proj included (unlike Qwen2).
        boolean attentionBias = c.getBoolean("attention_bias", false);
        LlamaConfig config = new LlamaConfig("llama", k.vocab, k.hidden, k.intermediate, k.layers, k.heads,
                k.kvHeads, k.headDim, k.act, k.maxPositions, k.eps, k.theta, c.getBoolean("tie_word_embeddings", false),
                attentionBias, attentionBias, c.getBoolean("mlp_bias", false), k.dropout, k.initRange,
                // LlamaConfig defaults bos 1, eos 2; an explicit null means none.
                present(c, "bos_token_id") ? c.getIntOrNull("bos_token_id") : Integer.valueOf(1),
                present(c, "eos_token_id") ? c.getIntList("eos_token_id") : List.of(2),
                c.getIntOrNull("pad_token_id"), c.json());
        c.rejectUnread(Set.of());
        return config;
    }

    /** Reads and validates a {@code model_type: "qwen2"} config (defaults of Qwen2Config, 4.38). */
    public static LlamaConfig fromQwen2(ConfigJson c) {
        // Qwen2Config's num_key_value_heads defaults to 32 when the key is absent; an explicit null
        // means num_attention_heads (as in Llama).
        Integer absentKv = present(c, "num_key_value_heads") ? null : 32;
        Common k = readCommon(c, 151936, 4096, 22016, 32, 32, absentKv, 32768);
        if (c.getBoolean("use_sliding_window", false)) {
            throw c.unsupported("use_sliding_window", "true", "sliding-window attention is not implemented");
        }
        // Only used when use_sliding_window is true. (transformers 4.38's eager attention applies the
        // window to the mask even when it is disabled; its SDPA path and later versions do not, and the
        // window — 4096 by default, 32768+ in released checkpoints — is longer than any CPU batch.)
        c.getNode("sliding_window");
        c.getNode("max_window_layers");
        LlamaConfig config = new LlamaConfig("qwen2", k.vocab, k.hidden, k.intermediate, k.layers, k.heads,
                k.kvHeads, k.headDim, k.act, k.maxPositions, k.eps, k.theta, c.getBoolean("tie_word_embeddings", false),
                true, false, false, k.dropout, k.initRange,
                c.getIntOrNull("bos_token_id"), c.getIntList("eos_token_id"), c.getIntOrNull("pad_token_id"), c.json());
        c.rejectUnread(Set.of());
        return config;
    }

    /** Whether the file has the key at all (an explicit null counts: HF distinguishes it from absent). */
    private static boolean present(ConfigJson c, String key) {
        return c.json().has(key);
    }

    /** The keys both families share, with per-family defaults. */
    private record Common(int vocab, int hidden, int intermediate, int layers, int heads, int kvHeads, int headDim,
            String act, int maxPositions, double eps, double theta, double dropout, double initRange) {}

    private static Common readCommon(ConfigJson c, int vocab, int hidden, int intermediate, int layers, int heads,
            Integer absentKvHeads, int maxPositions) {
        int h = c.getInt("hidden_size", hidden);
        int nh = c.getInt("num_attention_heads", heads);
        Integer kv = c.getIntOrNull("num_key_value_heads");
        String act = c.getString("hidden_act", "silu");
        if (!Activations.isSupported(act)) {
            throw c.unsupported("hidden_act", '"' + act + '"', "supported: silu, swish, gelu, gelu_new, gelu_pytorch_tanh, relu");
        }
        if (c.getNode("rope_scaling") != null) {
            throw c.unsupported("rope_scaling", c.getNode("rope_scaling").toString(),
                    "RoPE scaling (linear, dynamic, yarn, llama3, ...) is not implemented; only null is supported");
        }
        // pretraining_tp > 1 slices the projections into tp chunks (same math, other rounding); not implemented.
        c.requireDefault("pretraining_tp", 1);
        Integer headDim = c.getIntOrNull("head_dim");
        if (headDim == null && h % nh != 0) {
            throw c.unsupported("num_attention_heads", String.valueOf(nh), "must divide hidden_size = " + h + " when head_dim is absent");
        }
        return new Common(
                c.getInt("vocab_size", vocab),
                h,
                c.getInt("intermediate_size", intermediate),
                c.getInt("num_hidden_layers", layers),
                nh,
                kv != null ? kv : absentKvHeads != null ? absentKvHeads : nh,
                headDim != null ? headDim : h / nh,
                act,
                c.getInt("max_position_embeddings", maxPositions),
                c.getDouble("rms_norm_eps", 1e-6),
                c.getDouble("rope_theta", 10000.0),
                c.getDouble("attention_dropout", 0.0),
                c.getDouble("initializer_range", 0.02));
    }

    /** A fresh Llama config (for models trained from scratch): SiLU, θ = 10000, eps 1e-6, no biases. */
    public static LlamaConfig llama(int vocabSize, int hiddenSize, int intermediateSize, int layers, int heads,
            int kvHeads, int maxPositions, boolean tieWordEmbeddings, int bosTokenId, int eosTokenId, Integer padTokenId) {
        return new LlamaConfig("llama", vocabSize, hiddenSize, intermediateSize, layers, heads, kvHeads, hiddenSize / heads,
                "silu", maxPositions, 1e-6, 10000.0, tieWordEmbeddings, false, false, false, 0.0, 0.02,
                bosTokenId, List.of(eosTokenId), padTokenId, null);
    }

    /** The same config with tied or untied input/output embeddings. */
    public LlamaConfig withTiedEmbeddings(boolean tied) {
        ObjectNode o = original == null ? null : original.deepCopy().put("tie_word_embeddings", tied);
        return new LlamaConfig(modelType, vocabSize, hiddenSize, intermediateSize, numHiddenLayers, numAttentionHeads,
                numKeyValueHeads, headDim, hiddenAct, maxPositionEmbeddings, rmsNormEps, ropeTheta, tied, qkvBias,
                oProjBias, mlpBias, attentionDropout, initializerRange, bosTokenId, eosTokenIds, padTokenId, o);
    }

    /** Query heads per key/value head (HF's {@code num_key_value_groups}). */
    public int groups() {
        return numAttentionHeads / numKeyValueHeads;
    }

    @Override
    public int numLayers() {
        return numHiddenLayers;
    }

    /** The trained context; HF does not stop RoPE there, but generation and data truncation do. */
    @Override
    public int maxPositions() {
        return maxPositionEmbeddings;
    }

    @Override
    public ObjectNode toHfJson() {
        boolean qwen = modelType.equals("qwen2");
        ObjectNode o = original != null ? original.deepCopy() : JsonNodeFactory.instance.objectNode();
        o.put("model_type", modelType);
        if (!o.has("architectures")) {
            o.putArray("architectures").add(qwen ? "Qwen2ForCausalLM" : "LlamaForCausalLM");
        }
        o.put("vocab_size", vocabSize);
        o.put("hidden_size", hiddenSize);
        o.put("intermediate_size", intermediateSize);
        o.put("num_hidden_layers", numHiddenLayers);
        o.put("num_attention_heads", numAttentionHeads);
        o.put("num_key_value_heads", numKeyValueHeads);
        if (o.has("head_dim") || headDim * numAttentionHeads != hiddenSize) {
            o.put("head_dim", headDim);
        }
        o.put("hidden_act", hiddenAct);
        o.put("max_position_embeddings", maxPositionEmbeddings);
        o.put("rms_norm_eps", rmsNormEps);
        o.put("rope_theta", ropeTheta);
        o.put("attention_dropout", attentionDropout);
        o.put("initializer_range", initializerRange);
        // save_pretrained writes tie_word_embeddings whenever it differs from the class default (false).
        o.put("tie_word_embeddings", tieWordEmbeddings);
        if (qwen) {
            o.put("use_sliding_window", false);
            if (!o.has("sliding_window")) {
                o.put("sliding_window", 4096);
            }
            if (!o.has("max_window_layers")) {
                o.put("max_window_layers", 28);
            }
        } else {
            o.put("attention_bias", oProjBias);
            o.putNull("rope_scaling");
            o.put("pretraining_tp", 1);
            if (o.has("mlp_bias") || mlpBias) {
                o.put("mlp_bias", mlpBias);
            }
        }
        if (bosTokenId != null) {
            o.put("bos_token_id", bosTokenId);
        }
        if (eosTokenIds.size() == 1) {
            o.put("eos_token_id", eosTokenIds.get(0));
        } else if (!eosTokenIds.isEmpty()) {
            ArrayNode a = o.putArray("eos_token_id");
            eosTokenIds.forEach(a::add);
        }
        if (padTokenId != null) {
            o.put("pad_token_id", padTokenId);
        }
        // We hold and save float32 weights, whatever dtype (bf16, f16) the loaded checkpoint had.
        o.put("torch_dtype", "float32");
        o.put("use_cache", true);
        return o;
    }
}
