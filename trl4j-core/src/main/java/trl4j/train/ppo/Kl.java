package trl4j.train.ppo;

import ai.djl.ndarray.NDArray;

/**
 * Per-token estimates of KL(π‖π_ref) from the log-probabilities of the sampled tokens, the penalty
 * that keeps the policy near its reference (Ziegler et al. 2019; estimators as in Schulman's "Approximating
 * KL divergence", 2020, and TRL's {@code kl_estimator}).
 */
public final class Kl {

    /** Which estimator: TRL's {@code kl_estimator} values. */
    public enum Estimator {
        /** log π − log π_ref: unbiased, per token possibly negative (TRL's and trlX's penalty). */
        K1,
        /** (r − 1) − log r with r = π_ref/π: unbiased, never negative, lower variance. */
        K3
    }

    private Kl() {}

    /** k1 = logprobs − refLogprobs, elementwise. */
    public static NDArray k1(NDArray logprobs, NDArray refLogprobs) {
        return logprobs.sub(refLogprobs);
    }

    /** k3 = (exp(refLogprobs − logprobs) − 1) − (refLogprobs − logprobs), elementwise. */
    public static NDArray k3(NDArray logprobs, NDArray refLogprobs) {
        NDArray logRatio = refLogprobs.sub(logprobs);
        return logRatio.exp().sub(1f).sub(logRatio);
    }

    public static NDArray estimate(Estimator estimator, NDArray logprobs, NDArray refLogprobs) {
        return estimator == Estimator.K1 ? k1(logprobs, refLogprobs) : k3(logprobs, refLogprobs);
    }
}
