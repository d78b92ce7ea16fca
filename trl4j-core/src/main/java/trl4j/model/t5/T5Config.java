package trl4j.model.t5;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Set;
import trl4j.checkpoint.ConfigJson;
import trl4j.model.Activations;
import trl4j.model.ModelConfig;

/**
 * T5's {@code config.json}, with Hugging Face's key names and defaults ({@code T5Config} in transformers
 * 4.38). Covers T5 v1.0 ({@code feed_forward_proj: relu}, tied head) and v1.1 / flan-t5
 * ({@code gated-gelu}, {@code tie_word_embeddings: false}). Options trl4j does not implement are rejected by
 * {@link #from} naming the key: {@code tie_encoder_decoder: true}, {@code is_encoder_decoder: false}, non-empty
 * {@code pruned_heads}, a {@code feed_forward_proj} that is not {@code ACT} / {@code gated-ACT}, an activation
 * outside relu, gelu, gelu_new, gelu_pytorch_tanh, gelu_fast, silu, swish, and any key neither T5 nor
 * {@link ConfigJson#GENERIC_KEYS} knows. Accepted without effect: {@code n_positions}, {@code output_past},
 * {@code classifier_dropout}, {@code add_cross_attention}.
 *
 * @param vocabSize {@code vocab_size} (default 32128)
 * @param dModel {@code d_model}, width of the residual stream (default 512)
 * @param dKv {@code d_kv}, width of one attention head (default 64); heads × d_kv need not equal d_model
 * @param dFf {@code d_ff}, width of the feed-forward layer (default 2048)
 * @param numLayers {@code num_layers}, encoder blocks (default 6)
 * @param numDecoderLayers {@code num_decoder_layers}; HF's null means num_layers (resolved here)
 * @param numHeads {@code num_heads} (default 8)
 * @param relativeAttentionNumBuckets {@code relative_attention_num_buckets} (default 32)
 * @param relativeAttentionMaxDistance {@code relative_attention_max_distance} (default 128)
 * @param dropoutRate {@code dropout_rate}, every dropout of the model, used only in training (default 0.1)
 * @param layerNormEpsilon {@code layer_norm_epsilon} (default 1e-6)
 * @param initializerFactor {@code initializer_factor}, scales every init std (default 1.0)
 * @param feedForwardProj {@code feed_forward_proj}: {@code ACT} or {@code gated-ACT} (default "relu")
 * @param denseActFn {@code dense_act_fn}: the ACT2FN name actually applied (derived from feed_forward_proj;
 *     "gated-gelu" means gelu_new for backward compatibility, as in HF)
 * @param isGatedAct {@code is_gated_act}: FFN is {@code wo(act(wi_0 x) · wi_1 x)} instead of {@code wo(act(wi x))}
 * @param tieWordEmbeddings {@code tie_word_embeddings} (default true): lm_head = shared, with the
 *     d_model^−0.5 rescale before it
 * @param decoderStartTokenId {@code decoder_start_token_id}; absent means the pad id (T5 starts from pad)
 * @param padTokenId {@code pad_token_id} (default 0)
 * @param eosTokenIds {@code eos_token_id} (default 1; HF allows a list)
 * @param original the file's JSON, or null for a config built in code (unknown harmless keys are kept on save)
 */
public record T5Config(
        int vocabSize,
        int dModel,
        int dKv,
        int dFf,
        int numLayers,
        int numDecoderLayers,
        int numHeads,
        int relativeAttentionNumBuckets,
        int relativeAttentionMaxDistance,
        double dropoutRate,
        double layerNormEpsilon,
        double initializerFactor,
        String feedForwardProj,
        String denseActFn,
        boolean isGatedAct,
        boolean tieWordEmbeddings,
        int decoderStartTokenId,
        Integer padTokenId,
        List<Integer> eosTokenIds,
        ObjectNode original) implements ModelConfig {

    /**
     * Keys with no effect on trl4j's computation: the maximum length of old tokenizers
     * ({@code n_positions}), old cache switches, the sequence-classification head's dropout, and flags the
     * two stacks set for themselves in HF ({@code add_cross_attention}).
     */
    private static final Set<String> HARMLESS = Set.of("n_positions", "output_past", "classifier_dropout",
            "add_cross_attention", "use_return_dict");

    public T5Config {
        require(vocabSize > 0, "vocab_size", vocabSize);
        require(dModel > 0, "d_model", dModel);
        require(dKv > 0, "d_kv", dKv);
        require(dFf > 0, "d_ff", dFf);
        require(numLayers > 0, "num_layers", numLayers);
        require(numDecoderLayers > 0, "num_decoder_layers", numDecoderLayers);
        require(numHeads > 0, "num_heads", numHeads);
        // Bidirectional attention halves the buckets and half of those are exact: fewer than 4 leaves none.
        require(relativeAttentionNumBuckets >= 4, "relative_attention_num_buckets (at least 4)", relativeAttentionNumBuckets);
        require(relativeAttentionMaxDistance > relativeAttentionNumBuckets / 2,
                "relative_attention_max_distance (must exceed relative_attention_num_buckets / 2)", relativeAttentionMaxDistance);
        require(dropoutRate >= 0 && dropoutRate < 1, "dropout_rate", dropoutRate);
        require(layerNormEpsilon > 0, "layer_norm_epsilon", layerNormEpsilon);
        require(Activations.isSupported(denseActFn), "dense_act_fn", denseActFn);
        require(padTokenId != null && padTokenId >= 0 && padTokenId < vocabSize, "pad_token_id", padTokenId);
        require(decoderStartTokenId >= 0 && decoderStartTokenId < vocabSize, "decoder_start_token_id", decoderStartTokenId);
        eosTokenIds = List.copyOf(eosTokenIds);
    }

    private static void require(boolean ok, String key, Object value) {
        if (!ok) {
            throw new IllegalArgumentException("T5 config: invalid " + key + " = " + value);
        }
    }

    /** Reads and validates a T5 config. */
    public static T5Config from(ConfigJson c) {
        String proj = c.getString("feed_forward_proj", "relu");
        // HF accepts "ACT" or "gated-ACT" and nothing else.
        String[] parts = proj.split("-", -1);
        if (parts.length > 2 || (parts.length == 2 && !parts[0].equals("gated"))) {
            throw c.unsupported("feed_forward_proj", '"' + proj + '"', "expected ACT or gated-ACT, e.g. relu or gated-gelu");
        }
        String act = proj.equals("gated-gelu") ? "gelu_new" : parts[parts.length - 1];
        boolean gated = parts.length == 2;
        // HF's PretrainedConfig sets the saved dense_act_fn / is_gated_act after T5Config derives them, so a
        // file's explicit values win; we do the same.
        act = c.getString("dense_act_fn", act);
        gated = c.getBoolean("is_gated_act", gated);
        if (!Activations.isSupported(act)) {
            throw c.unsupported(c.has("dense_act_fn") ? "dense_act_fn" : "feed_forward_proj", '"' + act + '"',
                    "supported activations: relu, gelu, gelu_new, gelu_pytorch_tanh, gelu_fast, silu, swish");
        }
        // These change the model and are not implemented: refuse rather than run a different model.
        c.requireDefault("tie_encoder_decoder", false);
        c.requireDefault("is_encoder_decoder", true);
        JsonNode pruned = c.getNode("pruned_heads");
        if (pruned != null && pruned.size() > 0) {
            throw c.unsupported("pruned_heads", pruned.toString(), "pruned heads are not supported");
        }
        int numLayers = c.getInt("num_layers", 6);
        Integer numDecoderLayers = c.getIntOrNull("num_decoder_layers");
        int pad = c.getInt("pad_token_id", 0);
        Integer start = c.getIntOrNull("decoder_start_token_id");
        T5Config config = new T5Config(
                c.getInt("vocab_size", 32128),
                c.getInt("d_model", 512),
                c.getInt("d_kv", 64),
                c.getInt("d_ff", 2048),
                numLayers,
                numDecoderLayers == null ? numLayers : numDecoderLayers,
                c.getInt("num_heads", 8),
                c.getInt("relative_attention_num_buckets", 32),
                c.getInt("relative_attention_max_distance", 128),
                c.getDouble("dropout_rate", 0.1),
                c.getDouble("layer_norm_epsilon", 1e-6),
                c.getDouble("initializer_factor", 1.0),
                proj,
                act,
                gated,
                c.getBoolean("tie_word_embeddings", true),
                start == null ? pad : start,
                pad,
                c.has("eos_token_id") ? c.getIntList("eos_token_id") : List.of(1),
                c.json());
        c.rejectUnread(HARMLESS);
        return config;
    }

    /**
     * A fresh config for a model trained from scratch; the other options take HF's defaults (32 buckets,
     * max distance 128, dropout 0.1, eps 1e-6, factor 1, pad 0, eos 1, decoder start 0).
     *
     * @param feedForwardProj "relu" (T5 v1.0) or "gated-gelu" (v1.1)
     */
    public static T5Config of(int vocabSize, int dModel, int dKv, int dFf, int numLayers, int numHeads,
            String feedForwardProj, boolean tieWordEmbeddings) {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.put("vocab_size", vocabSize);
        json.put("d_model", dModel);
        json.put("d_kv", dKv);
        json.put("d_ff", dFf);
        json.put("num_layers", numLayers);
        json.put("num_heads", numHeads);
        json.put("feed_forward_proj", feedForwardProj);
        json.put("tie_word_embeddings", tieWordEmbeddings);
        T5Config c = from(ConfigJson.of(java.nio.file.Path.of("<new T5 config>"), json));
        return new T5Config(c.vocabSize, c.dModel, c.dKv, c.dFf, c.numLayers, c.numDecoderLayers, c.numHeads,
                c.relativeAttentionNumBuckets, c.relativeAttentionMaxDistance, c.dropoutRate, c.layerNormEpsilon,
                c.initializerFactor, c.feedForwardProj, c.denseActFn, c.isGatedAct, c.tieWordEmbeddings,
                c.decoderStartTokenId, c.padTokenId, c.eosTokenIds, null);
    }

    /** Width of all heads together (q/k/v output, o input). */
    public int innerDim() {
        return numHeads * dKv;
    }

    @Override
    public String modelType() {
        return "t5";
    }

    @Override
    public int hiddenSize() {
        return dModel;
    }

    @Override
    public int numLayers() {
        return numLayers;
    }

    /** Relative positions: no fixed context. */
    @Override
    public int maxPositions() {
        return 0;
    }

    /** T5 has no BOS. */
    @Override
    public Integer bosTokenId() {
        return null;
    }

    /**
     * What {@code save_pretrained} writes: every T5 key (they are not PretrainedConfig defaults, so HF's
     * diff keeps them), {@code tie_word_embeddings} only when false (true is the PretrainedConfig default
     * HF omits), and the file's other keys as read.
     */
    @Override
    public ObjectNode toHfJson() {
        ObjectNode o = original != null ? original.deepCopy() : JsonNodeFactory.instance.objectNode();
        o.put("model_type", "t5");
        if (!o.has("architectures")) {
            o.putArray("architectures").add("T5ForConditionalGeneration");
        }
        o.put("vocab_size", vocabSize);
        o.put("d_model", dModel);
        o.put("d_kv", dKv);
        o.put("d_ff", dFf);
        o.put("num_layers", numLayers);
        o.put("num_decoder_layers", numDecoderLayers);
        o.put("num_heads", numHeads);
        o.put("relative_attention_num_buckets", relativeAttentionNumBuckets);
        o.put("relative_attention_max_distance", relativeAttentionMaxDistance);
        o.put("dropout_rate", dropoutRate);
        o.put("layer_norm_epsilon", layerNormEpsilon);
        o.put("initializer_factor", initializerFactor);
        o.put("feed_forward_proj", feedForwardProj);
        o.put("dense_act_fn", denseActFn);
        o.put("is_gated_act", isGatedAct);
        if (!o.has("classifier_dropout")) {
            o.put("classifier_dropout", 0.0);
        }
        if (tieWordEmbeddings) {
            o.remove("tie_word_embeddings");
        } else {
            o.put("tie_word_embeddings", false);
        }
        o.put("is_encoder_decoder", true);
        o.put("decoder_start_token_id", decoderStartTokenId);
        o.put("pad_token_id", padTokenId);
        if (eosTokenIds.size() == 1) {
            o.put("eos_token_id", eosTokenIds.get(0));
        } else if (!eosTokenIds.isEmpty()) {
            ArrayNode a = o.putArray("eos_token_id");
            eosTokenIds.forEach(a::add);
        }
        if (!o.has("torch_dtype")) {
            o.put("torch_dtype", "float32");
        }
        o.put("use_cache", true);
        return o;
    }
}
