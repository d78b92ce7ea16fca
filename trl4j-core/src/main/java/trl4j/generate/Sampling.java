package trl4j.generate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import java.util.Arrays;
import java.util.Random;

/**
 * Token choice at one decoding step: Hugging Face's logits processors (min_new_tokens) and warpers
 * (temperature → top-k → top-p) in the same order and with the same tie rules.
 */
final class Sampling {

    private Sampling() {}

    /** Argmax of the processed logits; logprobs from the unwarped distribution. */
    static Generator.Choice greedy(NDArray logits, GenerationConfig config, int step, java.util.BitSet[] seen, java.util.BitSet[] source) {
        NDArray processed = process(logits, config, step, seen, source);
        long[] tokens = processed.argMax(1).toType(DataType.INT64, false).toLongArray();
        float[] logprobs = gather(logits.logSoftmax(1), tokens);
        return new Generator.Choice(tokens, logprobs);
    }

    /** Draws from softmax(warped logits / T) with one seeded stream per row. */
    static Generator.Choice sample(NDArray logits, GenerationConfig config, int step, Random[] rngs, java.util.BitSet[] seen,
            java.util.BitSet[] source) {
        NDArray scaled = config.temperature() == 1.0 ? logits : logits.div((float) config.temperature());
        // HF applies processors before the temperature warper; dividing first is the same for both
        // (a penalty scales a logit, -inf stays -inf), so one pass serves the sampler and the logprobs.
        float[] flat = process(scaled, config, step, seen, source).toFloatArray();
        int batch = rngs.length;
        int vocab = flat.length / batch;
        long[] tokens = new long[batch];
        for (int i = 0; i < batch; i++) {
            float[] row = Arrays.copyOfRange(flat, i * vocab, (i + 1) * vocab);
            tokens[i] = draw(row, config.topK(), config.topP(), rngs[i]);
        }
        // The policy's log-probability (before truncation): what a forward pass recomputes.
        float[] logprobs = gather(scaled.logSoftmax(1), tokens);
        return new Generator.Choice(tokens, logprobs);
    }

    /**
     * Logits processors, in Hugging Face's order: encoder repetition penalty over the prompt's tokens
     * ({@code source}, null when off), repetition penalty over the tokens each row has seen (prompt
     * and generated; our left padding is not counted), then min_new_tokens (EOS suppressed).
     */
    static NDArray process(NDArray logits, GenerationConfig config, int step, java.util.BitSet[] seen, java.util.BitSet[] source) {
        boolean favourSource = source != null && config.encoderRepetitionPenalty() != 1.0;
        boolean penalty = config.repetitionPenalty() != 1.0;
        boolean suppress = step < config.minNewTokens() && !config.eosTokenIds().isEmpty();
        if (!favourSource && !penalty && !suppress) {
            return logits;
        }
        float[] flat = logits.toFloatArray();
        int vocab = (int) logits.getShape().get(1);
        float p = (float) config.repetitionPenalty();
        float boost = (float) config.encoderRepetitionPenalty();
        for (int r = 0; r < flat.length / vocab; r++) {
            if (favourSource) {
                for (int id = source[r].nextSetBit(0); id >= 0 && id < vocab; id = source[r].nextSetBit(id + 1)) {
                    float v = flat[r * vocab + id];
                    flat[r * vocab + id] = v < 0 ? v / boost : v * boost;
                }
            }
            if (penalty) {
                for (int id = seen[r].nextSetBit(0); id >= 0 && id < vocab; id = seen[r].nextSetBit(id + 1)) {
                    float v = flat[r * vocab + id];
                    flat[r * vocab + id] = v < 0 ? v * p : v / p;
                }
            }
            if (suppress) {
                for (int e : config.eosTokenIds()) {
                    if (e < vocab) {
                        flat[r * vocab + e] = Float.NEGATIVE_INFINITY;
                    }
                }
            }
        }
        return logits.getManager().create(flat, logits.getShape());
    }

    private static float[] gather(NDArray logp, long[] tokens) {
        float[] flat = logp.toFloatArray();
        int vocab = flat.length / tokens.length;
        float[] out = new float[tokens.length];
        for (int i = 0; i < tokens.length; i++) {
            out[i] = flat[i * vocab + (int) tokens[i]];
        }
        return out;
    }

    /**
     * Samples one id from a row of (temperature-scaled) logits after top-k and top-p filtering.
     * Top-k keeps every logit ≥ the k-th largest (ties kept, as HF); top-p removes, in ascending
     * order, tokens whose cumulative probability is ≤ 1 − p, always keeping the most likely one.
     */
    static int draw(float[] logits, int topK, double topP, Random rng) {
        int vocab = logits.length;
        if (topK > 0 && topK < vocab) {
            float[] sorted = logits.clone();
            Arrays.sort(sorted);
            float threshold = sorted[vocab - topK];
            for (int j = 0; j < vocab; j++) {
                if (logits[j] < threshold) {
                    logits[j] = Float.NEGATIVE_INFINITY;
                }
            }
        }
        double max = Double.NEGATIVE_INFINITY;
        for (float l : logits) {
            max = Math.max(max, l);
        }
        double[] p = new double[vocab];
        double sum = 0;
        for (int j = 0; j < vocab; j++) {
            p[j] = logits[j] == Float.NEGATIVE_INFINITY ? 0 : Math.exp(logits[j] - max);
            sum += p[j];
        }
        for (int j = 0; j < vocab; j++) {
            p[j] /= sum;
        }
        if (topP < 1.0) {
            Integer[] order = new Integer[vocab];
            for (int j = 0; j < vocab; j++) {
                order[j] = j;
            }
            // Ascending by logit; stable for ties (lower id first), like torch.sort on CPU.
            Arrays.sort(order, (a, b) -> Float.compare(logits[a], logits[b]));
            double cumulative = 0;
            double removed = 0;
            for (int k = 0; k < vocab - 1; k++) { // the last (most likely) token is always kept
                cumulative += p[order[k]];
                if (cumulative <= 1 - topP) {
                    removed += p[order[k]];
                    p[order[k]] = 0;
                } else {
                    break;
                }
            }
            for (int j = 0; j < vocab; j++) {
                p[j] /= (1 - removed);
            }
        }
        double u = rng.nextDouble();
        double acc = 0;
        int last = -1;
        for (int j = 0; j < vocab; j++) {
            if (p[j] > 0) {
                acc += p[j];
                last = j;
                if (u < acc) {
                    return j;
                }
            }
        }
        return last; // rounding left u above the total
    }
}
