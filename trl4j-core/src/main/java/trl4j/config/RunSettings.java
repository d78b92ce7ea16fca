package trl4j.config;

/**
 * Where a run writes, its seed, and how often it logs, evaluates and saves (HF names; trlX's
 * {@code train} section maps onto them).
 *
 * @param outputDir the run folder (metrics, checkpoints, final model); default "trainer_output"
 *     (HF; stages set their own). trlX: {@code train.checkpoint_dir}.
 * @param seed seed of every random choice (init, shuffling, dropout, sampling); default 42 (HF;
 *     trlX files default to 1000)
 * @param loggingSteps optimizer steps between metric lines; default 500 (HF)
 * @param evalStrategy when to evaluate; default steps (trl4j evaluates whenever a stage has
 *     validation data; HF's default is no)
 * @param evalSteps steps between evaluations; default null = {@code logging_steps} (HF), see
 *     {@link #evalInterval()}. trlX: {@code train.eval_interval}.
 * @param saveStrategy when to checkpoint; default steps (HF)
 * @param saveSteps steps between checkpoints; default 500 (HF). trlX: {@code train.checkpoint_interval}.
 * @param saveTotalLimit most checkpoints kept (the oldest go first, never the best); default null = all
 * @param metricForBestModel metric that picks the best checkpoint (e.g. {@code eval_loss}); default
 *     null = no best tracking
 * @param greaterIsBetter direction of that metric; default null = true unless its name ends in
 *     "loss" (HF)
 * @param resumeFromCheckpoint checkpoint folder to resume from, or "latest" for the newest one in
 *     the run folder; default null = start fresh
 */
public record RunSettings(String outputDir, long seed, int loggingSteps, Strategy evalStrategy, Integer evalSteps,
        Strategy saveStrategy, int saveSteps, Integer saveTotalLimit, String metricForBestModel,
        Boolean greaterIsBetter, String resumeFromCheckpoint) {

    /** When something periodic happens (HF's {@code IntervalStrategy}). */
    public enum Strategy { NO, STEPS, EPOCH }

    public static final RunSettings DEFAULTS = new RunSettings("trainer_output", 42, 500, Strategy.STEPS, null,
            Strategy.STEPS, 500, null, null, null, null);

    public RunSettings {
        ConfigException.require(outputDir != null && !outputDir.isBlank(), "output_dir", outputDir, "a run folder is required");
        ConfigException.require(loggingSteps >= 1, "logging_steps", loggingSteps, "must be >= 1");
        ConfigException.require(evalStrategy != null, "eval_strategy", null, "must be no, steps or epoch");
        ConfigException.require(saveStrategy != null, "save_strategy", null, "must be no, steps or epoch");
        ConfigException.require(evalSteps == null || evalSteps >= 1, "eval_steps", evalSteps, "must be >= 1 (or null = logging_steps)");
        ConfigException.require(saveSteps >= 1, "save_steps", saveSteps, "must be >= 1");
        ConfigException.require(saveTotalLimit == null || saveTotalLimit >= 1, "save_total_limit", saveTotalLimit,
                "must be >= 1 (or null to keep every checkpoint)");
        if (metricForBestModel != null && metricForBestModel.isBlank()) {
            metricForBestModel = null;
        }
        if (metricForBestModel == null) {
            greaterIsBetter = null;
        } else if (greaterIsBetter == null) {
            greaterIsBetter = !metricForBestModel.endsWith("loss");
        }
    }

    /** Steps between evaluations: {@code eval_steps}, or {@code logging_steps} when that is null (HF). */
    public int evalInterval() {
        return evalSteps != null ? evalSteps : loggingSteps;
    }

    /** Whether to log after optimizer step {@code step} (1-based). */
    public boolean logsAt(long step) {
        return step % loggingSteps == 0;
    }

    /** Whether to evaluate after optimizer step {@code step} (1-based) under the steps strategy. */
    public boolean evaluatesAt(long step) {
        return evalStrategy == Strategy.STEPS && step % evalInterval() == 0;
    }

    /** Whether to checkpoint after optimizer step {@code step} (1-based) under the steps strategy. */
    public boolean savesAt(long step) {
        return saveStrategy == Strategy.STEPS && step % saveSteps == 0;
    }
}
