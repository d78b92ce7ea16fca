package trl4j.model;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.norm.Dropout;

/** Scaled dot-product attention shared by every architecture. */
public final class Attention {

    private Attention() {}

    /**
     * {@code softmax(scale · q·kᵀ + bias) · v} with the softmax in float32.
     *
     * @param q (B, H, T, D)
     * @param k (B, H, K, D) (grouped-query callers repeat kv heads first)
     * @param v (B, H, K, D)
     * @param bias additive bias broadcastable to (B, H, T, K) (mask and/or relative position bias), or null
     * @param scale 1/√D for GPT-2 and Llama, 1 for T5
     * @param dropout attention-probability dropout rate (0 in evaluation)
     * @return (B, H, T, D)
     */
    public static NDArray attend(NDArray q, NDArray k, NDArray v, NDArray bias, float scale, float dropout) {
        NDArray scores = q.matMul(k.transpose(0, 1, 3, 2)); // (B, H, T, K)
        if (scale != 1f) {
            scores = scores.mul(scale);
        }
        if (bias != null) {
            scores = scores.add(bias);
        }
        NDArray probs = scores.softmax(-1);
        if (dropout > 0) {
            probs = Dropout.dropout(probs, dropout, true).singletonOrThrow();
        }
        return probs.matMul(v);
    }
}
