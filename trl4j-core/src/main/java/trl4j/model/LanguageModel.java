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
     * Dropout on (training) or off (evaluation, generation; the default). Every architecture
     * implements it; the default does nothing, for models without dropout.
     */
    default void setTraining(boolean training) {}

    /** Releases the weights. */
    @Override
    default void close() {
        parameters().close();
    }
}
