package trl4j.model.gpt2;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Set;
import trl4j.checkpoint.ConfigJson;
import trl4j.model.Activations;
import trl4j.model.ModelConfig;

/**
 * GPT-2's {@code config.json}, with Hugging Face's key names and defaults ({@code GPT2Config} in
 * transformers 4.38). Options trl4j does not implement are rejected by {@link #from} naming the key.
 *
 * @param nInner MLP width; HF's {@code n_inner: null} means 4·n_embd (resolved here)
 * @param scaleAttnWeights divide attention scores by √head_dim (HF default true)
 */
public record Gpt2Config(
        int vocabSize,
        int nPositions,
        int nEmbd,
        int nLayer,
        int nHead,
        int nInner,
        String activationFunction,
        double layerNormEpsilon,
        double initializerRange,
        boolean scaleAttnWeights,
        double residPdrop,
        double embdPdrop,
        double attnPdrop,
        Integer bosTokenId,
        List<Integer> eosTokenIds,
        Integer padTokenId,
        ObjectNode original) implements ModelConfig {

    /** Keys of the double-heads model's summary head, irrelevant to the LM and classifier. */
    private static final Set<String> HARMLESS = Set.of("summary_type", "summary_use_proj", "summary_activation",
            "summary_proj_to_labels", "summary_first_dropout", "n_ctx");

    public Gpt2Config {
        require(vocabSize > 0, "vocab_size", vocabSize);
        require(nPositions > 0, "n_positions", nPositions);
        require(nEmbd > 0, "n_embd", nEmbd);
        require(nLayer > 0, "n_layer", nLayer);
        require(nHead > 0 && nEmbd % nHead == 0, "n_head (must divide n_embd)", nHead);
        require(nInner > 0, "n_inner", nInner);
        require(Activations.isSupported(activationFunction), "activation_function", activationFunction);
        require(layerNormEpsilon > 0, "layer_norm_epsilon", layerNormEpsilon);
        eosTokenIds = List.copyOf(eosTokenIds);
    }

    private static void require(boolean ok, String key, Object value) {
        if (!ok) {
            throw new IllegalArgumentException("GPT-2 config: invalid " + key + " = " + value);
        }
    }

    /** Reads and validates a GPT-2 config. */
    public static Gpt2Config from(ConfigJson c) {
        int nEmbd = c.getInt("n_embd", 768);
        Integer nInner = c.getIntOrNull("n_inner");
        String act = c.getString("activation_function", "gelu_new");
        if (!Activations.isSupported(act)) {
            throw c.unsupported("activation_function", '"' + act + '"', "supported: gelu_new, gelu_pytorch_tanh, gelu_fast, gelu, relu, silu");
        }
        // These change the computation and are not implemented: refuse rather than run a different model.
        c.requireDefault("scale_attn_by_inverse_layer_idx", false);
        c.requireDefault("add_cross_attention", false);
        // In float32, upcasting and reordering the attention matmul is the same computation.
        c.getBoolean("reorder_and_upcast_attn", false);
        if (c.has("pruned_heads") && c.getNode("pruned_heads").size() > 0) {
            throw c.unsupported("pruned_heads", c.getNode("pruned_heads").toString(), "pruned heads are not supported");
        }
        c.getNode("pruned_heads");
        Gpt2Config config = new Gpt2Config(
                c.getInt("vocab_size", 50257),
                c.getInt("n_positions", 1024),
                nEmbd,
                c.getInt("n_layer", 12),
                c.getInt("n_head", 12),
                nInner == null ? 4 * nEmbd : nInner,
                act,
                c.getDouble("layer_norm_epsilon", 1e-5),
                c.getDouble("initializer_range", 0.02),
                c.getBoolean("scale_attn_weights", true),
                c.getDouble("resid_pdrop", 0.1),
                c.getDouble("embd_pdrop", 0.1),
                c.getDouble("attn_pdrop", 0.1),
                c.getIntOrNull("bos_token_id") == null ? 50256 : c.getIntOrNull("bos_token_id"),
                c.has("eos_token_id") ? c.getIntList("eos_token_id") : List.of(50256),
                c.getIntOrNull("pad_token_id"),
                c.json());
        if (c.getBoolean("tie_word_embeddings", true) != true) {
            throw c.unsupported("tie_word_embeddings", "false", "GPT-2's lm_head is always tied to wte");
        }
        c.rejectUnread(HARMLESS);
        return config;
    }

    /** A fresh config (for models trained from scratch). */
    public static Gpt2Config of(int vocabSize, int nPositions, int nEmbd, int nLayer, int nHead,
            int bosTokenId, int eosTokenId, Integer padTokenId) {
        return new Gpt2Config(vocabSize, nPositions, nEmbd, nLayer, nHead, 4 * nEmbd, "gelu_new", 1e-5, 0.02,
                true, 0.1, 0.1, 0.1, bosTokenId, List.of(eosTokenId), padTokenId, null);
    }

    public int headDim() {
        return nEmbd / nHead;
    }

    @Override
    public String modelType() {
        return "gpt2";
    }

    @Override
    public int hiddenSize() {
        return nEmbd;
    }

    @Override
    public int numLayers() {
        return nLayer;
    }

    @Override
    public int maxPositions() {
        return nPositions;
    }

    @Override
    public boolean tieWordEmbeddings() {
        return true;
    }

    @Override
    public ObjectNode toHfJson() {
        ObjectNode o = original != null ? original.deepCopy() : JsonNodeFactory.instance.objectNode();
        o.put("model_type", "gpt2");
        if (!o.has("architectures")) {
            o.putArray("architectures").add("GPT2LMHeadModel");
        }
        o.put("vocab_size", vocabSize);
        o.put("n_positions", nPositions);
        o.put("n_embd", nEmbd);
        o.put("n_layer", nLayer);
        o.put("n_head", nHead);
        if (nInner == 4 * nEmbd) {
            o.putNull("n_inner");
        } else {
            o.put("n_inner", nInner);
        }
        o.put("activation_function", activationFunction);
        o.put("layer_norm_epsilon", layerNormEpsilon);
        o.put("initializer_range", initializerRange);
        o.put("scale_attn_weights", scaleAttnWeights);
        o.put("scale_attn_by_inverse_layer_idx", false);
        o.put("reorder_and_upcast_attn", false);
        o.put("resid_pdrop", residPdrop);
        o.put("embd_pdrop", embdPdrop);
        o.put("attn_pdrop", attnPdrop);
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
        if (!o.has("torch_dtype")) {
            o.put("torch_dtype", "float32");
        }
        o.put("use_cache", true);
        return o;
    }
}
