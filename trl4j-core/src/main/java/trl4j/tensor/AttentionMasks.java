package trl4j.tensor;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;

/**
 * Additive attention biases built once per forward pass (not per layer): 0 where a query may attend
 * to a key, {@link #MASKED} where it may not.
 *
 * <p>We add {@code finfo(float32).min} once, as one bias, rather than a causal mask and a padding
 * mask separately (HF's sum of two minima overflows to −inf and a fully masked row becomes NaN, which
 * poisons gradients even at positions the loss ignores).
 */
public final class AttentionMasks {

    /** {@code torch.finfo(torch.float32).min}, the value Hugging Face uses for masked scores. */
    public static final float MASKED = -3.4028234663852886e38f;

    private AttentionMasks() {}

    /**
     * Causal + padding bias of shape (B, 1, T, K) for T new queries after {@code past} cached
     * positions: query i (absolute position past+i) sees key j iff j ≤ past+i and mask[b, j] = 1.
     *
     * @param keyMask (B, K) 0/1 mask over all K = past + T key positions (any integer or float type)
     */
    public static NDArray causal(NDManager manager, NDArray keyMask, int past, int queries) {
        long batch = keyMask.getShape().get(0);
        long keys = keyMask.getShape().get(1);
        NDArray keyPos = manager.arange(0, (int) keys, 1, DataType.INT64).reshape(1, 1, 1, keys);
        NDArray queryPos = manager.arange(past, past + queries, 1, DataType.INT64).reshape(1, 1, queries, 1);
        NDArray causal = keyPos.lte(queryPos); // (1, 1, T, K)
        NDArray padding = keyMask.toType(DataType.INT64, false).eq(1).reshape(batch, 1, 1, keys);
        return toBias(causal.logicalAnd(padding)); // (B, 1, T, K)
    }

    /**
     * Padding-only bias of shape (B, 1, 1, K), for bidirectional (encoder) and cross attention.
     *
     * @param keyMask (B, K) 0/1 mask
     */
    public static NDArray padding(NDManager manager, NDArray keyMask) {
        long batch = keyMask.getShape().get(0);
        long keys = keyMask.getShape().get(1);
        return toBias(keyMask.toType(DataType.INT64, false).eq(1).reshape(batch, 1, 1, keys));
    }

    /** Boolean "may attend" → 0 / {@link #MASKED}: (allowed − 1)·|MASKED|. */
    private static NDArray toBias(NDArray allowed) {
        return allowed.toType(DataType.FLOAT32, false).sub(1f).mul(-MASKED);
    }

    /**
     * Position ids for a left-padded batch as Hugging Face's generate computes them:
     * {@code cumsum(mask) − 1}, with 1 written at padded positions.
     *
     * @param mask (B, T) 0/1 int64
     */
    public static NDArray positionIds(NDArray mask) {
        NDArray m = mask.toType(DataType.INT64, false);
        NDArray pos = m.cumSum(1).sub(1);
        return NDArrays.where(m.eq(0), m.onesLike(), pos);
    }
}
