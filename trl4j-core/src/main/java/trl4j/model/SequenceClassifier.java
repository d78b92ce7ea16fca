package trl4j.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import trl4j.tensor.GradMode;

/**
 * Hugging Face's {@code GPT2ForSequenceClassification} / {@code LlamaForSequenceClassification} /
 * {@code Qwen2ForSequenceClassification}: a causal trunk whose final hidden state at the last
 * non-pad token goes through {@code score.weight} (num_labels × hidden, no bias). With
 * {@code num_labels = 1} this is the reward model of Stiennon et al. and TRL.
 *
 * <p>Checkpoint layout is Hugging Face's: the trunk's tensors under their usual names (no
 * {@code lm_head.weight}) plus {@code score.weight}; config.json names the architecture
 * {@code <Family>ForSequenceClassification} and carries {@code id2label}/{@code label2id} (from which
 * transformers derives num_labels) and {@code pad_token_id}.
 *
 * <p>"Last non-pad token" follows transformers 4.38 exactly: the index of the first pad id in the row
 * minus one, modulo the row length (so a row without pad, or a left-padded row, scores its last
 * position).
 */
public final class SequenceClassifier implements ScoreModel {

    public static final String SCORE = "score.weight";

    private final CausalLm trunk;
    private final int numLabels;
    private final Integer padTokenId;
    private final String finalNormBias;

    /**
     * @param trunk the causal model whose {@link Parameters} also hold {@link #SCORE}
     * @param padTokenId the id that marks padding (HF's {@code config.pad_token_id}); null allows batch 1 only
     */
    public SequenceClassifier(CausalLm trunk, int numLabels, Integer padTokenId) {
        this(trunk, numLabels, padTokenId, null);
    }

    /**
     * @param finalNormBias the trunk's final-norm bias, added to the hidden state the head reads
     *     (GPT-2's {@code transformer.ln_f.bias}), or null when the architecture has none; lets
     *     {@link #foldScoreOffset} shift scores exactly
     */
    public SequenceClassifier(CausalLm trunk, int numLabels, Integer padTokenId, String finalNormBias) {
        if (!trunk.parameters().contains(SCORE)) {
            throw new IllegalArgumentException("the trunk's parameters have no " + SCORE);
        }
        if (finalNormBias != null && !trunk.parameters().contains(finalNormBias)) {
            throw new IllegalArgumentException("the trunk's parameters have no " + finalNormBias);
        }
        this.trunk = trunk;
        this.numLabels = numLabels;
        this.padTokenId = padTokenId;
        this.finalNormBias = finalNormBias;
    }

    /** A classification table: the LM table without {@code lm_head.weight}, plus the score head. */
    public static WeightTable table(WeightTable lmTable, int hiddenSize, int numLabels) {
        List<WeightSpec> specs = new ArrayList<>();
        for (WeightSpec s : lmTable.specs()) {
            if (!s.name().equals("lm_head.weight")) {
                specs.add(s);
            }
        }
        specs.add(WeightSpec.of(SCORE, numLabels, hiddenSize));
        List<String> ignored = new ArrayList<>(lmTable.ignoredPatterns());
        ignored.add("lm_head\\.weight"); // a causal-LM checkpoint the classifier starts from
        return new WeightTable(specs, ignored, lmTable.renamer());
    }

    /** A fresh score head, N(0, std) as HF initialises it ({@code initializer_range}). */
    public static NDArray newScoreWeight(NDManager manager, int numLabels, int hiddenSize, double std, long seed) {
        Random random = new Random(seed);
        float[] w = new float[numLabels * hiddenSize];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) (random.nextGaussian() * std);
        }
        return manager.create(w, new Shape(numLabels, hiddenSize));
    }

    public CausalLm trunk() {
        return trunk;
    }

    @Override
    public ModelConfig config() {
        return trunk.config();
    }

    @Override
    public Parameters parameters() {
        return trunk.parameters();
    }

    @Override
    public int numLabels() {
        return numLabels;
    }

    @Override
    public Integer padTokenId() {
        return padTokenId;
    }

    @Override
    public boolean isEncoderDecoder() {
        return false;
    }

    /** A decoder-only model has no decoder start token: −1. */
    @Override
    public int decoderStartTokenId() {
        return -1;
    }

    @Override
    public void setTraining(boolean training) {
        trunk.setTraining(training);
    }

    @Override
    public NDArray scores(NDArray inputIds, NDArray attentionMask, NDArray decoderInputIds, NDArray decoderMask) {
        if (decoderInputIds != null || decoderMask != null) {
            throw new IllegalArgumentException("a decoder-only classifier reads one sequence per row; got decoder inputs");
        }
        return scores(inputIds, attentionMask);
    }

    /**
     * β += offset · w / ‖w‖²: the score w·(γ⊙x̂ + β) moves by exactly {@code offset} at every position,
     * so transformers computes the shifted scores from the saved weights.
     */
    @Override
    public boolean foldScoreOffset(double offset) {
        if (finalNormBias == null || numLabels != 1) {
            return false;
        }
        NDArray w = trunk.parameters().get(SCORE);
        NDArray bias = trunk.parameters().get(finalNormBias);
        float[] wv = w.toFloatArray();
        double norm2 = 0;
        for (float x : wv) {
            norm2 += (double) x * x;
        }
        if (norm2 == 0) {
            return false;
        }
        float[] delta = new float[wv.length];
        for (int i = 0; i < wv.length; i++) {
            delta[i] = (float) (offset * wv[i] / norm2);
        }
        try (GradMode g = GradMode.disabled(); NDArray d = bias.getManager().create(delta, bias.getShape())) {
            bias.addi(d); // in place: the parameter keeps its identity (optimizer state, names)
        }
        return true;
    }

    @Override
    public String scoreOffsetTensor() {
        return numLabels == 1 ? finalNormBias : null;
    }

    /**
     * Index of the scored token of each row, as transformers computes it from the ids.
     *
     * @param ids (B, T) row-major
     */
    public long[] scoredPositions(long[] ids, int batch) {
        int t = ids.length / batch;
        long[] out = new long[batch];
        for (int b = 0; b < batch; b++) {
            if (padTokenId == null) {
                if (batch > 1) {
                    throw new IllegalArgumentException("cannot score a batch of " + batch
                            + " without pad_token_id in config.json (the model cannot find each row's last token)");
                }
                out[b] = t - 1;
                continue;
            }
            int firstPad = 0; // argmax of an all-zero row is 0, as in torch
            for (int i = 0; i < t; i++) {
                if (ids[b * t + i] == padTokenId) {
                    firstPad = i;
                    break;
                }
            }
            out[b] = Math.floorMod(firstPad - 1, t);
        }
        return out;
    }

    /**
     * Scores (B, num_labels) of a batch, as {@code model(input_ids, attention_mask).logits}.
     *
     * @param inputIds (B, T) int64
     * @param attentionMask (B, T) 0/1, or null
     */
    public NDArray scores(NDArray inputIds, NDArray attentionMask) {
        NDArray hidden = trunk.hidden(inputIds, attentionMask, null, null, null); // (B, T, H)
        int batch = (int) inputIds.getShape().get(0);
        return scoresAt(hidden, scoredPositions(inputIds.toLongArray(), batch));
    }

    /** Scores of given positions of hidden states (B, T, H) → (B, num_labels). */
    public NDArray scoresAt(NDArray hidden, long[] positions) {
        NDManager m = hidden.getManager();
        long batch = hidden.getShape().get(0);
        long width = hidden.getShape().get(2);
        NDArray index = m.create(positions, new Shape(batch, 1, 1)).broadcast(batch, 1, width);
        NDArray pooled = hidden.gather(index, 1).reshape(batch, width); // (B, H)
        return Linear.linear(pooled, trunk.parameters().get(SCORE)).singletonOrThrow();
    }

    /** config.json of the classifier: the trunk's, with the architecture and label maps HF expects. */
    @Override
    public ObjectNode toHfJson() {
        ObjectNode o = trunk.config().toHfJson();
        String family = switch (trunk.config().modelType()) {
            case "gpt2" -> "GPT2";
            case "llama" -> "Llama";
            case "qwen2" -> "Qwen2";
            default -> throw new IllegalStateException("no sequence-classification class for " + trunk.config().modelType());
        };
        o.putArray("architectures").add(family + "ForSequenceClassification");
        ObjectNode id2label = o.putObject("id2label");
        ObjectNode label2id = o.putObject("label2id");
        for (int i = 0; i < numLabels; i++) {
            id2label.put(String.valueOf(i), "LABEL_" + i);
            label2id.put("LABEL_" + i, i);
        }
        if (padTokenId != null) {
            o.put("pad_token_id", padTokenId);
        }
        return o;
    }

    @Override
    public void close() {
        trunk.close();
    }
}
