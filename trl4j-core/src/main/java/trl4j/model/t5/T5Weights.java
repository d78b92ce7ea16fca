package trl4j.model.t5;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import trl4j.model.Parameters;
import trl4j.model.WeightSpec;
import trl4j.model.WeightTable;

/**
 * T5's checkpoint mapping and initialisation, shared by {@link T5Model} and {@link T5ScoreModel}.
 *
 * <p>Names and order are those of {@code T5ForConditionalGeneration.state_dict()} with the aliases
 * {@code save_pretrained} drops: {@code encoder.embed_tokens.weight} and {@code decoder.embed_tokens.weight}
 * (both are {@code shared.weight}) and, when tied, {@code lm_head.weight}. Every projection is an
 * {@code nn.Linear} without bias, stored (out, in) as we use it.
 */
public final class T5Weights {

    /** Names a T5 checkpoint may carry that Hugging Face ignores or re-ties on load. */
    static final List<String> IGNORED = List.of(
            "encoder\\.embed_tokens\\.weight",
            "decoder\\.embed_tokens\\.weight",
            // Old checkpoints give block 0's cross-attention a relative bias that T5 never uses
            // (HF lists it in _keys_to_ignore_on_load_unexpected).
            "decoder\\.block\\.0\\.layer\\.1\\.EncDecAttention\\.relative_attention_bias\\.weight");

    private T5Weights() {}

    /** The language model's table: trunk, then {@code lm_head.weight} when untied. */
    public static WeightTable table(T5Config c) {
        List<WeightSpec> specs = trunk(c);
        List<String> ignored = new ArrayList<>(IGNORED);
        if (c.tieWordEmbeddings()) {
            ignored.add("lm_head\\.weight"); // HF re-ties it to shared.weight
        } else {
            specs.add(WeightSpec.of("lm_head.weight", c.vocabSize(), c.dModel()));
        }
        return new WeightTable(specs, ignored, name -> name);
    }

    /**
     * Shared embedding, encoder, decoder, in state-dict order (the prefix of every T5 head's table).
     * Block 0 of each stack owns the relative position bias (buckets × heads).
     */
    static List<WeightSpec> trunk(T5Config c) {
        List<WeightSpec> specs = new ArrayList<>();
        specs.add(WeightSpec.of("shared.weight", c.vocabSize(), c.dModel()));
        for (int i = 0; i < c.numLayers(); i++) {
            String p = "encoder.block." + i + ".layer.";
            attention(specs, c, p + "0.SelfAttention", i == 0);
            specs.add(WeightSpec.of(p + "0.layer_norm.weight", c.dModel()));
            feedForward(specs, c, p + "1.DenseReluDense");
            specs.add(WeightSpec.of(p + "1.layer_norm.weight", c.dModel()));
        }
        specs.add(WeightSpec.of("encoder.final_layer_norm.weight", c.dModel()));
        for (int i = 0; i < c.numDecoderLayers(); i++) {
            String p = "decoder.block." + i + ".layer.";
            attention(specs, c, p + "0.SelfAttention", i == 0);
            specs.add(WeightSpec.of(p + "0.layer_norm.weight", c.dModel()));
            attention(specs, c, p + "1.EncDecAttention", false);
            specs.add(WeightSpec.of(p + "1.layer_norm.weight", c.dModel()));
            feedForward(specs, c, p + "2.DenseReluDense");
            specs.add(WeightSpec.of(p + "2.layer_norm.weight", c.dModel()));
        }
        specs.add(WeightSpec.of("decoder.final_layer_norm.weight", c.dModel()));
        return specs;
    }

    private static void attention(List<WeightSpec> specs, T5Config c, String p, boolean relativeBias) {
        specs.add(WeightSpec.of(p + ".q.weight", c.innerDim(), c.dModel()));
        specs.add(WeightSpec.of(p + ".k.weight", c.innerDim(), c.dModel()));
        specs.add(WeightSpec.of(p + ".v.weight", c.innerDim(), c.dModel()));
        specs.add(WeightSpec.of(p + ".o.weight", c.dModel(), c.innerDim()));
        if (relativeBias) {
            specs.add(WeightSpec.of(p + ".relative_attention_bias.weight", c.relativeAttentionNumBuckets(), c.numHeads()));
        }
    }

    private static void feedForward(List<WeightSpec> specs, T5Config c, String p) {
        if (c.isGatedAct()) {
            specs.add(WeightSpec.of(p + ".wi_0.weight", c.dFf(), c.dModel()));
            specs.add(WeightSpec.of(p + ".wi_1.weight", c.dFf(), c.dModel()));
        } else {
            specs.add(WeightSpec.of(p + ".wi.weight", c.dFf(), c.dModel()));
        }
        specs.add(WeightSpec.of(p + ".wo.weight", c.dModel(), c.dFf()));
    }

    /**
     * Random weights as {@code T5PreTrainedModel._init_weights} draws them (Mesh TensorFlow's scheme, every
     * std multiplied by {@code initializer_factor} f): layer norms = f; shared (and an untied lm_head)
     * N(0, f); wi, wi_0, wi_1 N(0, f·d_model^−½); wo N(0, f·d_ff^−½); q N(0, f·(d_model·d_kv)^−½) — the
     * attention scale T5 does not apply at run time; k, v N(0, f·d_model^−½); o N(0, f·(heads·d_kv)^−½);
     * relative_attention_bias N(0, f·d_model^−½). Deterministic for a seed.
     *
     * @param table the table to fill (the LM's, or a head's with extra tensors)
     * @param extra initialiser for names this scheme does not know (a head), or null
     */
    static Parameters initialize(T5Config c, WeightTable table, NDManager manager, long seed,
            java.util.function.BiFunction<WeightSpec, Random, NDArray> extra) {
        Random random = new Random(seed);
        double f = c.initializerFactor();
        double dModel = c.dModel();
        return table.create(manager, spec -> {
            String n = spec.name();
            long[] shape = spec.memoryShape();
            if (n.endsWith("layer_norm.weight")) {
                return manager.full(new Shape(shape), (float) f);
            }
            double std;
            if (n.equals("shared.weight") || n.equals("lm_head.weight")) {
                std = f;
            } else if (n.endsWith(".wi.weight") || n.endsWith(".wi_0.weight") || n.endsWith(".wi_1.weight")) {
                std = f * Math.pow(dModel, -0.5);
            } else if (n.endsWith(".wo.weight")) {
                std = f * Math.pow(c.dFf(), -0.5);
            } else if (n.endsWith(".q.weight")) {
                std = f * Math.pow(dModel * c.dKv(), -0.5);
            } else if (n.endsWith(".k.weight") || n.endsWith(".v.weight") || n.endsWith("relative_attention_bias.weight")) {
                std = f * Math.pow(dModel, -0.5);
            } else if (n.endsWith(".o.weight")) {
                std = f * Math.pow(c.innerDim(), -0.5);
            } else if (extra != null) {
                return extra.apply(spec, random);
            } else {
                throw new IllegalStateException("no T5 initialiser for " + n);
            }
            return gaussian(manager, random, shape, std);
        });
    }

    static NDArray gaussian(NDManager manager, Random random, long[] shape, double std) {
        int n = (int) new Shape(shape).size();
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = (float) (random.nextGaussian() * std);
        }
        return manager.create(values, new Shape(shape));
    }
}
