package trl4j.config;

/**
 * The settings every training stage shares, resolved from either config layout (see
 * {@link ConfigLoader}): model, tokenizer, optimizer, learning-rate schedule, loop and run. A stage
 * adds its own method record beside it ({@link StageConfig}).
 *
 * <p>Keys are Hugging Face / TRL names and every key is top level in the flat layout; the sections
 * group them in Java and in the printed config. Defaults are documented on each section record.
 */
public record TrainingConfig(ModelSettings model, TokenizerSettings tokenizer, OptimizerSettings optimizer,
        ScheduleSettings schedule, LoopSettings loop, RunSettings run) {

    public static final TrainingConfig DEFAULTS = new TrainingConfig(ModelSettings.DEFAULTS, TokenizerSettings.DEFAULTS,
            OptimizerSettings.DEFAULTS, ScheduleSettings.DEFAULTS, LoopSettings.DEFAULTS, RunSettings.DEFAULTS);

    public TrainingConfig {
        if (model == null || tokenizer == null || optimizer == null || schedule == null || loop == null || run == null) {
            throw new IllegalArgumentException("TrainingConfig: every section is required (use the DEFAULTS of a section)");
        }
    }
}
