package trl4j.model.gpt2;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.core.Embedding;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.norm.LayerNorm;
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

/**
 * GPT-2 (Radford et al. 2019) exactly as Hugging Face's {@code GPT2LMHeadModel} computes it:
 * token + learned position embeddings → n_layer pre-norm blocks (causal self-attention, GELU MLP) →
 * final layer norm → lm_head tied to the token embedding.
 *
 * <p>Weights keep Hugging Face's names; Conv1D weights, stored (in, out) in checkpoints, are held as
 * (out, in) so every projection is one {@code linear} (addmm) call.
 */
public final class Gpt2Model implements CausalLm {

    private final Gpt2Config config;
    private final Parameters params;
    private final WeightTable table;
    private boolean training;

    public Gpt2Model(Gpt2Config config, Parameters params) {
        this.config = config;
        this.params = params;
        this.table = weightTable(config);
    }

    /** Loads weights from a checkpoint (names and shapes checked against the config). */
    public static Gpt2Model load(Gpt2Config config, TensorSource weights, NDManager manager) {
        return new Gpt2Model(config, weightTable(config).load(weights, manager));
    }

    /** The checkpoint mapping: state-dict order of {@code GPT2LMHeadModel}, tied lm_head omitted. */
    public static WeightTable weightTable(Gpt2Config c) {
        long d = c.nEmbd();
        List<WeightSpec> specs = new ArrayList<>();
        specs.add(WeightSpec.of("transformer.wte.weight", c.vocabSize(), d));
        specs.add(WeightSpec.of("transformer.wpe.weight", c.nPositions(), d));
        for (int i = 0; i < c.nLayer(); i++) {
            String p = "transformer.h." + i + ".";
            specs.add(WeightSpec.of(p + "ln_1.weight", d));
            specs.add(WeightSpec.of(p + "ln_1.bias", d));
            specs.add(WeightSpec.transposed(p + "attn.c_attn.weight", d, 3 * d));
            specs.add(WeightSpec.of(p + "attn.c_attn.bias", 3 * d));
            specs.add(WeightSpec.transposed(p + "attn.c_proj.weight", d, d));
            specs.add(WeightSpec.of(p + "attn.c_proj.bias", d));
            specs.add(WeightSpec.of(p + "ln_2.weight", d));
            specs.add(WeightSpec.of(p + "ln_2.bias", d));
            specs.add(WeightSpec.transposed(p + "mlp.c_fc.weight", d, c.nInner()));
            specs.add(WeightSpec.of(p + "mlp.c_fc.bias", c.nInner()));
            specs.add(WeightSpec.transposed(p + "mlp.c_proj.weight", c.nInner(), d));
            specs.add(WeightSpec.of(p + "mlp.c_proj.bias", d));
        }
        specs.add(WeightSpec.of("transformer.ln_f.weight", d));
        specs.add(WeightSpec.of("transformer.ln_f.bias", d));
        return new WeightTable(specs,
                // lm_head is tied (HF re-ties it); attn.bias / masked_bias are old causal-mask buffers.
                List.of("lm_head\\.weight", ".*\\.attn\\.bias", ".*\\.attn\\.masked_bias"),
                // Checkpoints of the bare GPT2Model (the original "gpt2" upload) lack the prefix.
                name -> name.startsWith("transformer.") || name.startsWith("lm_head.") || name.startsWith("score.")
                        ? name : "transformer." + name);
    }

    /**
     * A randomly initialised model, as Hugging Face's {@code _init_weights} does it: N(0, σ) for
     * embeddings and projections, σ/√(2·n_layer) for the residual output projections (GPT-2 paper
     * §2.3), zero biases, unit layer-norm weights. Deterministic for a seed.
     */
    public static Gpt2Model initialize(Gpt2Config c, NDManager manager, long seed) {
        Random random = new Random(seed);
        double residualStd = c.initializerRange() / Math.sqrt(2.0 * c.nLayer());
        Parameters params = weightTable(c).create(manager, spec -> {
            String n = spec.name();
            long[] shape = spec.memoryShape();
            if (n.endsWith(".bias")) {
                return manager.zeros(new Shape(shape));
            }
            if (n.contains("ln_")) {
                return manager.ones(new Shape(shape));
            }
            double std = n.endsWith("c_proj.weight") ? residualStd : c.initializerRange();
            return gaussian(manager, random, shape, std);
        });
        return new Gpt2Model(c, params);
    }

    static NDArray gaussian(NDManager manager, Random random, long[] shape, double std) {
        int n = (int) new Shape(shape).size();
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = (float) (random.nextGaussian() * std);
        }
        return manager.create(values, new Shape(shape));
    }

    @Override
    public Gpt2Config config() {
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

    /** Dropout on (training) or off (evaluation, generation; the default). */
    public void setTraining(boolean training) {
        this.training = training;
    }

    @Override
    public KvCache newCache(int capacity) {
        return new KvCache(params.manager(), config.nLayer(), capacity);
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
        if (past + steps > config.nPositions()) {
            throw new IllegalArgumentException("sequence of " + (past + steps)
                    + " tokens is longer than the model's context (n_positions = " + config.nPositions() + ")");
        }
        // Embeddings: token + learned absolute position.
        NDArray x = embed(inputIds, "transformer.wte.weight")
                .add(embed(positionIds, "transformer.wpe.weight")); // (B, T, C)
        x = dropout(x, config.embdPdrop());
        if (collect != null) {
            collect.add(x);
        }
        // One additive mask for all layers: causal + padding. A single new token with no padding needs none.
        NDArray bias = attentionMask == null && steps == 1 ? null
                : AttentionMasks.causal(m, attentionMask != null ? attentionMask : m.ones(new Shape(batch, past + steps), DataType.INT64), past, steps);
        x = blocksFrom(0, x, bias, cache, collect);
        if (cache != null) {
            cache.advance(steps);
        }
        return x;
    }

    @Override
    public NDArray hiddenFrom(int layer, NDArray x, NDArray attentionMask, NDArray positionIds) {
        if (layer < 0 || layer >= config.nLayer()) {
            throw new IllegalArgumentException("layer " + layer + " is outside 0.." + (config.nLayer() - 1));
        }
        NDManager m = x.getManager();
        long batch = x.getShape().get(0);
        int steps = (int) x.getShape().get(1);
        // Positions entered with the embeddings, below every block: only the mask is needed here.
        NDArray bias = AttentionMasks.causal(m, attentionMask != null ? attentionMask : m.ones(new Shape(batch, steps), DataType.INT64), 0, steps);
        return blocksFrom(layer, x, bias, null, null);
    }

    /** Blocks {@code from}..n_layer−1, then ln_f; collects each block output but the last, then the normed one. */
    private NDArray blocksFrom(int from, NDArray x, NDArray bias, KvCache cache, List<NDArray> collect) {
        for (int i = from; i < config.nLayer(); i++) {
            x = block(i, x, bias, cache);
            if (collect != null && i < config.nLayer() - 1) {
                collect.add(x);
            }
        }
        x = layerNorm(x, "transformer.ln_f");
        if (collect != null) {
            collect.add(x);
        }
        return x;
    }

    /** Blocks by index, embeddings (and the tied head) below them, ln_f above. */
    @Override
    public int depthOf(String parameterName) {
        if (parameterName.startsWith("transformer.h.")) {
            int dot = parameterName.indexOf('.', "transformer.h.".length());
            return Integer.parseInt(parameterName.substring("transformer.h.".length(), dot));
        }
        if (parameterName.startsWith("transformer.ln_f.")) {
            return config.nLayer();
        }
        if (!params.contains(parameterName)) {
            throw new IllegalArgumentException("no parameter '" + parameterName + "'");
        }
        return -1; // wte (also the head), wpe
    }

    /** One pre-norm block: x + attn(ln_1(x)), then + mlp(ln_2(x)). */
    private NDArray block(int layer, NDArray x, NDArray bias, KvCache cache) {
        String p = "transformer.h." + layer + ".";
        long batch = x.getShape().get(0);
        long steps = x.getShape().get(1);
        int heads = config.nHead();
        int headDim = config.headDim();

        NDArray h = layerNorm(x, p + "ln_1");
        NDList qkv = linear(h, p + "attn.c_attn").split(3, 2); // 3 × (B, T, C)
        NDArray q = qkv.get(0).reshape(batch, steps, heads, headDim).transpose(0, 2, 1, 3); // (B, nh, T, hs)
        NDArray k = qkv.get(1).reshape(batch, steps, heads, headDim).transpose(0, 2, 1, 3);
        NDArray v = qkv.get(2).reshape(batch, steps, heads, headDim).transpose(0, 2, 1, 3);
        if (cache != null) {
            NDArray[] kv = cache.append(layer, k, v); // (B, nh, past + T, hs)
            k = kv[0];
            v = kv[1];
        }
        float scale = config.scaleAttnWeights() ? (float) (1.0 / Math.sqrt(headDim)) : 1f;
        NDArray y = Attention.attend(q, k, v, bias, scale, training ? (float) config.attnPdrop() : 0f); // (B, nh, T, hs)
        y = y.transpose(0, 2, 1, 3).reshape(batch, steps, config.nEmbd()); // (B, T, C)
        x = x.add(dropout(linear(y, p + "attn.c_proj"), config.residPdrop()));

        h = layerNorm(x, p + "ln_2");
        h = Activations.apply(config.activationFunction(), linear(h, p + "mlp.c_fc")); // (B, T, 4C)
        return x.add(dropout(linear(h, p + "mlp.c_proj"), config.residPdrop()));
    }

    /** Tied head: logits = hidden · wteᵀ. */
    @Override
    public NDArray lmHead(NDArray hidden) {
        return Linear.linear(hidden, params.get("transformer.wte.weight")).singletonOrThrow();
    }

    private NDArray embed(NDArray ids, String weight) {
        return Embedding.embedding(ids, params.get(weight), SparseFormat.DENSE).singletonOrThrow();
    }

    private NDArray linear(NDArray x, String prefix) {
        return Linear.linear(x, params.get(prefix + ".weight"), params.get(prefix + ".bias")).singletonOrThrow();
    }

    private NDArray layerNorm(NDArray x, String prefix) {
        return LayerNorm.layerNorm(x, new Shape(config.nEmbd()), params.get(prefix + ".weight"),
                params.get(prefix + ".bias"), (float) config.layerNormEpsilon()).singletonOrThrow();
    }

    private NDArray dropout(NDArray x, double rate) {
        if (!training || rate == 0) {
            return x;
        }
        return Dropout.dropout(x, (float) rate, true).singletonOrThrow();
    }
}
