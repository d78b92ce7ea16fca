package trl4j.generate;

/**
 * What a batched generation produced, row by row in prompt order.
 *
 * @param responses (B, S) new tokens; after a row's EOS, pad ids (S = steps actually run)
 * @param lengths tokens of each response up to and including its EOS (S if it never ended)
 * @param logprobs (B, S) log-probability of each sampled token under the policy's distribution
 *     {@code log_softmax(logits / temperature)} (before top-k/top-p truncation, as TRL records it);
 *     0 after the row ended
 * @param finished whether the row emitted an EOS
 * @param scores (B, S, V) raw next-token logits per step, only when requested (tests), else null
 */
public record GenerationOutput(long[][] responses, int[] lengths, float[][] logprobs, boolean[] finished, float[][][] scores) {

    public int batchSize() {
        return responses.length;
    }

    /** Response i without the padding after its end (EOS included). */
    public long[] response(int i) {
        return java.util.Arrays.copyOf(responses[i], lengths[i]);
    }
}
