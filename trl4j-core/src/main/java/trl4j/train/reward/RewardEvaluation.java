package trl4j.train.reward;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import trl4j.data.Comparison;
import trl4j.train.reward.EncodedComparisons.Pair;

/**
 * A reward model scored on held-out comparisons: accuracy, margins and reward statistics overall and
 * per negative kind (debian-tldr's hard-negative kinds, SciTLDR's sentence kinds).
 *
 * @param overall metrics over every usable pair
 * @param byKind metrics per {@link Comparison#kind()}, in name order
 * @param identical comparisons left out because chosen equals rejected
 * @param chosenScores reward of each usable pair's chosen response (normalised), in pair order
 * @param rejectedScores reward of each rejected response
 */
public record RewardEvaluation(PairwiseMetrics overall, Map<String, PairwiseMetrics> byKind, long identical,
        double[] chosenScores, double[] rejectedScores) {

    /** Scores every pair of {@code data} with {@code model} (batched by length, no gradients). */
    public static RewardEvaluation of(RewardModel model, EncodedComparisons data, double centerCoefficient) {
        double[][] scores = model.scorePairs(data.pairs());
        return of(data, scores[0], scores[1], centerCoefficient);
    }

    /** Metrics of given scores (pure: the aggregation, testable by hand). */
    public static RewardEvaluation of(EncodedComparisons data, double[] chosen, double[] rejected, double centerCoefficient) {
        PairwiseMetrics.Accumulator all = new PairwiseMetrics.Accumulator(centerCoefficient);
        Map<String, PairwiseMetrics.Accumulator> kinds = new TreeMap<>();
        for (int i = 0; i < data.size(); i++) {
            Pair p = data.pairs().get(i);
            all.add(chosen[i], rejected[i], p.margin());
            kinds.computeIfAbsent(p.kind(), k -> new PairwiseMetrics.Accumulator(centerCoefficient))
                    .add(chosen[i], rejected[i], p.margin());
        }
        Map<String, PairwiseMetrics> byKind = new LinkedHashMap<>();
        kinds.forEach((k, a) -> byKind.put(k, a.result()));
        return new RewardEvaluation(all.result(), byKind, data.identical(), chosen, rejected);
    }

    /** Whether per-kind numbers say more than the overall ones (several kinds, or one named kind). */
    public boolean hasKinds() {
        return byKind.size() > 1 || (byKind.size() == 1 && !byKind.containsKey(Comparison.UNLABELLED));
    }

    /**
     * Metrics for metrics.jsonl: overall under {@code prefix} (e.g. {@code eval_accuracy}) and, when
     * there are kinds, per kind with the kind as suffix ({@code eval_accuracy/lead_copy}).
     */
    public Map<String, Double> toMetrics(String prefix) {
        Map<String, Double> m = new LinkedHashMap<>(overall.toMap(prefix, ""));
        if (hasKinds()) {
            byKind.forEach((kind, k) -> {
                m.put(prefix + "accuracy/" + kind, k.accuracy());
                m.put(prefix + "margin/" + kind, k.margin());
            });
        }
        return m;
    }

    /** A table for people: one line per kind and the total. */
    public String table() {
        StringBuilder b = new StringBuilder();
        b.append(String.format(java.util.Locale.ROOT, "%-22s %7s %9s %9s %9s %9s%n", "kind", "pairs", "accuracy", "margin",
                "chosen", "rejected"));
        if (hasKinds()) {
            byKind.forEach((kind, k) -> b.append(row(kind, k)));
        }
        b.append(row("all", overall));
        if (identical > 0) {
            b.append(identical).append(" comparison(s) with chosen = rejected skipped\n");
        }
        return b.toString();
    }

    private static String row(String name, PairwiseMetrics k) {
        return String.format(java.util.Locale.ROOT, "%-22s %7d %9.4f %9.4f %9.4f %9.4f%n", name, k.pairs(), k.accuracy(),
                k.margin(), k.chosenMean(), k.rejectedMean());
    }
}
