package trl4j.train.ppo;

import java.util.Arrays;

/**
 * From a reward function's scores to the scores that enter the rewards, in trlX's and TRL's order:
 *
 * <ol>
 *   <li>Stiennon's baseline, when the prompt has a reference summary: score(response) − score(reference)
 *       (trlX's summarize_rlhf example);
 *   <li>{@code missing_eos_penalty} for responses that did not end (TRL);
 *   <li>{@code cliprange_reward}: clip to [−c, c] (trlX);
 *   <li>the first batch's mean and std become {@code ref_mean}/{@code ref_std} unless configured; the
 *       running moments take the batch (trlX);
 *   <li>{@code scale_reward}: divide by the running std ({@code running}) or by {@code ref_std}
 *       ({@code ref}); {@code none} leaves them (trlX; {@code ref_mean} is recorded, not subtracted, as
 *       there).
 * </ol>
 *
 * Stateful across iterations (running moments, reference statistics); {@link #restore} continues a
 * resumed run.
 */
public final class ScoreShaping {

    /** trlX's {@code scale_reward}. */
    public enum Scale { NONE, RUNNING, REF }

    /**
     * One batch's scores.
     *
     * @param raw what the reward function returned
     * @param penalized after the baseline and the missing-EOS penalty (TRL's {@code objective/scores})
     * @param shaped after clipping and scaling: what enters the rewards
     * @param batchMean mean of the clipped scores
     * @param batchStd unbiased std of the clipped scores
     */
    public record Scores(double[] raw, double[] penalized, double[] shaped, double batchMean, double batchStd) {}

    private final Scale scale;
    private final Double cliprange;
    private final Double missingEosPenalty;
    private final RunningMoments running = new RunningMoments();
    private Double refMean;
    private Double refStd;

    public ScoreShaping(Scale scale, Double cliprangeReward, Double missingEosPenalty, Double refMean, Double refStd) {
        this.scale = scale;
        this.cliprange = cliprangeReward;
        this.missingEosPenalty = missingEosPenalty;
        this.refMean = refMean;
        this.refStd = refStd;
    }

    /**
     * @param raw scores of the responses
     * @param baseline scores of the reference summaries, or null
     * @param ended whether each response ended (EOS or stop)
     */
    public Scores apply(double[] raw, double[] baseline, boolean[] ended) {
        for (int i = 0; i < raw.length; i++) {
            if (!Double.isFinite(raw[i]) || (baseline != null && !Double.isFinite(baseline[i]))) {
                throw new IllegalStateException("the reward function returned a non-finite score (" + raw[i]
                        + (baseline != null ? ", baseline " + baseline[i] : "") + ") for row " + i);
            }
        }
        double[] s = raw.clone();
        if (baseline != null) {
            for (int i = 0; i < s.length; i++) {
                s[i] -= baseline[i];
            }
        }
        double[] penalized = Rewards.penalizeUnfinished(s, ended, missingEosPenalty);
        double[] clipped = Rewards.clip(penalized, cliprange);
        RunningMoments.Batch batch = running.update(clipped);
        if (refMean == null || refStd == null) {
            refMean = refMean != null ? refMean : batch.mean();
            refStd = refStd != null ? refStd : batch.std();
        }
        double divisor = switch (scale) {
            case NONE -> 1;
            case RUNNING -> running.std();
            case REF -> refStd;
        };
        if (!(divisor > 0)) {
            throw new IllegalStateException("cannot scale rewards by a standard deviation of " + divisor
                    + " (all scores equal?); set ref_std or scale_reward: none");
        }
        double[] shaped = Arrays.stream(clipped).map(x -> x / divisor).toArray();
        return new Scores(raw, penalized, shaped, batch.mean(), batch.std());
    }

    public RunningMoments running() {
        return running;
    }

    public Double refMean() {
        return refMean;
    }

    public Double refStd() {
        return refStd;
    }

    /** Restores the state of a resumed run. */
    public void restore(double mean, double var, double std, double count, Double refMean, Double refStd) {
        running.restore(mean, var, std, count);
        this.refMean = refMean;
        this.refStd = refStd;
    }
}
