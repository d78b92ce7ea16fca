package trl4j.tensor;

import ai.djl.ndarray.NDArray;

/**
 * Statistics over the positions a 0/1 mask selects (padding excluded), as TRL's {@code masked_mean},
 * {@code masked_var} and {@code masked_whiten}. Values and mask have the same shape; the mask is
 * float 0/1. Used for RL statistics (whitening advantages and rewards), not in a gradient path.
 */
public final class Masked {

    /** Added to the variance before the square root, as TRL. */
    public static final float EPSILON = 1e-8f;

    private Masked() {}

    /** Σ values·mask (scalar). */
    public static NDArray sum(NDArray values, NDArray mask) {
        return values.mul(mask).sum();
    }

    /** Σ values·mask / Σ mask (scalar). */
    public static NDArray mean(NDArray values, NDArray mask) {
        return values.mul(mask).sum().div(mask.sum());
    }

    /** Per-row Σ values·mask / Σ mask over the last axis: (B, T) → (B). */
    public static NDArray rowMean(NDArray values, NDArray mask) {
        return values.mul(mask).sum(new int[] {-1}).div(mask.sum(new int[] {-1}));
    }

    /**
     * Variance of the selected values; {@code unbiased} applies Bessel's correction n / (n − 1) as TRL's
     * default does.
     *
     * @throws IllegalArgumentException when the mask selects fewer than 2 values and {@code unbiased}
     */
    public static NDArray variance(NDArray values, NDArray mask, boolean unbiased) {
        NDArray centered = values.sub(mean(values, mask));
        NDArray variance = mean(centered.mul(centered), mask);
        if (!unbiased) {
            return variance;
        }
        float n = mask.sum().getFloat();
        if (n < 2) {
            throw new IllegalArgumentException("the unbiased variance needs at least 2 unmasked values, got " + n);
        }
        return variance.mul(n / (n - 1));
    }

    /**
     * {@code (values − mean) / √(var + 1e-8)} with masked mean and unbiased variance; with
     * {@code shiftMean = false} the mean is added back (TRL whitens rewards that way, keeping their
     * level). Masked positions are transformed too; callers zero them when they matter.
     */
    public static NDArray whiten(NDArray values, NDArray mask, boolean shiftMean) {
        NDArray mean = mean(values, mask);
        NDArray var = variance(values, mask, true);
        NDArray whitened = values.sub(mean).div(var.add(EPSILON).sqrt());
        return shiftMean ? whitened : whitened.add(mean);
    }
}
