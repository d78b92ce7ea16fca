package trl4j.train.reward;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;
import trl4j.tensor.Scalars;

/**
 * The reward model's loss, as small pure functions (Stiennon et al. 2020, eq. 1; TRL's
 * {@code RewardTrainer.compute_loss}):
 *
 * <pre>
 *   loss = mean over pairs of  −log σ(r_chosen − r_rejected − margin)
 *        + center_rewards_coefficient · mean over pairs of (r_chosen + r_rejected)²
 * </pre>
 *
 * The Bradley–Terry term makes P(chosen ≻ rejected) = σ(r_c − r_r); the optional per-pair margin
 * (TRL, from Llama 2's reward models) asks for a larger gap where the labellers' preference was
 * stronger; the centering term (TRL, Eisenstein et al. 2023) keeps rewards near zero mean, since the
 * pairwise term only sees differences.
 */
public final class RewardLoss {

    private RewardLoss() {}

    /** −log σ(r_c − r_r − margin) of one pair, computed stably (softplus of the negated gap). */
    public static double pairwise(double chosen, double rejected, double margin) {
        return softplus(-(chosen - rejected - margin));
    }

    /** −log σ(r_c − r_r) of one pair. */
    public static double pairwise(double chosen, double rejected) {
        return pairwise(chosen, rejected, 0);
    }

    /** The centering term of one pair before the coefficient: (r_c + r_r)². */
    public static double centering(double chosen, double rejected) {
        double s = chosen + rejected;
        return s * s;
    }

    /** The loss of one pair: pairwise + coefficient · centering. */
    public static double perPair(double chosen, double rejected, double margin, double centerCoefficient) {
        return pairwise(chosen, rejected, margin) + centerCoefficient * centering(chosen, rejected);
    }

    /** log(1 + eˣ) without overflow. */
    static double softplus(double x) {
        return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
    }

    /**
     * Per-pair losses of a batch, differentiable: (B) → (B).
     *
     * @param chosen (B) scores of the chosen responses
     * @param rejected (B) scores of the rejected responses
     * @param margin (B) per-pair margins, or null for none
     * @param centerCoefficient TRL's {@code center_rewards_coefficient}; 0 = no centering
     */
    public static NDArray perPair(NDArray chosen, NDArray rejected, NDArray margin, double centerCoefficient) {
        NDArray gap = chosen.sub(rejected);
        if (margin != null) {
            gap = gap.sub(margin);
        }
        // −log σ(x) = softplus(−x); torch's softplus is stable and has the right gradient at 0.
        NDArray loss = Activation.softPlus(gap.neg());
        if (centerCoefficient != 0) {
            // Scalars.of, not mul(double): autograd keeps the factor for backward (see Scalars).
            loss = loss.add(chosen.add(rejected).square().mul(Scalars.of(chosen, (float) centerCoefficient)));
        }
        return loss;
    }

    /**
     * A micro-batch's share of the step loss: the sum of its per-pair losses divided by the pairs of
     * the whole accumulated step, so the gradients summed over micro-batches are those of the mean
     * over all pairs of the step.
     */
    public static NDArray shareOfStep(NDArray perPairLosses, long pairsInStep) {
        return perPairLosses.sum().div(Scalars.of(perPairLosses, (float) pairsInStep));
    }
}
