package trl4j.tensor;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.types.DataType;

/** Token-level cross-entropy with Hugging Face's conventions. */
public final class TokenLoss {

    /** Label value that takes no part in the loss (PyTorch's and HF's {@code ignore_index}). */
    public static final long IGNORE_INDEX = -100;

    private TokenLoss() {}

    /**
     * Mean cross-entropy over tokens whose label is not {@link #IGNORE_INDEX}.
     *
     * @param logits (B, T, V)
     * @param labels (B, T) int64, aligned with logits (shift beforehand for causal models)
     * @return scalar loss
     */
    public static NDArray meanCrossEntropy(NDArray logits, NDArray labels) {
        NDArray[] parts = sumAndCount(logits, labels);
        return parts[0].div(parts[1].maximum(1f));
    }

    /**
     * Sum of token cross-entropies and the number of counted tokens: for gradient accumulation, where
     * the mean must be taken over all micro-batches together.
     *
     * @return {sum (scalar float), count (scalar float)}
     */
    public static NDArray[] sumAndCount(NDArray logits, NDArray labels) {
        NDArray valid = labels.neq(IGNORE_INDEX);
        NDArray safe = NDArrays.where(valid, labels, labels.zerosLike()).toType(DataType.INT64, false);
        NDArray nll = LogProbs.gather(logits, safe).neg();
        NDArray validF = valid.toType(DataType.FLOAT32, false);
        return new NDArray[] {nll.mul(validF).sum(), validF.sum()};
    }

    /**
     * The causal-LM shift Hugging Face applies inside its models: logits[:, :-1] predict
     * labels[:, 1:]. Returns {shiftedLogits (B, T−1, V), shiftedLabels (B, T−1)}.
     */
    public static NDArray[] shiftForCausal(NDArray logits, NDArray labels) {
        long t = logits.getShape().get(1);
        return new NDArray[] {
            logits.get(":, :{}, :", t - 1), labels.get(":, 1:")
        };
    }
}
