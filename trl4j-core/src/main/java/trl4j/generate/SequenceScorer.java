package trl4j.generate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import trl4j.model.CausalLm;
import trl4j.model.LanguageModel;
import trl4j.model.Seq2SeqLm;
import trl4j.tensor.GradMode;
import trl4j.tensor.LogProbs;

/**
 * Log-probabilities that a model assigns to given responses after given prompts, in one forward pass
 * per batch: what KL estimates, evaluation and PPO's scoring passes need. The layout matches what
 * {@link Generator} used while sampling (left-padded prompts with Hugging Face position ids for
 * decoder-only models; encoder = prompt, decoder = start + response for encoder–decoders), so the
 * numbers equal the log-probabilities recorded during generation.
 */
public final class SequenceScorer {

    private SequenceScorer() {}

    /**
     * Per-token log-probabilities of each response, {@code log_softmax(logits / temperature)}, no
     * gradient. Row i has {@code responses.get(i).length} values.
     *
     * @param batchSize rows per forward pass (bounds memory)
     */
    public static float[][] logprobs(LanguageModel model, List<long[]> prompts, List<long[]> responses, double temperature,
            int batchSize, int padTokenId) {
        if (prompts.size() != responses.size()) {
            throw new IllegalArgumentException(prompts.size() + " prompts but " + responses.size() + " responses");
        }
        float[][] out = new float[prompts.size()][];
        try (GradMode g = GradMode.disabled()) {
            for (int start = 0; start < prompts.size(); start += batchSize) {
                int end = Math.min(prompts.size(), start + batchSize);
                try (NDManager m = model.parameters().manager().newSubManager()) {
                    NDArray lp = tokenLogprobs(model, m, prompts.subList(start, end), responses.subList(start, end),
                            temperature, padTokenId);
                    float[] flat = lp.toFloatArray();
                    int width = (int) lp.getShape().get(1);
                    for (int i = start; i < end; i++) {
                        int n = responses.get(i).length;
                        out[i] = new float[n];
                        System.arraycopy(flat, (i - start) * width, out[i], 0, n);
                    }
                }
            }
        }
        return out;
    }

    /**
     * (B, R) log-probabilities of the response tokens (R = longest response; positions past a row's
     * end hold values for pad tokens and must be masked by the caller). Differentiable when grad mode
     * is on, so PPO can use it for the policy.
     */
    public static NDArray tokenLogprobs(LanguageModel model, NDManager m, List<long[]> prompts, List<long[]> responses,
            double temperature, int padTokenId) {
        NDArray logits = responseLogits(model, m, prompts, responses, padTokenId); // (B, R, V)
        if (temperature != 1.0) {
            logits = logits.div(trl4j.tensor.Scalars.of(logits, (float) temperature));
        }
        return LogProbs.gather(logits, rightPadded(m, responses, padTokenId));
    }

    /** Logits (B, R, V) at the positions that predict each response token. */
    public static NDArray responseLogits(LanguageModel model, NDManager m, List<long[]> prompts, List<long[]> responses,
            int padTokenId) {
        int r = responses.stream().mapToInt(x -> x.length).max().orElse(0);
        if (r == 0) {
            throw new IllegalArgumentException("every response is empty");
        }
        if (model instanceof Seq2SeqLm s2s) {
            int s = prompts.stream().mapToInt(x -> x.length).max().orElse(0);
            long[][] enc = new long[prompts.size()][s];
            long[][] encMask = new long[prompts.size()][s];
            long[][] dec = new long[prompts.size()][r];
            for (int i = 0; i < prompts.size(); i++) {
                java.util.Arrays.fill(enc[i], padTokenId);
                System.arraycopy(prompts.get(i), 0, enc[i], 0, prompts.get(i).length);
                java.util.Arrays.fill(encMask[i], 0, prompts.get(i).length, 1);
                java.util.Arrays.fill(dec[i], padTokenId);
                dec[i][0] = s2s.decoderStartTokenId();
                long[] resp = responses.get(i);
                // Teacher forcing: the decoder reads start + response[:-1] and predicts response.
                System.arraycopy(resp, 0, dec[i], 1, Math.min(resp.length, r - 1));
            }
            NDArray encoderMask = Generator.matrix(m, encMask);
            NDArray encoded = s2s.encode(Generator.matrix(m, enc), encoderMask, null);
            NDArray hidden = s2s.decode(Generator.matrix(m, dec), encoded, encoderMask, null, null); // (B, R, H)
            return s2s.lmHead(hidden);
        }
        CausalLm causal = (CausalLm) model;
        long[][][] padded = Generator.leftPad(prompts, padTokenId);
        int p = padded[0][0].length;
        long[][] ids = new long[prompts.size()][p + r];
        long[][] mask = new long[prompts.size()][p + r];
        for (int i = 0; i < prompts.size(); i++) {
            System.arraycopy(padded[0][i], 0, ids[i], 0, p);
            System.arraycopy(padded[1][i], 0, mask[i], 0, p);
            long[] resp = responses.get(i);
            java.util.Arrays.fill(ids[i], p, p + r, padTokenId);
            System.arraycopy(resp, 0, ids[i], p, resp.length);
            java.util.Arrays.fill(mask[i], p, p + resp.length, 1);
        }
        NDArray maskArray = Generator.matrix(m, mask);
        NDArray positions = trl4j.tensor.AttentionMasks.positionIds(maskArray);
        NDArray hidden = causal.hidden(Generator.matrix(m, ids), maskArray, positions, null, null); // (B, P+R, H)
        // Position P−1+t predicts response token t.
        return causal.lmHead(hidden.get(new NDIndex(":, {}:{}, :", p - 1, p - 1 + r)));
    }

    /** (B, R) int64 responses right-padded with the pad id. */
    static NDArray rightPadded(NDManager m, List<long[]> responses, int padTokenId) {
        int r = responses.stream().mapToInt(x -> x.length).max().orElse(0);
        long[] flat = new long[responses.size() * r];
        java.util.Arrays.fill(flat, padTokenId);
        for (int i = 0; i < responses.size(); i++) {
            System.arraycopy(responses.get(i), 0, flat, i * r, responses.get(i).length);
        }
        return m.create(flat, new Shape(responses.size(), r));
    }

    /** Masks (B, R) of 1 on real response tokens. */
    public static float[][] masks(List<long[]> responses) {
        List<float[]> out = new ArrayList<>();
        int r = responses.stream().mapToInt(x -> x.length).max().orElse(0);
        for (long[] resp : responses) {
            float[] row = new float[r];
            java.util.Arrays.fill(row, 0, resp.length, 1f);
            out.add(row);
        }
        return out.toArray(new float[0][]);
    }
}
