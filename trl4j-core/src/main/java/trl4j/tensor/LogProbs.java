package trl4j.tensor;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/** Log-probabilities of chosen tokens, the quantity SFT, PPO and evaluation all start from. */
public final class LogProbs {

    private LogProbs() {}

    /**
     * {@code log_softmax(logits)[..., ids]}: logits (B, T, V), ids (B, T) int64 → (B, T).
     * One fused log-softmax and a gather; no (B, T, V) one-hot is built.
     */
    public static NDArray gather(NDArray logits, NDArray ids) {
        NDArray logp = logits.logSoftmax(-1);
        NDArray index = ids.toType(DataType.INT64, false).expandDims(-1);
        return logp.gather(index, -1).squeeze(-1);
    }

    /** Entropy of the softmax distribution over the last axis: (B, T, V) → (B, T). */
    public static NDArray entropy(NDArray logits) {
        NDArray logp = logits.logSoftmax(-1);
        return logp.exp().mul(logp).sum(new int[] {-1}).neg();
    }
}
