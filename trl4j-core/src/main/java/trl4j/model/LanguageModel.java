package trl4j.model;

import ai.djl.ndarray.NDArray;

/**
 * A transformer language model with its weights. Forward passes are pure functions of the inputs
 * and {@link #parameters()}; they create their outputs in the manager of the inputs (run them inside
 * an {@code NDScope} or a sub-manager to free temporaries).
 */
public interface LanguageModel extends AutoCloseable {

    ModelConfig config();

    Parameters parameters();

    /** The checkpoint mapping (names, shapes, layouts) of this model's config. */
    WeightTable weightTable();

    /** Hidden states (B, T, H) after the final norm → logits (B, T, V). */
    NDArray lmHead(NDArray hidden);

    /**
     * Dropout on (training) or off (evaluation and generation, the default), as torch's
     * {@code model.train()} / {@code model.eval()}. Architectures without dropout ignore it.
     */
    default void setTraining(boolean training) {
    }

    /**
     * Where a parameter sits in the stack that generates text, counted from the bottom: its block index
     * (decoder block for encoder–decoders) for block parameters, −1 for what lies below every block
     * (embeddings, a tied head, the whole T5 encoder), {@link ModelConfig#numLayers()} for what lies above
     * (the final norm, an untied head). trlX's {@code num_layers_unfrozen = k} trains the parameters of
     * depth ≥ numLayers − k, and its hydra reference duplicates exactly those (everything below is shared).
     *
     * @throws UnsupportedOperationException for a model that cannot say
     */
    default int depthOf(String parameterName) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " does not report parameter depths");
    }

    /** Releases the weights. */
    @Override
    default void close() {
        parameters().close();
    }
}
