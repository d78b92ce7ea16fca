package trl4j.train.ppo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import trl4j.tensor.GradMode;
import trl4j.tensor.Scalars;

/**
 * The clipped PPO objectives (Schulman et al. 2017) as TRL and trlX compute them, over the response
 * tokens of a (mini-)batch. Each returns the loss (in the autograd graph) and its statistics.
 *
 * <p>Losses are token means: Σ(term · mask) / {@code tokens}. Passing the token count of the whole
 * minibatch as {@code tokens} for each of its micro-batches makes the summed gradients those of one pass
 * over the minibatch (gradient accumulation without the mean-of-means bias); {@link #tokens} of the mask
 * gives the plain mean.
 */
public final class PpoLoss {

    /**
     * A policy-loss evaluation.
     *
     * @param loss scalar mean of max(−A·ρ, −A·clip(ρ, 1 ± ε)), differentiable
     * @param clipfrac share of tokens where the clipped term was the larger (TRL {@code policy/clipfrac})
     * @param approxKl ½·mean((log ρ)²) (TRL {@code policy/approxkl})
     * @param ratio mean ρ (TRL {@code val/ratio})
     */
    public record Policy(NDArray loss, double clipfrac, double approxKl, double ratio) {}

    /**
     * A value-loss evaluation.
     *
     * @param loss scalar ½·mean(max((V − R)², (clip(V, V_old ± ε_v) − R)²)), differentiable
     * @param clipfrac share of tokens where the clipped error was the larger (TRL {@code val/clipfrac})
     */
    public record Value(NDArray loss, double clipfrac) {}

    private PpoLoss() {}

    /**
     * @param logprobs (B, T) log π_θ(a_t) under the current weights (in the graph)
     * @param oldLogprobs (B, T) log π at rollout time
     * @param advantages (B, T)
     * @param mask (B, T) float 1 on response tokens
     * @param cliprange ε
     * @param tokens the denominator of the means
     */
    public static Policy policy(NDArray logprobs, NDArray oldLogprobs, NDArray advantages, NDArray mask, double cliprange,
            double tokens) {
        NDArray logRatio = logprobs.sub(oldLogprobs);
        NDArray ratio = logRatio.exp();
        NDArray unclipped = advantages.neg().mul(ratio);
        NDArray clipped = advantages.neg().mul(clamp(ratio, 1 - cliprange, 1 + cliprange));
        NDArray loss = unclipped.maximum(clipped).mul(mask).sum().div(Scalars.of(logprobs, (float) tokens));
        try (GradMode noGrad = GradMode.disabled()) {
            double clipfrac = clipped.gt(unclipped).toType(DataType.FLOAT32, false).mul(mask).sum().getFloat() / tokens;
            double approxKl = 0.5 * logRatio.mul(logRatio).mul(mask).sum().getFloat() / tokens;
            double meanRatio = ratio.mul(mask).sum().getFloat() / tokens;
            return new Policy(loss, clipfrac, approxKl, meanRatio);
        }
    }

    /**
     * @param values (B, T) V_θ(s_t) under the current weights (in the graph)
     * @param oldValues (B, T) values at rollout time
     * @param returns (B, T) GAE returns
     * @param mask (B, T) float 1 on response tokens
     * @param cliprangeValue ε_v
     * @param tokens the denominator of the means
     */
    public static Value value(NDArray values, NDArray oldValues, NDArray returns, NDArray mask, double cliprangeValue,
            double tokens) {
        NDArray clippedValues = oldValues.add(clamp(values.sub(oldValues), -cliprangeValue, cliprangeValue));
        NDArray error = values.sub(returns);
        NDArray clippedError = clippedValues.sub(returns);
        NDArray squared = error.mul(error);
        NDArray clippedSquared = clippedError.mul(clippedError);
        NDArray loss = squared.maximum(clippedSquared).mul(mask).sum().div(Scalars.of(values, (float) (2 * tokens)));
        try (GradMode noGrad = GradMode.disabled()) {
            double clipfrac = clippedSquared.gt(squared).toType(DataType.FLOAT32, false).mul(mask).sum().getFloat() / tokens;
            return new Value(loss, clipfrac);
        }
    }

    /**
     * clamp(x, lo, hi) with torch-owned bounds: DJL's {@code clip(Number, Number)} wraps the bounds in
     * Java-owned buffers that autograd keeps for the backward pass (see {@link Scalars}).
     */
    static NDArray clamp(NDArray x, double lo, double hi) {
        return x.maximum(Scalars.of(x, (float) lo)).minimum(Scalars.of(x, (float) hi));
    }

    /** Number of response tokens a mask selects. */
    public static double tokens(NDArray mask) {
        return mask.sum().getFloat();
    }
}
