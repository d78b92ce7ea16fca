package trl4j.config;

/**
 * The learning-rate schedule. Names are Hugging Face's ({@code lr_scheduler_type},
 * {@code warmup_steps}, {@code warmup_ratio}, {@code lr_scheduler_kwargs}); trlX's
 * {@code scheduler{name, kwargs}} maps onto them ({@code cosine_annealing} stays, trlX's
 * {@code linear} — torch's {@code LinearLR} — becomes {@code linear_lr}).
 *
 * @param lrSchedulerType default linear (HF)
 * @param warmupSteps linear warmup from 0 over this many steps; default 0. Wins over the ratio
 *     when > 0, as in HF.
 * @param warmupRatio warmup as a fraction of the total steps (rounded up); default 0.0
 * @param lrSchedulerKwargs extra parameters of some schedule types
 */
public record ScheduleSettings(Type lrSchedulerType, int warmupSteps, double warmupRatio,
        SchedulerKwargs lrSchedulerKwargs) {

    /** Schedule shapes: HF's {@code get_*_schedule_with_warmup} and trlX's torch schedulers. */
    public enum Type {
        /** lr constant (HF constant). */
        CONSTANT,
        /** linear warmup, then constant (HF). */
        CONSTANT_WITH_WARMUP,
        /** linear warmup, then linear decay to 0 at the last step (HF). */
        LINEAR,
        /** linear warmup, then half a cosine to 0 ({@code num_cycles} = 0.5) (HF). */
        COSINE,
        /** torch {@code CosineAnnealingLR(T_max, eta_min)}, no warmup (trlX's default). */
        COSINE_ANNEALING,
        /** torch {@code LinearLR(start_factor, end_factor, total_iters)}, no warmup (trlX's linear). */
        LINEAR_LR
    }

    public static final ScheduleSettings DEFAULTS = new ScheduleSettings(Type.LINEAR, 0, 0.0, SchedulerKwargs.DEFAULTS);

    public ScheduleSettings {
        ConfigException.require(lrSchedulerType != null, "lr_scheduler_type", null, "a schedule type is required");
        ConfigException.require(warmupSteps >= 0, "warmup_steps", warmupSteps, "must be >= 0");
        ConfigException.require(warmupRatio >= 0 && warmupRatio <= 1, "warmup_ratio", warmupRatio, "must be in [0, 1]");
        if (lrSchedulerKwargs == null) {
            lrSchedulerKwargs = SchedulerKwargs.DEFAULTS;
        }
        boolean torchScheduler = lrSchedulerType == Type.COSINE_ANNEALING || lrSchedulerType == Type.LINEAR_LR;
        ConfigException.require(!torchScheduler || warmupSteps == 0, "warmup_steps", warmupSteps,
                "has no effect with " + RecordBinder.configName(lrSchedulerType) + " (use cosine or linear for warmup)");
        ConfigException.require(!torchScheduler || warmupRatio == 0, "warmup_ratio", warmupRatio,
                "has no effect with " + RecordBinder.configName(lrSchedulerType) + " (use cosine or linear for warmup)");
    }

    /**
     * Warmup steps for a run of {@code totalSteps}: {@code warmup_steps} if > 0, else
     * ⌈total × warmup_ratio⌉ (HF {@code TrainingArguments.get_warmup_steps}).
     */
    public long warmupSteps(long totalSteps) {
        return warmupSteps > 0 ? warmupSteps : (long) Math.ceil(totalSteps * warmupRatio);
    }

    /**
     * Parameters of particular schedule types (HF's free-form {@code lr_scheduler_kwargs}, typed here;
     * trlX's {@code scheduler.kwargs}).
     *
     * @param tMax {@code cosine_annealing}: steps of half a cosine period; default null = the run's
     *     total steps (trlX configs usually give it, e.g. 1e12 for "constant")
     * @param etaMin {@code cosine_annealing}: the lowest learning rate; default 0.0 (torch)
     * @param numCycles {@code cosine}: number of cosine periods over the decay; default 0.5 (HF)
     * @param startFactor {@code linear_lr}: first multiplier; default 1/3 (torch)
     * @param endFactor {@code linear_lr}: last multiplier; default 1.0 (torch)
     * @param totalIters {@code linear_lr}: steps from the first to the last multiplier; default 5 (torch)
     */
    public record SchedulerKwargs(@ConfigKey("T_max") Double tMax, double etaMin, double numCycles,
            double startFactor, double endFactor, int totalIters) {

        public static final SchedulerKwargs DEFAULTS = new SchedulerKwargs(null, 0.0, 0.5, 1.0 / 3, 1.0, 5);

        public SchedulerKwargs {
            ConfigException.require(tMax == null || tMax > 0, "T_max", tMax, "must be > 0");
            ConfigException.require(Double.isFinite(etaMin) && etaMin >= 0, "eta_min", etaMin, "must be >= 0");
            ConfigException.require(numCycles > 0, "num_cycles", numCycles, "must be > 0");
            ConfigException.require(startFactor > 0 && startFactor <= 1, "start_factor", startFactor, "must be in (0, 1] (torch LinearLR)");
            ConfigException.require(endFactor >= 0 && endFactor <= 1, "end_factor", endFactor, "must be in [0, 1] (torch LinearLR)");
            ConfigException.require(totalIters >= 1, "total_iters", totalIters, "must be >= 1");
        }
    }
}
