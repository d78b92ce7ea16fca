package trl4j.model;

import ai.djl.ndarray.NDArray;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A transformer with a linear score head ({@code score.weight}, num_labels × hidden, no bias) read at
 * one position per row: the network of a reward model (Stiennon et al. 2020; TRL's
 * {@code AutoModelForSequenceClassification} with {@code num_labels = 1}). Two shapes implement it:
 *
 * <ul>
 *   <li>decoder-only ({@link SequenceClassifier}: GPT-2, Llama, Qwen2): one token sequence per row,
 *       scored at Hugging Face's "last non-pad token";
 *   <li>encoder–decoder ({@code T5ScoreModel}): the encoder reads the prompt, the decoder reads
 *       {@code decoder_start_token_id} + the summary, scored at the decoder's last real position.
 * </ul>
 *
 * Load one with {@code Models.loadScoreModel}; forward passes create their outputs in the manager of
 * the inputs, as every model here does.
 */
public interface ScoreModel extends AutoCloseable {

    /** The trunk's config. */
    ModelConfig config();

    /** Trunk and head weights, by Hugging Face name ({@code score.weight} last). */
    Parameters parameters();

    int numLabels();

    /** Whether the prompt goes to an encoder (T5) rather than in front of the response (causal). */
    boolean isEncoderDecoder();

    /** Id that right-pads a batch ({@code config.pad_token_id}); null when the config has none. */
    Integer padTokenId();

    /** First decoder input of an encoder–decoder ({@code decoder_start_token_id}); unused for causal models. */
    int decoderStartTokenId();

    /** Dropout on (training) or off (evaluation; the default). */
    void setTraining(boolean training);

    /**
     * Scores of a right-padded batch, (B, num_labels).
     *
     * @param inputIds (B, T) int64: causal: the whole text; encoder–decoder: the prompt (encoder input)
     * @param attentionMask (B, T) 0/1, or null when no row is padded
     * @param decoderInputIds encoder–decoder only: (B, U) {@code decoder_start_token_id} + summary ids,
     *     right-padded; null for causal models
     * @param decoderMask encoder–decoder only: (B, U) 0/1, or null when no row is padded
     */
    NDArray scores(NDArray inputIds, NDArray attentionMask, NDArray decoderInputIds, NDArray decoderMask);

    /**
     * Adds {@code offset} to every score (num_labels = 1) by changing trunk weights, where the
     * architecture has an additive term right before the head: GPT-2's final layer norm bias β
     * enters the score as w·β, so β += offset · w / ‖w‖² shifts every score by exactly {@code offset}
     * and a plain Hugging Face model then gives the shifted scores. RMSNorm models (Llama, Qwen2, T5)
     * have no such term.
     *
     * @return whether the offset was folded into the weights (false: nothing changed)
     */
    boolean foldScoreOffset(double offset);

    /** Name of the tensor {@link #foldScoreOffset} changes, or null when it cannot fold. */
    String scoreOffsetTensor();

    /** The {@code config.json} object a save writes (architecture, labels, pad id). */
    ObjectNode toHfJson();

    @Override
    void close();
}
