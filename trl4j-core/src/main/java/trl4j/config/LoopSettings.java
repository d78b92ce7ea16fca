package trl4j.config;

/**
 * Batches, length of the run and update hygiene (trlX's {@code train} section, HF names).
 *
 * @param perDeviceTrainBatchSize rows per micro-batch; default 8 (HF). trlX: {@code train.batch_size}
 *     (with {@code train.minibatch_size}: the micro-batch, see {@link TrlxLayout}).
 * @param perDeviceEvalBatchSize rows per evaluation batch; default 8 (HF)
 * @param gradientAccumulationSteps micro-batches per optimizer step; default 1
 * @param numTrainEpochs passes over the training data (fractions allowed, as HF); default 3.0.
 *     trlX: {@code train.epochs}.
 * @param maxSteps optimizer steps; > 0 wins over the epochs (HF); default −1 = from the epochs.
 *     trlX: {@code train.total_steps}.
 * @param maxLength tokens per training sequence (longer ones are truncated); default 1024 (TRL).
 *     trlX: {@code train.seq_length}.
 * @param maxGradNorm global L2 norm gradients are clipped to; default 1.0 (HF); 0 = no clipping
 *     (trlX files default to 0: trlX does not clip)
 * @param maxConsecutiveNanSteps steps in a row whose loss or gradients are NaN/Inf (each skipped)
 *     before the run aborts; default 10
 */
public record LoopSettings(int perDeviceTrainBatchSize, int perDeviceEvalBatchSize, int gradientAccumulationSteps,
        double numTrainEpochs, long maxSteps, int maxLength, double maxGradNorm, int maxConsecutiveNanSteps) {

    public static final LoopSettings DEFAULTS = new LoopSettings(8, 8, 1, 3.0, -1, 1024, 1.0, 10);

    public LoopSettings {
        ConfigException.require(perDeviceTrainBatchSize >= 1, "per_device_train_batch_size", perDeviceTrainBatchSize, "must be >= 1");
        ConfigException.require(perDeviceEvalBatchSize >= 1, "per_device_eval_batch_size", perDeviceEvalBatchSize, "must be >= 1");
        ConfigException.require(gradientAccumulationSteps >= 1, "gradient_accumulation_steps", gradientAccumulationSteps, "must be >= 1");
        ConfigException.require(Double.isFinite(numTrainEpochs) && numTrainEpochs > 0, "num_train_epochs", numTrainEpochs, "must be > 0");
        ConfigException.require(maxSteps == -1 || maxSteps >= 1, "max_steps", maxSteps, "must be -1 (use the epochs) or >= 1");
        ConfigException.require(maxLength >= 1, "max_length", maxLength, "must be >= 1");
        ConfigException.require(Double.isFinite(maxGradNorm) && maxGradNorm >= 0, "max_grad_norm", maxGradNorm, "must be >= 0 (0 = no clipping)");
        ConfigException.require(maxConsecutiveNanSteps >= 1, "max_consecutive_nan_steps", maxConsecutiveNanSteps, "must be >= 1");
    }

    /** Rows per optimizer step: micro-batch × accumulation. */
    public int effectiveBatchSize() {
        return perDeviceTrainBatchSize * gradientAccumulationSteps;
    }

    /** Whether gradients are clipped. */
    public boolean clipsGradients() {
        return maxGradNorm > 0;
    }

    /**
     * Optimizer steps of the whole run, as HF's Trainer counts them: {@code max_steps} when set, else
     * ⌈epochs × max(1, ⌊micro-batches per epoch / accumulation⌋)⌉.
     */
    public long plannedSteps(long microBatchesPerEpoch) {
        if (maxSteps > 0) {
            return maxSteps;
        }
        long updatesPerEpoch = Math.max(1, microBatchesPerEpoch / gradientAccumulationSteps);
        return (long) Math.ceil(numTrainEpochs * updatesPerEpoch);
    }
}
