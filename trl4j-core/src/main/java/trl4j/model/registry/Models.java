package trl4j.model.registry;

import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import trl4j.checkpoint.CheckpointException;
import trl4j.checkpoint.ConfigJson;
import trl4j.checkpoint.ModelFolder;
import trl4j.checkpoint.TensorSource;
import trl4j.model.LanguageModel;
import trl4j.model.gpt2.Gpt2Config;
import trl4j.model.gpt2.Gpt2Model;

/**
 * The one place that knows every architecture: {@code model_type} (+ {@code architectures}) of a
 * {@code config.json} → the factory that reads its config and weights.
 */
public final class Models {

    /** Reads a config and weights into a model. */
    @FunctionalInterface
    interface Factory {
        LanguageModel load(ConfigJson config, TensorSource weights, NDManager manager);
    }

    private static final Map<String, Factory> FACTORIES = Map.of(
            "gpt2", (c, w, m) -> Gpt2Model.load(Gpt2Config.from(c), w, m));

    private Models() {}

    /** model_type values trl4j can load. */
    public static List<String> supportedTypes() {
        return FACTORIES.keySet().stream().sorted().toList();
    }

    /** Loads a Hugging Face model folder; every problem is a one-line {@link CheckpointException}. */
    public static LanguageModel load(Path dir, NDManager manager) {
        ModelFolder folder = ModelFolder.open(dir);
        ConfigJson config = folder.config();
        String type = config.getString("model_type", null);
        if (type == null) {
            throw new CheckpointException(config.file() + ": no 'model_type' key");
        }
        Factory factory = FACTORIES.get(type);
        if (factory == null) {
            throw new CheckpointException(config.file() + ": unknown model_type '" + type
                    + "' (supported: " + String.join(", ", supportedTypes()) + ")");
        }
        try (TensorSource weights = folder.openWeights()) {
            return factory.load(config, weights, manager);
        }
    }
}
