package trl4j.train.sft;

import java.util.List;

/**
 * A micro-batch as the model reads it, right-padded, in plain arrays (row-major), with the positions
 * whose next-token prediction the loss counts. Only those positions go through the LM head (a
 * vocabulary-wide matmul): the prompt tokens of a causal summariser are most of its input and need no
 * logits when the loss is on the completion.
 *
 * @param rows B
 * @param length T, the padded length of {@code inputIds} (encoder input for encoder–decoders)
 * @param inputIds (B, T) token ids, pad-filled
 * @param attentionMask (B, T) 1 on real tokens, 0 on pads (encoder–decoders; causal models need none:
 *     their pads come last and no real token attends to them)
 * @param decoderLength U, the padded decoder length (0 for causal models)
 * @param decoderInputIds (B, U) {@code shift_right(labels)}: the start id, then the completion
 *     without its last token (encoder–decoders), else null
 * @param positions flat indices (b·T + t, or b·U + u for the decoder) of the hidden states that predict a target
 * @param targets the token each of those positions must predict
 * @param tokens real (non-pad) tokens read, for throughput
 */
public record SftBatch(int rows, int length, long[] inputIds, long[] attentionMask, int decoderLength,
        long[] decoderInputIds, long[] positions, long[] targets, long tokens) {

    /** Number of predicted tokens, the loss's denominator. */
    public int targetCount() {
        return targets.length;
    }

    /**
     * A causal batch: each row is prompt + completion; position t predicts token t+1 (HF's label
     * shift), counted when that token belongs to the completion or, with {@code completionOnly}
     * false, to the row at all.
     */
    public static SftBatch causal(List<SftEncoder.Example> examples, long padId, boolean completionOnly) {
        int rows = examples.size();
        int length = 0;
        int count = 0;
        for (SftEncoder.Example e : examples) {
            length = Math.max(length, e.tokens());
            count += completionOnly ? e.completion().length : e.tokens() - 1;
        }
        long[] ids = new long[rows * length];
        java.util.Arrays.fill(ids, padId);
        long[] positions = new long[count];
        long[] targets = new long[count];
        long tokens = 0;
        int k = 0;
        for (int b = 0; b < rows; b++) {
            SftEncoder.Example e = examples.get(b);
            int base = b * length;
            System.arraycopy(e.prompt(), 0, ids, base, e.prompt().length);
            System.arraycopy(e.completion(), 0, ids, base + e.prompt().length, e.completion().length);
            int first = completionOnly ? e.prompt().length : 1; // first token that is a target
            for (int t = Math.max(1, first); t < e.tokens(); t++) {
                positions[k] = base + t - 1L;
                targets[k] = ids[base + t];
                k++;
            }
            tokens += e.tokens();
        }
        if (k != count) { // a completion-only row whose prompt is empty has no predictor for its first token
            positions = java.util.Arrays.copyOf(positions, k);
            targets = java.util.Arrays.copyOf(targets, k);
        }
        return new SftBatch(rows, length, ids, null, 0, null, positions, targets, tokens);
    }

    /**
     * An encoder–decoder batch: the prompt (with its EOS) is the encoder input; the decoder reads
     * {@code shift_right(completion)} (HF's {@code _shift_right}: the start id, then the completion
     * without its last token) and predicts every completion token.
     */
    public static SftBatch seq2seq(List<SftEncoder.Example> examples, long padId, long decoderStartId) {
        int rows = examples.size();
        int length = 0;
        int decoderLength = 0;
        int count = 0;
        for (SftEncoder.Example e : examples) {
            length = Math.max(length, e.prompt().length);
            decoderLength = Math.max(decoderLength, e.completion().length);
            count += e.completion().length;
        }
        long[] ids = new long[rows * length];
        long[] mask = new long[rows * length];
        long[] decoderIds = new long[rows * decoderLength];
        java.util.Arrays.fill(ids, padId);
        java.util.Arrays.fill(decoderIds, padId);
        long[] positions = new long[count];
        long[] targets = new long[count];
        long tokens = 0;
        int k = 0;
        for (int b = 0; b < rows; b++) {
            SftEncoder.Example e = examples.get(b);
            System.arraycopy(e.prompt(), 0, ids, b * length, e.prompt().length);
            java.util.Arrays.fill(mask, b * length, b * length + e.prompt().length, 1L);
            long[] c = e.completion();
            int base = b * decoderLength;
            decoderIds[base] = decoderStartId;
            // As transformers' _shift_right of labels padded with −100: a shorter row's EOS is also fed in
            // (at a position that predicts padding, so it changes no counted logit).
            System.arraycopy(c, 0, decoderIds, base + 1, Math.min(c.length, decoderLength - 1));
            for (int u = 0; u < c.length; u++) {
                positions[k] = base + u;
                targets[k] = c[u];
                k++;
            }
            tokens += e.tokens();
        }
        return new SftBatch(rows, length, ids, mask, decoderLength, decoderIds, positions, targets, tokens);
    }
}
