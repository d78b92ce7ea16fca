package trl4j.train.reward;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How well rewards order pairs: TRL's reward-trainer metrics over a set of comparisons.
 *
 * @param pairs comparisons counted
 * @param loss mean of the training loss terms (pairwise with margins, plus centering)
 * @param accuracy fraction with r_chosen &gt; r_rejected (a tie counts as wrong, as in TRL)
 * @param margin mean of r_chosen − r_rejected
 * @param chosenMean mean reward of the chosen responses
 * @param rejectedMean mean reward of the rejected responses
 * @param rewardMean mean over all 2·pairs rewards
 * @param rewardStd their population standard deviation
 * @param minReward smallest reward
 * @param maxReward largest reward
 */
public record PairwiseMetrics(long pairs, double loss, double accuracy, double margin, double chosenMean,
        double rejectedMean, double rewardMean, double rewardStd, double minReward, double maxReward) {

    /**
     * Metrics under TRL's keys ({@code loss}, {@code accuracy}, {@code margin}, {@code mean_reward},
     * {@code min_reward}, {@code max_reward}) plus {@code std_reward}, {@code rewards/chosen} and
     * {@code rewards/rejected}, each with {@code prefix} (e.g. "eval_") and {@code suffix} (e.g. "/lead_copy").
     */
    public Map<String, Double> toMap(String prefix, String suffix) {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put(prefix + "loss" + suffix, loss);
        m.put(prefix + "accuracy" + suffix, accuracy);
        m.put(prefix + "margin" + suffix, margin);
        m.put(prefix + "mean_reward" + suffix, rewardMean);
        m.put(prefix + "std_reward" + suffix, rewardStd);
        m.put(prefix + "min_reward" + suffix, minReward);
        m.put(prefix + "max_reward" + suffix, maxReward);
        m.put(prefix + "rewards/chosen" + suffix, chosenMean);
        m.put(prefix + "rewards/rejected" + suffix, rejectedMean);
        return m;
    }

    /** Sums pairs one at a time. */
    public static final class Accumulator {
        private final double centerCoefficient;
        private long pairs;
        private long correct;
        private double loss;
        private double margin;
        private double chosen;
        private double rejected;
        private double sumSquares;
        private double min = Double.POSITIVE_INFINITY;
        private double max = Double.NEGATIVE_INFINITY;

        public Accumulator(double centerCoefficient) {
            this.centerCoefficient = centerCoefficient;
        }

        /** Adds one pair's rewards; {@code pairMargin} is its data margin (0 when none). */
        public void add(double rChosen, double rRejected, double pairMargin) {
            pairs++;
            if (rChosen > rRejected) {
                correct++;
            }
            loss += RewardLoss.perPair(rChosen, rRejected, pairMargin, centerCoefficient);
            margin += rChosen - rRejected;
            chosen += rChosen;
            rejected += rRejected;
            sumSquares += rChosen * rChosen + rRejected * rRejected;
            min = Math.min(min, Math.min(rChosen, rRejected));
            max = Math.max(max, Math.max(rChosen, rRejected));
        }

        public long pairs() {
            return pairs;
        }

        public PairwiseMetrics result() {
            if (pairs == 0) {
                return new PairwiseMetrics(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
                        Double.NaN, Double.NaN, Double.NaN);
            }
            double n = pairs;
            double mean = (chosen + rejected) / (2 * n);
            double variance = Math.max(0, sumSquares / (2 * n) - mean * mean);
            return new PairwiseMetrics(pairs, loss / n, correct / n, margin / n, chosen / n, rejected / n, mean,
                    Math.sqrt(variance), min, max);
        }
    }
}
