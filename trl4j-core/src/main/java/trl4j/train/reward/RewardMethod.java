package trl4j.train.reward;

import java.util.Map;
import java.util.Set;
import trl4j.config.ConfigException;
import trl4j.config.ConfigLoader;
import trl4j.config.StageSchema;

/**
 * The reward stage's own settings (top-level keys in TRL's flat layout, under {@code method:} in
 * trlX's). Shared settings (model, tokenizer, optimizer, schedule, loop, run) come from
 * {@link trl4j.config.TrainingConfig}; {@code max_length} and {@code truncation_side} there decide how
 * (prompt, response) texts are cut (see {@link RewardModel}).
 *
 * @param trainFile comparisons to train on (JSONL/JSON/CSV/Parquet, plain or gz/xz/zst); required
 * @param validationFile held-out comparisons: evaluation during and after training, and (unless
 *     {@code normalization_file} is set) the reference summaries of the normalisation; default null
 *     = no evaluation, no normalisation
 * @param datasetFormat the files' format: a comparison format of {@code trl4j data} ({@code preference},
 *     {@code summarize-from-feedback}, {@code debian-comparisons}), {@code scored} (rows with several
 *     scored candidates) or {@code scitldr} (see {@link ScoredPairs}); default null = detect from the
 *     first row
 * @param centerRewardsCoefficient TRL's {@code center_rewards_coefficient}: adds coef · mean((r_c + r_r)²)
 *     to the loss; default null = off
 * @param disableDropout train with dropout off (TRL's {@code disable_dropout}); default true
 * @param appendEosToken end every (prompt, response) text with the EOS token, so the score is read at
 *     the same kind of position for every response (TRL's reward trainer does it); default true
 * @param normalize after training, shift scores so the reference summaries score mean 0 (Stiennon
 *     et al.); default true
 * @param normalizationFile references for the normalisation (a prompt/completion or references file,
 *     e.g. the SFT validation split); default null = the chosen summaries of {@code validation_file}
 * @param evalMaxComparisons comparisons of the validation set scored at each {@code eval_steps} (the
 *     first ones in file order); default 0 = all. The final evaluation always scores all.
 * @param maxPairsPerPrompt {@code scored} format: most pairs made from one row; default 0 = all
 * @param minScoreGap {@code scored} format: smallest score difference that makes a pair (ties and
 *     closer pairs are skipped and counted); default 0
 * @param negativesPerTarget {@code scitldr} format: source sentences each TLDR is paired with, the
 *     closest first; default 1
 */
public record RewardMethod(String trainFile, String validationFile, String datasetFormat,
        Double centerRewardsCoefficient, boolean disableDropout, boolean appendEosToken, boolean normalize,
        String normalizationFile, int evalMaxComparisons, int maxPairsPerPrompt, double minScoreGap,
        int negativesPerTarget) {

    public static final RewardMethod DEFAULTS = new RewardMethod(null, null, null, null, true, true, true, null, 0, 0, 0, 1);

    /** The reward stage's config schema: TRL's names; output in runs/reward unless set. */
    public static final StageSchema<RewardMethod> SCHEMA = new StageSchema<>("reward", RewardMethod.class, DEFAULTS,
            Set.of("rewardconfig"), Map.of(), Map.of("output_dir", "runs/reward", "learning_rate", 1e-5,
                    "metric_for_best_model", "eval_accuracy"));

    public RewardMethod {
        ConfigException.require(centerRewardsCoefficient == null || (Double.isFinite(centerRewardsCoefficient)
                && centerRewardsCoefficient >= 0), "center_rewards_coefficient", centerRewardsCoefficient, "must be >= 0");
        ConfigException.require(evalMaxComparisons >= 0, "eval_max_comparisons", evalMaxComparisons, "must be >= 0 (0 = all)");
        ConfigException.require(maxPairsPerPrompt >= 0, "max_pairs_per_prompt", maxPairsPerPrompt, "must be >= 0 (0 = all)");
        ConfigException.require(Double.isFinite(minScoreGap) && minScoreGap >= 0, "min_score_gap", minScoreGap, "must be >= 0");
        ConfigException.require(negativesPerTarget >= 1, "negatives_per_target", negativesPerTarget, "must be >= 1");
        if (trainFile != null && trainFile.isBlank()) {
            trainFile = null;
        }
        if (validationFile != null && validationFile.isBlank()) {
            validationFile = null;
        }
    }

    /** The coefficient, 0 when centering is off. */
    public double centerCoefficient() {
        return centerRewardsCoefficient == null ? 0 : centerRewardsCoefficient;
    }

    /** A loader of reward configs (either layout, dotted overrides). */
    public static ConfigLoader<RewardMethod> loader() {
        return new ConfigLoader<>(SCHEMA);
    }
}
