package trl4j.train.sft;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import trl4j.model.CausalLm;
import trl4j.model.LanguageModel;
import trl4j.model.Seq2SeqLm;
import trl4j.tensor.LogProbs;

/**
 * The SFT loss: token cross-entropy, −Σ log p(target | everything before it), over the targets of a
 * batch. Returned as a sum so that gradient accumulation can divide by the token count of the whole
 * optimizer step ({@link trl4j.train.GradientAccumulation#tokenMean}); the mean is HF's
 * {@code CrossEntropyLoss(ignore_index=-100)} of the same labels.
 */
public final class SftLoss {

    private SftLoss() {}

    /**
     * Σ −log p(target) over the batch's targets (a differentiable scalar in {@code manager}).
     *
     * @param model a {@link CausalLm} for causal batches, a {@link Seq2SeqLm} for encoder–decoder ones
     */
    public static NDArray nllSum(LanguageModel model, SftBatch batch, NDManager manager) {
        NDArray hidden; // (B, T, H) of the positions that predict
        int predictingLength;
        if (batch.decoderInputIds() != null) {
            Seq2SeqLm s2s = (Seq2SeqLm) model;
            NDArray ids = manager.create(batch.inputIds(), new Shape(batch.rows(), batch.length()));
            NDArray mask = manager.create(batch.attentionMask(), new Shape(batch.rows(), batch.length()));
            NDArray decoderIds = manager.create(batch.decoderInputIds(), new Shape(batch.rows(), batch.decoderLength()));
            NDArray encoded = s2s.encode(ids, mask, null); // (B, S, H)
            hidden = s2s.decode(decoderIds, encoded, mask, null, null); // (B, U, H)
            predictingLength = batch.decoderLength();
        } else {
            NDArray ids = manager.create(batch.inputIds(), new Shape(batch.rows(), batch.length()));
            hidden = ((CausalLm) model).hidden(ids, null, null, null, null); // (B, T, H)
            predictingLength = batch.length();
        }
        long width = hidden.getShape().get(2);
        NDArray flat = hidden.reshape((long) batch.rows() * predictingLength, width); // (B·T, H)
        NDArray picked = flat.get(manager.create(batch.positions())); // (N, H)
        NDArray logits = model.lmHead(picked.expandDims(0)); // (1, N, V)
        NDArray targets = manager.create(batch.targets(), new Shape(1, batch.targetCount()));
        return LogProbs.gather(logits, targets).sum().neg();
    }
}
