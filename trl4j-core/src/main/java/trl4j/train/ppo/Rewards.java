package trl4j.train.ppo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Per-token rewards of a rollout batch (Ziegler et al. 2019; Stiennon et al. 2020): every response token
 * pays −β·KL_t, and the sequence's score (the reward model's judgement) arrives at its last token, EOS
 * included, as trlX places it.
 */
public final class Rewards {

    private Rewards() {}

    /**
     * @param kl (B, T) per-token KL estimate
     * @param mask (B, T) float 1 on response tokens
     * @param scores (B) float scores, after clipping and scaling
     * @param klCoef β
     * @return (B, T) rewards, 0 after each row's end
     */
    public static NDArray perToken(NDArray kl, NDArray mask, NDArray scores, double klCoef) {
        NDArray penalty = kl.mul((float) -klCoef).mul(mask);
        return penalty.add(lastTokens(mask).mul(scores.reshape(scores.getShape().get(0), 1)));
    }

    /** (B, T) 1 at each row's last response token: mask_t − mask_{t+1} for a mask of leading ones. */
    public static NDArray lastTokens(NDArray mask) {
        long batch = mask.getShape().get(0);
        NDArray next = mask.get(":, 1:").concat(mask.getManager().zeros(new Shape(batch, 1), mask.getDataType()), 1);
        return mask.sub(next);
    }

    /** trlX's {@code cliprange_reward}: scores clipped to [−c, c]; null or 0 leaves them. */
    public static double[] clip(double[] scores, Double cliprange) {
        double[] out = scores.clone();
        if (cliprange == null || cliprange == 0) {
            return out;
        }
        for (int i = 0; i < out.length; i++) {
            out[i] = Math.max(-cliprange, Math.min(cliprange, out[i]));
        }
        return out;
    }

    /**
     * TRL's {@code missing_eos_penalty}: rows that did not end (neither EOS nor the stop token or
     * sequence, trl#3750) lose {@code penalty}; null leaves the scores.
     */
    public static double[] penalizeUnfinished(double[] scores, boolean[] ended, Double penalty) {
        double[] out = scores.clone();
        if (penalty == null) {
            return out;
        }
        for (int i = 0; i < out.length; i++) {
            if (!ended[i]) {
                out[i] -= penalty;
            }
        }
        return out;
    }
}
