package trl4j.model;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.norm.Dropout;
import trl4j.tensor.Scalars;

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
            scores = scores.mul(Scalars.of(scores, scale)); // not mul(float): autograd keeps it (see Scalars)
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

    /**
     * Grouped-query attention (Ainslie et al. 2023): H query heads share Hkv key/value heads, query
     * head j reading kv head {@code j / (H / Hkv)} — Hugging Face's {@code repeat_kv}
     * (repeat_interleave: kv heads 0,0,1,1 for H = 4, Hkv = 2). Instead of copying keys and values
     * H/Hkv times, the G = H/Hkv query heads of one kv head are folded into the query axis, so one
     * batched matmul per kv head computes the same scores. With H = Hkv this is {@link #attend}.
     *
     * @param q (B, H, T, D)
     * @param k (B, Hkv, K, D)
     * @param v (B, Hkv, K, D)
     * @param bias additive bias broadcastable to (B, 1, T, K), or null
     * @return (B, H, T, D)
     */
    public static NDArray attendGrouped(NDArray q, NDArray k, NDArray v, NDArray bias, float scale, float dropout) {
        long heads = q.getShape().get(1);
        long kvHeads = k.getShape().get(1);
        if (heads == kvHeads) {
            return attend(q, k, v, bias, scale, dropout);
        }
        if (heads % kvHeads != 0) {
            throw new IllegalArgumentException(heads + " query heads cannot share " + kvHeads + " key/value heads");
        }
        long batch = q.getShape().get(0);
        long steps = q.getShape().get(2);
        long dim = q.getShape().get(3);
        long keys = k.getShape().get(2);
        long groups = heads / kvHeads;
        // Head j = kv·G + g, so heads are already grouped by kv head: (B, H, T, D) → (B, Hkv, G·T, D).
        NDArray scores = q.reshape(batch, kvHeads, groups * steps, dim).matMul(k.transpose(0, 1, 3, 2)); // (B, Hkv, G·T, K)
        if (scale != 1f) {
            scores = scores.mul(Scalars.of(scores, scale)); // not mul(float): autograd keeps it (see Scalars)
        }
        if (bias != null) {
            scores = scores.reshape(batch, kvHeads, groups, steps, keys) // (B, Hkv, G, T, K)
                    .add(bias.expandDims(2))                            // bias (B, 1, 1, T, K)
                    .reshape(batch, kvHeads, groups * steps, keys);
        }
        NDArray probs = scores.softmax(-1);
        if (dropout > 0) {
            probs = Dropout.dropout(probs, dropout, true).singletonOrThrow();
        }
        return probs.matMul(v).reshape(batch, heads, steps, dim); // (B, Hkv, G·T, D) → (B, H, T, D)
    }
}
