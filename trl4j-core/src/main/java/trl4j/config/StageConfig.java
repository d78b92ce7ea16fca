package trl4j.config;

/**
 * A stage's whole resolved config: the shared training settings and the stage's own method record
 * (e.g. SFT's {@code completion_only_loss}, PPO's {@code kl_coef}).
 *
 * @param stage stage name ("sft", "reward", "ppo")
 * @param training settings every stage shares
 * @param method the stage's own settings (trlX's {@code method} section)
 */
public record StageConfig<M extends Record>(String stage, TrainingConfig training, M method) {

    public StageConfig {
        if (stage == null || training == null || method == null) {
            throw new IllegalArgumentException("StageConfig: stage, training and method are required");
        }
    }
}
