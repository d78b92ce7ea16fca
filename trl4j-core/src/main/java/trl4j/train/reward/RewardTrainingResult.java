package trl4j.train.reward;

import java.nio.file.Path;
import java.time.Duration;

/**
 * What {@link RewardTrainer#train()} did.
 *
 * @param runDir the run folder
 * @param finalModel {@code runDir/final} (the normalised reward model), or null when the run stopped
 *     before its last step (a signal or {@link RewardTrainer#stopAfter}); resume it to finish
 * @param globalStep optimizer steps done
 * @param totalSteps the run's planned steps
 * @param trainPairs usable training comparisons
 * @param identicalSkipped training and validation comparisons with chosen = rejected, left out
 * @param skippedSteps steps the NaN guard skipped
 * @param evaluation the final evaluation on the whole validation set (normalised scores), or null
 * @param referenceMean mean raw score of the normalisation references, or NaN when not normalised
 * @param time wall time of this call
 */
public record RewardTrainingResult(Path runDir, Path finalModel, long globalStep, long totalSteps, long trainPairs,
        long identicalSkipped, long skippedSteps, RewardEvaluation evaluation, double referenceMean, Duration time) {

    /** Whether the run reached its last step and wrote the final model. */
    public boolean finished() {
        return finalModel != null;
    }
}
