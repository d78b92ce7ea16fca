package trl4j.train.reward;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;
import trl4j.model.ScoreModel;
import trl4j.train.reward.RewardEncoder.Encoded;

/**
 * Right-padded model inputs of encoded items, and the scores of a model on them. Right padding with
 * the model's pad id is what Hugging Face's last-non-pad rule expects.
 */
final class ScoreBatch {

    private ScoreBatch() {}

    /**
     * Scores (B) of items, differentiable when grad mode is on: one forward pass, inputs created in
     * {@code manager}.
     */
    static NDArray scores(ScoreModel model, NDManager manager, List<Encoded> items) {
        int pad = padId(model, items.size());
        NDArray[] input = pad(manager, items.stream().map(Encoded::input).toList(), pad);
        NDArray[] decoder = model.isEncoderDecoder()
                ? pad(manager, items.stream().map(Encoded::decoder).toList(), pad) : new NDArray[2];
        NDArray s = model.scores(input[0], input[1], decoder[0], decoder[1]); // (B, num_labels)
        return s.get(":, 0"); // (B): the reward is the first (only) label
    }

    private static int padId(ScoreModel model, int batch) {
        if (model.padTokenId() != null) {
            return model.padTokenId();
        }
        if (batch > 1) {
            throw new IllegalStateException("the model has no pad_token_id: score one item at a time");
        }
        return 0; // nothing is padded in a batch of one
    }

    /** {ids (B, W), mask (B, W)} of rows right-padded to the longest. */
    static NDArray[] pad(NDManager manager, List<int[]> rows, int padId) {
        int width = rows.stream().mapToInt(r -> r.length).max().orElse(0);
        long[] ids = new long[rows.size() * width];
        long[] mask = new long[ids.length];
        Arrays.fill(ids, padId);
        boolean padded = false;
        for (int b = 0; b < rows.size(); b++) {
            int[] r = rows.get(b);
            for (int t = 0; t < r.length; t++) {
                ids[b * width + t] = r[t];
                mask[b * width + t] = 1;
            }
            padded |= r.length < width;
        }
        Shape shape = new Shape(rows.size(), width);
        return new NDArray[] {manager.create(ids, shape), padded ? manager.create(mask, shape) : null};
    }

    /**
     * Indices of items in batches of at most {@code batchSize}, longest first, so each batch pads
     * little. The order within a batch does not change a score (rows are independent).
     */
    static List<int[]> byLength(List<Encoded> items, int batchSize) {
        Integer[] order = IntStream.range(0, items.size()).boxed().toArray(Integer[]::new);
        Arrays.sort(order, Comparator.comparingInt((Integer i) -> -items.get(i).tokens()).thenComparingInt(i -> i));
        int batches = (items.size() + batchSize - 1) / batchSize;
        return IntStream.range(0, batches).mapToObj(b -> {
            int from = b * batchSize;
            int to = Math.min(items.size(), from + batchSize);
            int[] idx = new int[to - from];
            for (int i = from; i < to; i++) {
                idx[i - from] = order[i];
            }
            return idx;
        }).toList();
    }
}
