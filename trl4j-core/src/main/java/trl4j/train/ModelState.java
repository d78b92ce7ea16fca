package trl4j.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.Arrays;
import trl4j.model.LanguageModel;
import trl4j.model.Parameters;
import trl4j.model.registry.Models;
import trl4j.tensor.GradMode;

/**
 * Weights moved between a model a caller owns and a checkpoint folder: a trainer built around the
 * caller's model object resumes by copying the checkpoint's weights into that object (as torch's
 * {@code load_state_dict}), so references the caller holds stay valid.
 */
public final class ModelState {

    private ModelState() {}

    /**
     * Copies the weights of the Hugging Face model folder {@code dir} into {@code model}, in place.
     *
     * @throws IllegalArgumentException naming the first parameter whose name or shape differs
     */
    public static void restore(LanguageModel model, Path dir) {
        try (NDManager scratch = model.parameters().manager().newSubManager();
                LanguageModel saved = Models.load(dir, scratch)) {
            copy(saved.parameters(), model.parameters(), dir.toString());
        }
    }

    /** Copies every parameter of {@code from} into the same-named parameter of {@code into}. */
    public static void copy(Parameters from, Parameters into, String what) {
        if (!from.names().equals(into.names())) {
            throw new IllegalArgumentException(what + ": parameters differ from the model's (" + from.names().size()
                    + " vs " + into.names().size() + " tensors)");
        }
        try (GradMode noGrad = GradMode.disabled()) {
            for (String name : into.names()) {
                NDArray src = from.get(name);
                NDArray dst = into.get(name);
                if (!Arrays.equals(src.getShape().getShape(), dst.getShape().getShape())) {
                    throw new IllegalArgumentException(what + ": parameter '" + name + "' has shape " + src.getShape()
                            + " but the model's has " + dst.getShape());
                }
                dst.set(src.toByteBuffer());
            }
        }
    }
}
