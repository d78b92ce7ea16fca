package trl4j.pipeline;

import java.util.List;
import java.util.Map;

/**
 * Everything the pipeline measured, as written to {@code results.json} (one object per policy row,
 * plus stage timings) and rendered into the report.
 */
public record PipelineResults(
        String preset,
        String finishedAt,
        String machine,
        String version,
        List<PolicyRow> policies,
        Map<String, Double> winRates,
        RewardModelRow rewardModel,
        List<StageTiming> stages,
        List<OveroptimisationPoint> overoptimisation,
        List<Sample> samples,
        String goldJudge) {

    /** One summariser on the test subset. Null fields do not apply (no KL for a baseline). */
    public record PolicyRow(String name, double rouge1, double rouge2, double rougeL, double rewardModelScore,
            double goldScore, Double klToSft, double meanWords, Double eosRate, int examples) {}

    /** Held-out accuracy of the reward model, overall, per negative kind, and on gold-labelled pairs. */
    public record RewardModelRow(double accuracy, Map<String, Double> accuracyByKind, Double goldLabelledAccuracy,
            int validationPairs, Double normalisationOffset) {}

    /** Wall-clock time of a stage; {@code skipped} when its finished output already existed. */
    public record StageTiming(String stage, double seconds, boolean skipped) {}

    /** The proxy (reward model) and true (gold) scores of a PPO checkpoint as its KL to SFT grows (Gao et al. 2022). */
    public record OveroptimisationPoint(long step, double kl, double rewardModelScore, double goldScore) {}

    /** One test document with every summariser's output and scores. */
    public record Sample(String document, String reference, Map<String, String> summaries, Map<String, Double> rewardScores,
            Map<String, Double> goldScores) {}
}
