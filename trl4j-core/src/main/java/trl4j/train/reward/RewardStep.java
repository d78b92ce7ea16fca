package trl4j.train.reward;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import trl4j.model.ScoreModel;
import trl4j.model.SequenceClassifier;
import trl4j.train.reward.EncodedComparisons.Pair;
import trl4j.train.reward.RewardEncoder.Encoded;

/**
 * Forward and backward of one optimizer step over its pairs, gradients left in the parameters.
 *
 * <p>The step's pairs (all its micro-batches) are sorted by length and cut into forward passes of
 * {@code per_device_train_batch_size} pairs, each pass holding the chosen and the rejected sequences
 * of its pairs. The loss is the mean over the step's pairs, so regrouping the pairs changes nothing
 * but padding (the gradient sum is the same up to float rounding, and exactly the same on every
 * replay of the step, which exact resume needs).
 */
final class RewardStep {

    /**
     * What a step saw.
     *
     * @param loss the step's loss (mean over pairs)
     * @param accuracy fraction of pairs ordered right
     * @param margin mean r_chosen − r_rejected
     * @param meanReward mean of all rewards
     * @param tokens tokens processed (padding excluded)
     */
    record Stats(double loss, double accuracy, double margin, double meanReward, long tokens) {}

    private RewardStep() {}

    /** Runs the step's forward/backward passes over {@code rows} (indices into {@code data}). */
    static Stats run(ScoreModel model, EncodedComparisons data, int[] rows, int pairsPerPass, double centerCoefficient) {
        double loss = 0;
        long correct = 0;
        double margin = 0;
        double rewards = 0;
        long tokens = 0;
        for (int[] pass : passes(data, rows, pairsPerPass)) {
            List<Pair> pairs = new ArrayList<>(pass.length);
            float[] margins = new float[pass.length];
            boolean anyMargin = false;
            for (int i = 0; i < pass.length; i++) {
                Pair p = data.pairs().get(pass[i]);
                pairs.add(p);
                margins[i] = (float) p.margin();
                anyMargin |= p.margin() != 0;
                tokens += p.tokens();
            }
            try (NDManager batch = model.parameters().manager().newSubManager(); NDScope scope = new NDScope();
                    GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray scores = scores(model, batch, pairs); // (2n): chosen, then rejected
                int n = pass.length;
                NDArray chosen = scores.get("0:" + n);
                NDArray rejected = scores.get(n + ":");
                NDArray perPair = RewardLoss.perPair(chosen, rejected, anyMargin ? batch.create(margins) : null, centerCoefficient);
                NDArray share = RewardLoss.shareOfStep(perPair, rows.length);
                gc.backward(share);
                loss += share.getFloat();
                float[] c = chosen.toFloatArray();
                float[] r = rejected.toFloatArray();
                for (int i = 0; i < n; i++) {
                    correct += c[i] > r[i] ? 1 : 0;
                    margin += c[i] - r[i];
                    rewards += c[i] + r[i];
                }
            }
        }
        return new Stats(loss, (double) correct / rows.length, margin / rows.length, rewards / (2.0 * rows.length), tokens);
    }

    /** Scores (2n) of pairs, chosen then rejected: with a shared prefix pass where it applies. */
    static NDArray scores(ScoreModel model, NDManager manager, List<Pair> pairs) {
        if (SharedPrefix.applies(model, pairs)) {
            return SharedPrefix.scores((SequenceClassifier) model, manager, pairs);
        }
        List<Encoded> items = new ArrayList<>(2 * pairs.size());
        pairs.forEach(p -> items.add(p.chosen()));
        pairs.forEach(p -> items.add(p.rejected()));
        return ScoreBatch.scores(model, manager, items);
    }

    /** The step's rows, longest pairs first, in passes of {@code pairsPerPass}. */
    static List<int[]> passes(EncodedComparisons data, int[] rows, int pairsPerPass) {
        Integer[] order = Arrays.stream(rows).boxed().toArray(Integer[]::new);
        Arrays.sort(order, Comparator.comparingInt((Integer i) -> -data.pairs().get(i).tokens()).thenComparingInt(i -> i));
        List<int[]> out = new ArrayList<>();
        for (int from = 0; from < order.length; from += pairsPerPass) {
            int to = Math.min(order.length, from + pairsPerPass);
            int[] pass = new int[to - from];
            for (int i = from; i < to; i++) {
                pass[i - from] = order[i];
            }
            out.add(pass);
        }
        return out;
    }
}
