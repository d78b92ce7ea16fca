package trl4j.train.sft;

import java.nio.file.Path;
import java.util.Map;

/**
 * What {@link SftTrainer#train()} did.
 *
 * @param runDir the run folder
 * @param globalStep optimizer steps done (skipped ones included), counting those of earlier processes
 * @param totalSteps the steps the run plans
 * @param completed whether it reached {@code totalSteps} (false when stopped early; resume to finish)
 * @param trainLoss mean loss over the steps this call ran (HF's {@code train_loss}); NaN if none
 * @param skippedSteps steps the NaN guard skipped so far
 * @param lastEval the latest evaluation's metrics ({@code eval_loss}, {@code eval_rougeL}, ...); empty if none
 * @param finalModel {@code RUN/final}, or null when stopped early
 * @param bestCheckpoint the checkpoint with the best {@code metric_for_best_model}, or null
 * @param seconds wall time of this call
 * @param tokensPerSecond training tokens per second of this call (evaluation time included)
 */
public record SftResult(Path runDir, long globalStep, long totalSteps, boolean completed, double trainLoss, long skippedSteps,
        Map<String, Double> lastEval, Path finalModel, Path bestCheckpoint, double seconds, double tokensPerSecond) {

    public SftResult {
        lastEval = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(lastEval));
    }
}
