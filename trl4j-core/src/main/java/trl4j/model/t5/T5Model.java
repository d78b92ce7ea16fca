package trl4j.model.t5;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.core.Embedding;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import java.util.List;
import trl4j.checkpoint.TensorSource;
import trl4j.model.Activations;
import trl4j.model.Attention;
import trl4j.model.KvCache;
import trl4j.model.Parameters;
import trl4j.model.Seq2SeqLm;
import trl4j.model.WeightTable;
import trl4j.tensor.AttentionMasks;
import trl4j.tensor.Scalars;

/**
 * T5 (Raffel et al. 2020) exactly as Hugging Face's {@code T5ForConditionalGeneration} computes it, v1.0 and
 * v1.1: shared token embedding (no scaling, no position embedding) → encoder stack → decoder stack with
 * cross-attention → lm_head. Every block is pre-norm with T5's RMS layer norm and residual adds.
 *
 * <p>Attention scores are not divided by √d_kv (the scale is folded into the q init). Position enters only
 * through a learned bias per (bucket of key − query offset, head), owned by block 0 of each stack and added in
 * every block of that stack; encoder buckets are bidirectional, decoder buckets look only backwards.
 * Cross-attention has no position bias, only the encoder padding mask.
 */
public final class T5Model implements Seq2SeqLm {

    private final T5Config config;
    private final Parameters params;
    private final WeightTable table;
    private boolean training;

    public T5Model(T5Config config, Parameters params) {
        this.config = config;
        this.params = params;
        this.table = T5Weights.table(config);
    }

    /** Loads weights from a checkpoint (names and shapes checked against the config). */
    public static T5Model load(T5Config config, TensorSource weights, NDManager manager) {
        return new T5Model(config, T5Weights.table(config).load(weights, manager));
    }

    /** A randomly initialised model, as HF's {@code _init_weights} (see {@link T5Weights#initialize}). */
    public static T5Model initialize(T5Config config, NDManager manager, long seed) {
        return new T5Model(config, T5Weights.initialize(config, T5Weights.table(config), manager, seed, null));
    }

    @Override
    public T5Config config() {
        return config;
    }

    @Override
    public Parameters parameters() {
        return params;
    }

    @Override
    public WeightTable weightTable() {
        return table;
    }

    @Override
    public int decoderStartTokenId() {
        return config.decoderStartTokenId();
    }

    /** Dropout on (training) or off (evaluation, generation; the default). */
    public void setTraining(boolean training) {
        this.training = training;
    }

    @Override
    public KvCache newCache(int capacity) {
        return new KvCache(params.manager(), config.numDecoderLayers(), capacity);
    }

    /** Logits (B, T, V) of a full teacher-forced pass. */
    public NDArray logits(NDArray inputIds, NDArray attentionMask, NDArray decoderInputIds) {
        NDArray encoded = encode(inputIds, attentionMask, null);
        return lmHead(decode(decoderInputIds, encoded, attentionMask, null, null));
    }

    // ---------------------------------------------------------------- encoder

    @Override
    public NDArray encode(NDArray inputIds, NDArray attentionMask, List<NDArray> collect) {
        NDManager m = inputIds.getManager();
        int length = (int) inputIds.getShape().get(1);
        NDArray x = dropout(embed(inputIds)); // (B, S, d_model)
        if (collect != null) {
            collect.add(x);
        }
        // One bias for every block: block 0's relative position bias + the padding mask (HF passes block 0's
        // masked bias on to the later blocks).
        NDArray bias = T5PositionBias.compute(m, relativeBias("encoder"), config, true, 0, length, length); // (1, H, S, S)
        if (attentionMask != null) {
            bias = bias.add(AttentionMasks.padding(m, attentionMask)); // (B, H, S, S)
        }
        for (int i = 0; i < config.numLayers(); i++) {
            String p = "encoder.block." + i + ".layer.";
            NDArray h = rmsNorm(x, p + "0.layer_norm");
            x = x.add(dropout(selfAttention(p + "0.SelfAttention", h, bias, null, i)));
            h = rmsNorm(x, p + "1.layer_norm");
            x = x.add(dropout(feedForward(p + "1.DenseReluDense", h)));
            if (collect != null && i < config.numLayers() - 1) {
                collect.add(x);
            }
        }
        x = dropout(rmsNorm(x, "encoder.final_layer_norm"));
        if (collect != null) {
            collect.add(x);
        }
        return x;
    }

    // ---------------------------------------------------------------- decoder

    @Override
    public NDArray decode(NDArray decoderInputIds, NDArray encoderHidden, NDArray encoderMask, KvCache cache,
            List<NDArray> collect) {
        NDManager m = decoderInputIds.getManager();
        int steps = (int) decoderInputIds.getShape().get(1);
        int past = cache == null ? 0 : cache.length();
        NDArray x = dropout(embed(decoderInputIds)); // (B, T, d_model)
        if (collect != null) {
            collect.add(x);
        }
        // Self-attention bias for queries past..past+T−1 over keys 0..past+T−1: the last T rows of the full
        // (past+T)² bias, as HF slices it for a cached step, plus the causal mask (not needed for one query).
        NDArray selfBias = T5PositionBias.compute(m, relativeBias("decoder"), config, false, past, steps, past + steps); // (1, H, T, K)
        if (steps > 1) {
            NDArray allKeys = m.ones(new Shape(1, past + steps), DataType.INT64);
            selfBias = selfBias.add(AttentionMasks.causal(m, allKeys, past, steps)); // (1, H, T, K)
        }
        NDArray crossBias = encoderMask == null ? null : AttentionMasks.padding(m, encoderMask); // (B, 1, 1, S)
        x = decoderBlocksFrom(0, x, encoderHidden, selfBias, crossBias, cache, collect);
        if (cache != null) {
            cache.advance(steps);
        }
        return x;
    }

    @Override
    public NDArray decodeFrom(int layer, NDArray x, NDArray encoderHidden, NDArray encoderMask) {
        if (layer < 0 || layer >= config.numDecoderLayers()) {
            throw new IllegalArgumentException("decoder layer " + layer + " is outside 0.." + (config.numDecoderLayers() - 1));
        }
        NDManager m = x.getManager();
        int steps = (int) x.getShape().get(1);
        // The relative position bias is block 0's (this model's copy of it), added in every block.
        NDArray selfBias = T5PositionBias.compute(m, relativeBias("decoder"), config, false, 0, steps, steps); // (1, H, T, T)
        if (steps > 1) {
            selfBias = selfBias.add(AttentionMasks.causal(m, m.ones(new Shape(1, steps), DataType.INT64), 0, steps));
        }
        NDArray crossBias = encoderMask == null ? null : AttentionMasks.padding(m, encoderMask); // (B, 1, 1, S)
        return decoderBlocksFrom(layer, x, encoderHidden, selfBias, crossBias, null, null);
    }

    /** Decoder blocks {@code from}..N−1, then the final norm; collects each block output but the last, then the normed one. */
    private NDArray decoderBlocksFrom(int from, NDArray x, NDArray encoderHidden, NDArray selfBias, NDArray crossBias,
            KvCache cache, List<NDArray> collect) {
        for (int i = from; i < config.numDecoderLayers(); i++) {
            String p = "decoder.block." + i + ".layer.";
            NDArray h = rmsNorm(x, p + "0.layer_norm");
            x = x.add(dropout(selfAttention(p + "0.SelfAttention", h, selfBias, cache, i)));
            h = rmsNorm(x, p + "1.layer_norm");
            x = x.add(dropout(crossAttention(p + "1.EncDecAttention", h, encoderHidden, crossBias, cache, i)));
            h = rmsNorm(x, p + "2.layer_norm");
            x = x.add(dropout(feedForward(p + "2.DenseReluDense", h)));
            if (collect != null && i < config.numDecoderLayers() - 1) {
                collect.add(x);
            }
        }
        x = dropout(rmsNorm(x, "decoder.final_layer_norm"));
        if (collect != null) {
            collect.add(x);
        }
        return x;
    }

    /**
     * Decoder blocks by index; the shared embedding (also the tied head) and the whole encoder below them;
     * the decoder's final norm and an untied lm_head above. Block 0's relative attention bias, used by every
     * decoder block, has depth 0.
     */
    @Override
    public int depthOf(String parameterName) {
        if (parameterName.startsWith("decoder.block.")) {
            int dot = parameterName.indexOf('.', "decoder.block.".length());
            return Integer.parseInt(parameterName.substring("decoder.block.".length(), dot));
        }
        if (parameterName.equals("decoder.final_layer_norm.weight") || parameterName.equals("lm_head.weight")) {
            return config.numDecoderLayers();
        }
        if (!params.contains(parameterName)) {
            throw new IllegalArgumentException("no parameter '" + parameterName + "'");
        }
        return -1; // shared embedding, encoder
    }

    // ---------------------------------------------------------------- head

    /**
     * Tied (v1.0): {@code (h · d_model^−½) · sharedᵀ}, the rescale Mesh TensorFlow applies before a tied
     * softmax; untied (v1.1): {@code h · lm_headᵀ} without rescale.
     */
    @Override
    public NDArray lmHead(NDArray hidden) {
        if (config.tieWordEmbeddings()) {
            NDArray scaled = hidden.mul(Scalars.of(hidden, (float) Math.pow(config.dModel(), -0.5))); // Scalars: autograd keeps it
            return Linear.linear(scaled, params.get("shared.weight")).singletonOrThrow(); // (B, T, V)
        }
        return Linear.linear(hidden, params.get("lm_head.weight")).singletonOrThrow(); // (B, T, V)
    }

    /**
     * Hugging Face's {@code _shift_right}: decoder inputs for teacher forcing from labels (B, T) —
     * decoder_start_token_id, then labels[:, :-1], with the ignore index −100 replaced by the pad id.
     */
    public static NDArray shiftRight(NDArray labels, int decoderStartTokenId, int padTokenId) {
        long batch = labels.getShape().get(0);
        NDArray ids = labels.toType(DataType.INT64, false);
        NDArray start = ids.getManager().full(new Shape(batch, 1), decoderStartTokenId, DataType.INT64); // (B, 1)
        NDArray shifted = start.concat(ids.get(":, :-1"), 1); // (B, T)
        NDArray ignored = shifted.eq(-100).toType(DataType.INT64, false);
        return shifted.add(ignored.mul(padTokenId + 100L)); // −100 → pad
    }

    // ---------------------------------------------------------------- layers

    /** Self-attention; with a cache the new keys/values are appended and all cached ones attended. */
    private NDArray selfAttention(String p, NDArray h, NDArray bias, KvCache cache, int layer) {
        NDArray q = heads(linear(h, p + ".q")); // (B, H, T, d_kv)
        NDArray k = heads(linear(h, p + ".k"));
        NDArray v = heads(linear(h, p + ".v"));
        if (cache != null) {
            NDArray[] kv = cache.append(layer, k, v); // (B, H, past + T, d_kv)
            k = kv[0];
            v = kv[1];
        }
        return attend(p, q, k, v, bias);
    }

    /** Cross-attention over the encoder output; its keys/values are computed once per cache. */
    private NDArray crossAttention(String p, NDArray h, NDArray encoderHidden, NDArray bias, KvCache cache, int layer) {
        NDArray q = heads(linear(h, p + ".q")); // (B, H, T, d_kv)
        NDArray k;
        NDArray v;
        if (cache != null && cache.hasCross(layer)) {
            k = cache.crossKeys(layer); // (B, H, S, d_kv)
            v = cache.crossValues(layer);
        } else {
            k = heads(linear(encoderHidden, p + ".k")); // (B, H, S, d_kv)
            v = heads(linear(encoderHidden, p + ".v"));
            if (cache != null) {
                cache.setCross(layer, k, v);
            }
        }
        return attend(p, q, k, v, bias);
    }

    /** softmax(q·kᵀ + bias)·v, unscaled, then the output projection. */
    private NDArray attend(String p, NDArray q, NDArray k, NDArray v, NDArray bias) {
        long batch = q.getShape().get(0);
        long steps = q.getShape().get(2);
        NDArray y = Attention.attend(q, k, v, bias, 1f, training ? (float) config.dropoutRate() : 0f); // (B, H, T, d_kv)
        y = y.transpose(0, 2, 1, 3).reshape(batch, steps, config.innerDim()); // (B, T, H·d_kv)
        return linear(y, p + ".o"); // (B, T, d_model)
    }

    /** (B, T, H·d_kv) → (B, H, T, d_kv). */
    private NDArray heads(NDArray x) {
        long batch = x.getShape().get(0);
        long steps = x.getShape().get(1);
        return x.reshape(batch, steps, config.numHeads(), config.dKv()).transpose(0, 2, 1, 3);
    }

    /** relu: {@code wo(act(wi x))}; gated: {@code wo(act(wi_0 x) · wi_1 x)}. Dropout before wo. */
    private NDArray feedForward(String p, NDArray h) {
        NDArray inner;
        if (config.isGatedAct()) {
            NDArray gate = Activations.apply(config.denseActFn(), linear(h, p + ".wi_0")); // (B, T, d_ff)
            inner = gate.mul(linear(h, p + ".wi_1"));
        } else {
            inner = Activations.apply(config.denseActFn(), linear(h, p + ".wi")); // (B, T, d_ff)
        }
        return linear(dropout(inner), p + ".wo"); // (B, T, d_model)
    }

    /**
     * T5's layer norm (RMS norm): {@code w · x / √(mean(x²) + eps)} over the last axis — no mean subtraction,
     * no bias; float32 throughout (HF upcasts half-precision activations for the variance).
     */
    private NDArray rmsNorm(NDArray x, String prefix) {
        NDArray meanSquare = x.square().mean(new int[] {-1}, true); // (B, T, 1)
        return x.div(meanSquare.add((float) config.layerNormEpsilon()).sqrt()).mul(params.get(prefix + ".weight"));
    }

    private NDArray relativeBias(String stack) {
        return params.get(stack + ".block.0.layer.0.SelfAttention.relative_attention_bias.weight");
    }

    private NDArray embed(NDArray ids) {
        return Embedding.embedding(ids, params.get("shared.weight"), SparseFormat.DENSE).singletonOrThrow();
    }

    private NDArray linear(NDArray x, String prefix) {
        return Linear.linear(x, params.get(prefix + ".weight")).singletonOrThrow();
    }

    private NDArray dropout(NDArray x) {
        if (!training || config.dropoutRate() == 0) {
            return x;
        }
        return Dropout.dropout(x, (float) config.dropoutRate(), true).singletonOrThrow();
    }
}
