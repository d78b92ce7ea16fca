package trl4j.train;

import java.util.ArrayList;
import java.util.List;
import trl4j.model.Parameters;

/**
 * The end of every training step, shared by all stages: global gradient norm → NaN guard → clipping
 * → learning rate from the schedule → AdamW update → gradients zeroed. A step whose loss or gradient
 * norm is not finite changes no weight and no optimizer state (it is counted by the {@link NanGuard}).
 *
 * <pre>{@code
 * Updater updater = new Updater(params, AdamW.create(params, cfg.optimizer()),
 *         LrSchedule.of(cfg.schedule(), cfg.optimizer().learningRate(), totalSteps),
 *         cfg.loop().maxGradNorm(), new NanGuard(cfg.loop().maxConsecutiveNanSteps()));
 * ... backward over the micro-batches ...
 * Updater.Result r = updater.apply(step, lossValue);   // step is 1-based
 * }</pre>
 */
public final class Updater {

    /**
     * What one update did.
     *
     * @param applied false when the step was skipped for a non-finite loss or gradient
     * @param gradNorm global gradient norm before clipping (HF's {@code grad_norm})
     * @param learningRate learning rate used (HF's {@code learning_rate})
     */
    public record Result(boolean applied, double gradNorm, double learningRate) {}

    private final Parameters params;
    private final AdamW optimizer;
    private final LrSchedule schedule;
    private final double maxGradNorm;
    private final NanGuard guard;
    private final List<String> trained;

    /**
     * @param maxGradNorm clip to this global norm; 0 = no clipping
     */
    public Updater(Parameters params, AdamW optimizer, LrSchedule schedule, double maxGradNorm, NanGuard guard) {
        this.params = params;
        this.optimizer = optimizer;
        this.schedule = schedule;
        this.maxGradNorm = maxGradNorm;
        this.guard = guard;
        List<String> names = new ArrayList<>();
        optimizer.groups().forEach(g -> names.addAll(g.parameters()));
        this.trained = List.copyOf(names);
    }

    /**
     * Finishes optimizer step {@code step} (1-based) whose gradients have been accumulated.
     *
     * @param loss the step's loss, checked for NaN/Inf (pass the value already computed for logging)
     */
    public Result apply(long step, double loss) {
        double lr = schedule.learningRate(step - 1);
        double norm = GradClipper.globalNorm(params, trained);
        if (!guard.admit(step, loss, norm)) {
            params.zeroGradients();
            return new Result(false, norm, lr);
        }
        if (maxGradNorm > 0) {
            GradClipper.scaleToNorm(params, trained, norm, maxGradNorm);
        }
        optimizer.step(lr);
        params.zeroGradients();
        return new Result(true, norm, lr);
    }

    public AdamW optimizer() {
        return optimizer;
    }

    public LrSchedule schedule() {
        return schedule;
    }

    public NanGuard guard() {
        return guard;
    }
}
