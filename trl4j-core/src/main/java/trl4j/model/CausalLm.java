package trl4j.model;

import ai.djl.ndarray.NDArray;
import java.util.List;

/** A decoder-only language model (GPT-2, Llama, Qwen2). */
public interface CausalLm extends LanguageModel {

    /**
     * Runs the transformer over T new positions.
     *
     * @param inputIds (B, T) int64 token ids
     * @param attentionMask (B, past + T) 0/1 over every key position, cached ones included; null means
     *     all ones
     * @param positionIds (B, T) int64 absolute positions; null means past..past+T−1 for every row
     *     (Hugging Face's default; pass {@code AttentionMasks.positionIds} for left padding)
     * @param cache past keys/values to read and extend, or null for a cache-free pass
     * @param collect if not null, receives the embedding output and every block's output (the last
     *     after the final norm), as Hugging Face's {@code output_hidden_states}
     * @return (B, T, H) hidden states after the final norm
     */
    NDArray hidden(NDArray inputIds, NDArray attentionMask, NDArray positionIds, KvCache cache, List<NDArray> collect);

    /** Logits (B, T, V) of a full pass: {@code lmHead(hidden(...))}. */
    default NDArray logits(NDArray inputIds, NDArray attentionMask, NDArray positionIds, KvCache cache) {
        return lmHead(hidden(inputIds, attentionMask, positionIds, cache, null));
    }

    /**
     * Runs blocks {@code layer}..N−1 and the final norm over the input of block {@code layer}, reading
     * this model's own weights: with {@code collect} from a {@link #hidden} pass of another model that
     * shares the lower blocks, {@code hiddenFrom(layer, collect.get(layer), ...)} continues it through
     * this model's top blocks (trlX's hydra heads: a frozen reference that shares the trunk's bottom).
     * No cache.
     *
     * @param x (B, T, H) input of block {@code layer} (the embedding output for layer 0)
     * @param attentionMask (B, T) 0/1 or null, as given to the pass that produced {@code x}
     * @param positionIds (B, T) as given to that pass, or null for 0..T−1
     * @return (B, T, H) hidden states after the final norm
     */
    default NDArray hiddenFrom(int layer, NDArray x, NDArray attentionMask, NDArray positionIds) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot run from a middle layer");
    }

    /** An empty cache sized for {@code capacity} positions. */
    KvCache newCache(int capacity);
}
