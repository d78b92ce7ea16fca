package trl4j.train;

import trl4j.config.ScheduleSettings;
import trl4j.config.ScheduleSettings.SchedulerKwargs;
import trl4j.config.ScheduleSettings.Type;

/**
 * The learning rate of each optimizer step. As with torch's {@code LambdaLR} stepped after every
 * optimizer step (Hugging Face's Trainer), the step that follows {@code k} completed steps uses
 * {@code baseLr · λ(k)}: with warmup the very first update has learning rate 0.
 *
 * <p>λ for W warmup steps of N total (Hugging Face {@code get_*_schedule_with_warmup}):
 * <pre>
 * warmup (k &lt; W, all HF types but constant): k / max(1, W)
 * constant, constant_with_warmup:            1
 * linear:                                     max(0, (N − k) / max(1, N − W))
 * cosine:   p = (k − W) / max(1, N − W);      max(0, ½ (1 + cos(π · 2·num_cycles · p)))
 * </pre>
 * trlX's torch schedulers, in closed form (torch steps them recursively; equal up to rounding):
 * <pre>
 * cosine_annealing: eta_min + (base − eta_min) · ½ (1 + cos(π k / T_max))      (T_max default N)
 * linear_lr:        base · (start + (end − start) · min(k, total_iters) / total_iters)
 * </pre>
 *
 * @param totalSteps N, the optimizer steps of the whole run
 * @param warmupSteps W, already resolved from warmup_steps / warmup_ratio
 */
public record LrSchedule(Type type, double baseLr, long totalSteps, long warmupSteps, SchedulerKwargs kwargs) {

    public LrSchedule {
        if (!(baseLr > 0) || Double.isInfinite(baseLr) || totalSteps < 1 || warmupSteps < 0 || type == null || kwargs == null) {
            throw new IllegalArgumentException("LrSchedule: need a positive base lr and total steps >= 1, got lr " + baseLr
                    + ", " + totalSteps + " total steps, " + warmupSteps + " warmup steps");
        }
    }

    /** The schedule of a run of {@code totalSteps} optimizer steps. */
    public static LrSchedule of(ScheduleSettings settings, double baseLr, long totalSteps) {
        return new LrSchedule(settings.lrSchedulerType(), baseLr, totalSteps, settings.warmupSteps(totalSteps),
                settings.lrSchedulerKwargs());
    }

    /** Learning rate of the optimizer step that follows {@code completedSteps} earlier ones. */
    public double learningRate(long completedSteps) {
        long k = completedSteps;
        return switch (type) {
            case COSINE_ANNEALING -> {
                double tMax = kwargs.tMax() != null ? kwargs.tMax() : totalSteps;
                double etaMin = kwargs.etaMin();
                yield etaMin + (baseLr - etaMin) * (1 + Math.cos(Math.PI * k / tMax)) / 2;
            }
            case LINEAR_LR -> {
                double progress = (double) Math.min(k, kwargs.totalIters()) / kwargs.totalIters();
                yield baseLr * (kwargs.startFactor() + (kwargs.endFactor() - kwargs.startFactor()) * progress);
            }
            default -> baseLr * warmupOrDecay(k);
        };
    }

    private double warmupOrDecay(long k) {
        if (type == Type.CONSTANT) {
            return 1.0;
        }
        if (k < warmupSteps) {
            return (double) k / Math.max(1, warmupSteps);
        }
        double decaySteps = Math.max(1, totalSteps - warmupSteps);
        return switch (type) {
            case CONSTANT_WITH_WARMUP -> 1.0;
            case LINEAR -> Math.max(0.0, (totalSteps - k) / decaySteps);
            case COSINE -> Math.max(0.0, 0.5 * (1 + Math.cos(Math.PI * kwargs.numCycles() * 2 * ((k - warmupSteps) / decaySteps))));
            default -> throw new IllegalStateException("not a warmup schedule: " + type);
        };
    }
}
