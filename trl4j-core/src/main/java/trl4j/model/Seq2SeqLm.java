package trl4j.model;

import ai.djl.ndarray.NDArray;
import java.util.List;

/** An encoder–decoder language model (T5). */
public interface Seq2SeqLm extends LanguageModel {

    /** Id the decoder starts from ({@code decoder_start_token_id}). */
    int decoderStartTokenId();

    /**
     * Runs the encoder.
     *
     * @param inputIds (B, S) int64
     * @param attentionMask (B, S) 0/1, or null for all ones
     * @param collect receives embeddings and per-block outputs (last after the final norm), or null
     * @return (B, S, H) encoder output after its final norm
     */
    NDArray encode(NDArray inputIds, NDArray attentionMask, List<NDArray> collect);

    /**
     * Runs the decoder over T new positions.
     *
     * @param decoderInputIds (B, T) int64
     * @param encoderHidden (B, S, H) from {@link #encode}
     * @param encoderMask (B, S) 0/1 or null
     * @param cache self-attention cache (grows) and cross-attention keys/values (computed on first
     *     use), or null
     * @param collect receives embeddings and per-block outputs, or null
     * @return (B, T, H) decoder hidden states after the final norm (before any head rescale)
     */
    NDArray decode(NDArray decoderInputIds, NDArray encoderHidden, NDArray encoderMask, KvCache cache, List<NDArray> collect);

    /**
     * Runs decoder blocks {@code layer}..N−1 and the decoder's final norm over the input of decoder block
     * {@code layer}, reading this model's own weights (the seq2seq form of
     * {@link CausalLm#hiddenFrom}: a hydra reference shares the encoder and the lower decoder blocks).
     * No cache.
     *
     * @param x (B, T, H) input of decoder block {@code layer} ({@code collect.get(layer)} of a {@link #decode} pass)
     * @param encoderHidden (B, S, H) encoder output
     * @param encoderMask (B, S) 0/1 or null
     * @return (B, T, H) decoder hidden states after the final norm
     */
    default NDArray decodeFrom(int layer, NDArray x, NDArray encoderHidden, NDArray encoderMask) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot run from a middle layer");
    }

    /** An empty decoder cache sized for {@code capacity} positions. */
    KvCache newCache(int capacity);
}
