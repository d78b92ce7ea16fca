package trl4j.model.llama;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.core.Embedding;
import ai.djl.nn.core.Linear;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import trl4j.checkpoint.TensorSource;
import trl4j.model.Activations;
import trl4j.model.Attention;
import trl4j.model.CausalLm;
import trl4j.model.KvCache;
import trl4j.model.Parameters;
import trl4j.model.WeightSpec;
import trl4j.model.WeightTable;
import trl4j.tensor.AttentionMasks;
import trl4j.tensor.Scalars;

/**
 * Llama (Touvron et al. 2023) and Qwen2 exactly as Hugging Face's {@code LlamaForCausalLM} /
 * {@code Qwen2ForCausalLM} compute them: token embedding → pre-norm blocks (RMSNorm, grouped-query
 * self-attention with rotary position embeddings, RMSNorm, SwiGLU MLP) → final RMSNorm → lm_head
 * (its own matrix, or tied to the embedding). Qwen2 differs only by biases on q/k/v, which the
 * config's flags switch on; there are no other bias or dropout terms besides attention dropout.
 *
 * <p>RoPE uses Hugging Face's "halves" layout (rotate_half), not the interleaved pairs of Meta's
 * original code: HF checkpoints have their q/k rows permuted to match. Positions come from the
 * caller's position ids, so left-padded rows rotate from 0 at their first real token.
 */
public final class LlamaModel implements CausalLm {

    private final LlamaConfig config;
    private final Parameters params;
    private final WeightTable table;
    private final float[] invFreq;
    private boolean training;

    public LlamaModel(LlamaConfig config, Parameters params) {
        this.config = config;
        this.params = params;
        this.table = weightTable(config);
        this.invFreq = inverseFrequencies(config);
    }

    /** Loads weights from a checkpoint (names and shapes checked against the config). */
    public static LlamaModel load(LlamaConfig config, TensorSource weights, NDManager manager) {
        return new LlamaModel(config, weightTable(config).load(weights, manager));
    }

    /**
     * The checkpoint mapping in the state-dict order of {@code LlamaForCausalLM}: the {@code model.*}
     * trunk, then {@code lm_head.weight} LAST (absent when tied), so a sequence-classification table
     * can take the trunk and add {@code score.weight}.
     */
    public static WeightTable weightTable(LlamaConfig c) {
        long d = c.hiddenSize();
        long q = (long) c.numAttentionHeads() * c.headDim();
        long kv = (long) c.numKeyValueHeads() * c.headDim();
        long ff = c.intermediateSize();
        List<WeightSpec> specs = new ArrayList<>();
        specs.add(WeightSpec.of("model.embed_tokens.weight", c.vocabSize(), d));
        for (int i = 0; i < c.numHiddenLayers(); i++) {
            String p = "model.layers." + i + ".";
            projection(specs, p + "self_attn.q_proj", q, d, c.qkvBias());
            projection(specs, p + "self_attn.k_proj", kv, d, c.qkvBias());
            projection(specs, p + "self_attn.v_proj", kv, d, c.qkvBias());
            projection(specs, p + "self_attn.o_proj", d, q, c.oProjBias());
            projection(specs, p + "mlp.gate_proj", ff, d, c.mlpBias());
            projection(specs, p + "mlp.up_proj", ff, d, c.mlpBias());
            projection(specs, p + "mlp.down_proj", d, ff, c.mlpBias());
            specs.add(WeightSpec.of(p + "input_layernorm.weight", d));
            specs.add(WeightSpec.of(p + "post_attention_layernorm.weight", d));
        }
        specs.add(WeightSpec.of("model.norm.weight", d));
        List<String> ignored = new ArrayList<>();
        // Checkpoints from transformers < 4.31 still hold the rotary inv_freq buffer; HF recomputes it.
        ignored.add("model\\.layers\\.\\d+\\.self_attn\\.rotary_emb\\.inv_freq");
        if (c.tieWordEmbeddings()) {
            ignored.add("lm_head\\.weight"); // HF re-ties it to embed_tokens after loading
        } else {
            specs.add(WeightSpec.of("lm_head.weight", c.vocabSize(), d));
        }
        return new WeightTable(specs, ignored,
                // Checkpoints of the bare LlamaModel / Qwen2Model lack the "model." prefix.
                name -> name.startsWith("model.") || name.startsWith("lm_head.") || name.startsWith("score.")
                        ? name : "model." + name);
    }

    private static void projection(List<WeightSpec> specs, String name, long out, long in, boolean bias) {
        specs.add(WeightSpec.of(name + ".weight", out, in)); // nn.Linear: (out, in)
        if (bias) {
            specs.add(WeightSpec.of(name + ".bias", out));
        }
    }

    /**
     * A randomly initialised model as Hugging Face's {@code _init_weights} makes it: N(0, σ) for every
     * Linear and Embedding weight (σ = initializer_range; no depth scaling), zero biases, the padding
     * token's embedding row zeroed ({@code nn.Embedding(padding_idx=pad_token_id)}), RMSNorm weights 1.
     * Deterministic for a seed.
     */
    public static LlamaModel initialize(LlamaConfig c, NDManager manager, long seed) {
        Random random = new Random(seed);
        Parameters params = weightTable(c).create(manager, spec -> {
            String n = spec.name();
            long[] shape = spec.memoryShape();
            if (n.endsWith(".bias")) {
                return manager.zeros(new Shape(shape));
            }
            if (n.endsWith("norm.weight")) {
                return manager.ones(new Shape(shape));
            }
            float[] values = new float[(int) new Shape(shape).size()];
            for (int i = 0; i < values.length; i++) {
                values[i] = (float) (random.nextGaussian() * c.initializerRange());
            }
            Integer pad = c.padTokenId();
            if (n.equals("model.embed_tokens.weight") && pad != null && pad >= 0 && pad < c.vocabSize()) {
                java.util.Arrays.fill(values, (int) (pad * shape[1]), (int) ((pad + 1) * shape[1]), 0f);
            }
            return manager.create(values, new Shape(shape));
        });
        return new LlamaModel(c, params);
    }

    @Override
    public LlamaConfig config() {
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

    /** Attention dropout on (training) or off (evaluation, generation; the default). */
    public void setTraining(boolean training) {
        this.training = training;
    }

    /** The cache holds the Hkv key/value heads, not the H query heads they are shared by. */
    @Override
    public KvCache newCache(int capacity) {
        return new KvCache(params.manager(), config.numHiddenLayers(), capacity);
    }

    @Override
    public NDArray hidden(NDArray inputIds, NDArray attentionMask, NDArray positionIds, KvCache cache, List<NDArray> collect) {
        NDManager m = inputIds.getManager();
        long batch = inputIds.getShape().get(0);
        int steps = (int) inputIds.getShape().get(1);
        int past = cache == null ? 0 : cache.length();
        if (positionIds == null) {
            positionIds = m.arange(past, past + steps, 1, DataType.INT64).reshape(1, steps);
        }
        NDArray x = Embedding.embedding(inputIds, params.get("model.embed_tokens.weight"), SparseFormat.DENSE)
                .singletonOrThrow(); // (B, T, C)
        if (collect != null) {
            collect.add(x);
        }
        // Once per forward pass, shared by every layer: the rotary tables and the additive mask
        // (causal + padding; a single new token with no padding needs none).
        NDArray[] rope = rotaryTables(positionIds); // cos, sin: (B|1, T, D)
        NDArray cos = rope[0].expandDims(2); // (B|1, T, 1, D): broadcast over heads
        NDArray sinSigned = signedSin(rope[1]).expandDims(2);
        NDArray bias = attentionMask == null && steps == 1 ? null
                : AttentionMasks.causal(m, attentionMask != null ? attentionMask : m.ones(new Shape(batch, past + steps), DataType.INT64), past, steps);
        x = blocksFrom(0, x, cos, sinSigned, bias, cache, collect);
        if (cache != null) {
            cache.advance(steps);
        }
        return x;
    }

    @Override
    public NDArray hiddenFrom(int layer, NDArray x, NDArray attentionMask, NDArray positionIds) {
        if (layer < 0 || layer >= config.numHiddenLayers()) {
            throw new IllegalArgumentException("layer " + layer + " is outside 0.." + (config.numHiddenLayers() - 1));
        }
        NDManager m = x.getManager();
        long batch = x.getShape().get(0);
        int steps = (int) x.getShape().get(1);
        if (positionIds == null) {
            positionIds = m.arange(0, steps, 1, DataType.INT64).reshape(1, steps);
        }
        // Every block rotates its own q/k, so the rotary tables are rebuilt from the same position ids.
        NDArray[] rope = rotaryTables(positionIds);
        NDArray bias = AttentionMasks.causal(m, attentionMask != null ? attentionMask : m.ones(new Shape(batch, steps), DataType.INT64), 0, steps);
        return blocksFrom(layer, x, rope[0].expandDims(2), signedSin(rope[1]).expandDims(2), bias, null, null);
    }

    /** Blocks {@code from}..N−1, then the final norm; collects each block output but the last, then the normed one. */
    private NDArray blocksFrom(int from, NDArray x, NDArray cos, NDArray sinSigned, NDArray bias, KvCache cache, List<NDArray> collect) {
        for (int i = from; i < config.numHiddenLayers(); i++) {
            x = block(i, x, cos, sinSigned, bias, cache);
            if (collect != null && i < config.numHiddenLayers() - 1) {
                collect.add(x);
            }
        }
        x = rmsNorm(x, "model.norm.weight");
        if (collect != null) {
            collect.add(x);
        }
        return x;
    }

    /** Layers by index, the embedding (and a tied head) below them, the final norm and an untied lm_head above. */
    @Override
    public int depthOf(String parameterName) {
        if (parameterName.startsWith("model.layers.")) {
            int dot = parameterName.indexOf('.', "model.layers.".length());
            return Integer.parseInt(parameterName.substring("model.layers.".length(), dot));
        }
        if (parameterName.equals("model.norm.weight") || parameterName.equals("lm_head.weight")) {
            return config.numHiddenLayers();
        }
        if (!params.contains(parameterName)) {
            throw new IllegalArgumentException("no parameter '" + parameterName + "'");
        }
        return -1; // embed_tokens
    }

    /** One pre-norm block: x + attn(input_layernorm(x)), then + mlp(post_attention_layernorm(x)). */
    private NDArray block(int layer, NDArray x, NDArray cos, NDArray sinSigned, NDArray bias, KvCache cache) {
        String p = "model.layers." + layer + ".";
        long batch = x.getShape().get(0);
        long steps = x.getShape().get(1);
        int heads = config.numAttentionHeads();
        int kvHeads = config.numKeyValueHeads();
        int headDim = config.headDim();

        NDArray h = rmsNorm(x, p + "input_layernorm.weight");
        NDArray q = linear(h, p + "self_attn.q_proj").reshape(batch, steps, heads, headDim);   // (B, T, H, D)
        NDArray k = linear(h, p + "self_attn.k_proj").reshape(batch, steps, kvHeads, headDim); // (B, T, Hkv, D)
        NDArray v = linear(h, p + "self_attn.v_proj").reshape(batch, steps, kvHeads, headDim);
        q = rotate(q, cos, sinSigned).transpose(0, 2, 1, 3); // (B, H, T, D)
        k = rotate(k, cos, sinSigned).transpose(0, 2, 1, 3); // (B, Hkv, T, D)
        v = v.transpose(0, 2, 1, 3);                         // (B, Hkv, T, D)
        if (cache != null) {
            NDArray[] kv = cache.append(layer, k, v); // (B, Hkv, past + T, D): rotated keys are cached
            k = kv[0];
            v = kv[1];
        }
        float scale = (float) (1.0 / Math.sqrt(headDim));
        float dropout = training ? (float) config.attentionDropout() : 0f;
        NDArray y = Attention.attendGrouped(q, k, v, bias, scale, dropout); // (B, H, T, D)
        y = y.transpose(0, 2, 1, 3).reshape(batch, steps, (long) heads * headDim); // (B, T, H·D)
        x = x.add(linear(y, p + "self_attn.o_proj"));

        // SwiGLU (Shazeer 2020): down(act(gate(h)) · up(h)).
        h = rmsNorm(x, p + "post_attention_layernorm.weight");
        NDArray gate = Activations.apply(config.hiddenAct(), linear(h, p + "mlp.gate_proj")); // (B, T, F)
        return x.add(linear(gate.mul(linear(h, p + "mlp.up_proj")), p + "mlp.down_proj"));
    }

    /** lm_head: its own matrix, or the token embedding when tied. */
    @Override
    public NDArray lmHead(NDArray hidden) {
        String weight = config.tieWordEmbeddings() ? "model.embed_tokens.weight" : "lm_head.weight";
        return Linear.linear(hidden, params.get(weight)).singletonOrThrow(); // (B, T, V)
    }

    /** inv_freq[i] = 1 / θ^(2i/D), i < D/2, rounded like HF's float32 computation. */
    static float[] inverseFrequencies(LlamaConfig c) {
        int d = c.headDim();
        float[] out = new float[d / 2];
        for (int i = 0; i < out.length; i++) {
            float exponent = (float) (2 * i) / d;
            out[i] = 1f / (float) Math.pow(c.ropeTheta(), exponent);
        }
        return out;
    }

    /**
     * RoPE tables for the given positions, as HF's rotary embedding computes them: angles
     * cat([p·inv_freq, p·inv_freq]) (the halves layout), then their cos and sin, in float32.
     *
     * @param positionIds (B, T) int64
     * @return {cos, sin}, each (B, T, D)
     */
    public NDArray[] rotaryTables(NDArray positionIds) {
        NDManager m = positionIds.getManager();
        NDArray freqs = positionIds.toType(DataType.FLOAT32, false).expandDims(-1)
                .mul(m.create(invFreq)); // (B, T, D/2)
        NDArray angles = freqs.concat(freqs, 2); // (B, T, D)
        return new NDArray[] {angles.cos(), angles.sin()};
    }

    /** cat(−sin[:D/2], sin[D/2:]): lets {@link #rotate} use one concat instead of rotate_half's negation. */
    private static NDArray signedSin(NDArray sin) {
        long half = sin.getShape().get(2) / 2;
        NDList halves = sin.split(new long[] {half}, 2);
        return halves.get(0).neg().concat(halves.get(1), 2);
    }

    /**
     * x·cos + rotate_half(x)·sin with rotate_half(x) = cat(−x₂, x₁). Since both halves of sin are
     * equal, rotate_half(x)·sin = cat(x₂, x₁)·cat(−sin₁, sin₂) element for element (negation is exact).
     *
     * @param x (B, T, heads, D)
     * @param cos (B|1, T, 1, D)
     */
    private static NDArray rotate(NDArray x, NDArray cos, NDArray sinSigned) {
        long half = x.getShape().get(3) / 2;
        NDList halves = x.split(new long[] {half}, 3); // x₁, x₂: (B, T, heads, D/2)
        NDArray swapped = halves.get(1).concat(halves.get(0), 3); // (B, T, heads, D)
        return x.mul(cos).add(swapped.mul(sinSigned));
    }

    /** HF's RMSNorm: w · (x · rsqrt(mean(x²) + eps)), in float32 (trl4j computes in float32 throughout). */
    private NDArray rmsNorm(NDArray x, String weight) {
        NDArray inv = x.mul(x).mean(new int[] {-1}, true).add((float) config.rmsNormEps()).pow(Scalars.of(x, -0.5f)); // (B, T, 1); Scalars: autograd keeps the exponent
        return x.mul(inv).mul(params.get(weight));
    }

    private NDArray linear(NDArray x, String prefix) {
        String bias = prefix + ".bias";
        return (params.contains(bias)
                ? Linear.linear(x, params.get(prefix + ".weight"), params.get(bias))
                : Linear.linear(x, params.get(prefix + ".weight"))).singletonOrThrow();
    }
}
