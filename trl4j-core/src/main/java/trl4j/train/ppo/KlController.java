package trl4j.train.ppo;

/**
 * The KL coefficient β of the per-token penalty −β·KL. Fixed, or adaptive as in Ziegler et al. 2019
 * (§2.2; trlX's and TRL's {@code AdaptiveKLController}): after each rollout batch,
 *
 * <pre>
 * e = clip(KL / target − 1, −0.2, 0.2)       β ← β · (1 + e · n / horizon)
 * </pre>
 *
 * with KL the batch's mean per-sequence KL and n its number of sequences, so β grows while the policy
 * drifts past the target and shrinks below it.
 */
public final class KlController {

    private final Double target;
    private final long horizon;
    private double value;

    private KlController(double initial, Double target, long horizon) {
        if (!(initial >= 0) || Double.isInfinite(initial)) {
            throw new IllegalArgumentException("the KL coefficient must be finite and >= 0, got " + initial);
        }
        if (target != null && !(target > 0)) {
            throw new IllegalArgumentException("the KL target must be > 0, got " + target);
        }
        if (target != null && horizon < 1) {
            throw new IllegalArgumentException("the KL horizon must be >= 1, got " + horizon);
        }
        this.value = initial;
        this.target = target;
        this.horizon = horizon;
    }

    public static KlController fixed(double klCoef) {
        return new KlController(klCoef, null, 1);
    }

    public static KlController adaptive(double initKlCoef, double target, long horizon) {
        return new KlController(initKlCoef, target, horizon);
    }

    /** trlX's rule: adaptive when a target is given. */
    public static KlController of(double klCoef, Double target, long horizon) {
        return target == null ? fixed(klCoef) : adaptive(klCoef, target, horizon);
    }

    /** β for the next rollout. */
    public double value() {
        return value;
    }

    public boolean adaptive() {
        return target != null;
    }

    public Double target() {
        return target;
    }

    /**
     * Updates β from the KL measured on a rollout batch.
     *
     * @param currentKl mean over sequences of the summed per-token KL
     * @param sequences sequences in the batch (Ziegler's n_steps)
     */
    public void update(double currentKl, long sequences) {
        if (target == null) {
            return;
        }
        double error = Math.max(-0.2, Math.min(0.2, currentKl / target - 1));
        value *= 1 + error * sequences / horizon;
    }

    /** Restores β of a resumed run. */
    public void restore(double klCoef) {
        this.value = klCoef;
    }
}
