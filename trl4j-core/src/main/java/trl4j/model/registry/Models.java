package trl4j.model.registry;

import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import trl4j.checkpoint.CheckpointException;
import trl4j.checkpoint.ConfigJson;
import trl4j.checkpoint.ModelFolder;
import trl4j.checkpoint.TensorSource;
import trl4j.model.LanguageModel;
import trl4j.model.ModelConfig;
import trl4j.model.WeightTable;
import trl4j.model.gpt2.Gpt2Config;
import trl4j.model.gpt2.Gpt2Model;
import trl4j.model.llama.LlamaConfig;
import trl4j.model.llama.LlamaModel;

/**
 * The one place that knows every architecture: {@code model_type} of a {@code config.json} → how to
 * read its config, which tensors it has, and how to build the model from its weights.
 */
public final class Models {

    /** Everything the rest of trl4j needs to know about one architecture. */
    record Architecture(
            Function<ConfigJson, ModelConfig> readConfig,
            Function<ModelConfig, WeightTable> weightTable,
            Loader load) {}

    /** Builds a model from a validated config and its weights. */
    @FunctionalInterface
    interface Loader {
        LanguageModel load(ModelConfig config, TensorSource weights, NDManager manager);
    }

    private static final Map<String, Architecture> ARCHITECTURES = Map.of(
            "gpt2", new Architecture(Gpt2Config::from, c -> Gpt2Model.weightTable((Gpt2Config) c),
                    (c, w, m) -> Gpt2Model.load((Gpt2Config) c, w, m)),
            "llama", new Architecture(LlamaConfig::fromLlama, c -> LlamaModel.weightTable((LlamaConfig) c),
                    (c, w, m) -> LlamaModel.load((LlamaConfig) c, w, m)),
            "qwen2", new Architecture(LlamaConfig::fromQwen2, c -> LlamaModel.weightTable((LlamaConfig) c),
                    (c, w, m) -> LlamaModel.load((LlamaConfig) c, w, m)));

    private Models() {}

    /** model_type values trl4j can load. */
    public static List<String> supportedTypes() {
        return ARCHITECTURES.keySet().stream().sorted().toList();
    }

    private static Architecture architecture(ConfigJson config) {
        String type = config.getString("model_type", null);
        if (type == null) {
            throw new CheckpointException(config.file() + ": no 'model_type' key");
        }
        Architecture a = ARCHITECTURES.get(type);
        if (a == null) {
            throw new CheckpointException(config.file() + ": unknown model_type '" + type
                    + "' (supported: " + String.join(", ", supportedTypes()) + ")");
        }
        return a;
    }

    /** Reads and validates a folder's config.json without loading weights. */
    public static ModelConfig readConfig(Path dir) {
        ConfigJson config = ModelFolder.open(dir).config();
        return architecture(config).readConfig().apply(config);
    }

    /** Validates config and weight headers (names, shapes, dtypes) without reading any weight data. */
    public static ModelConfig check(Path dir) {
        ModelFolder folder = ModelFolder.open(dir);
        ConfigJson json = folder.config();
        Architecture a = architecture(json);
        ModelConfig config = a.readConfig().apply(json);
        try (TensorSource weights = folder.openWeights()) {
            a.weightTable().apply(config).check(weights);
        }
        return config;
    }

    /**
     * A randomly initialised model of a config, as Hugging Face's {@code _init_weights} would
     * initialise it (models trained from scratch, benchmarks). Deterministic for a seed.
     */
    public static LanguageModel initialize(ModelConfig config, NDManager manager, long seed) {
        if (config instanceof Gpt2Config c) {
            return Gpt2Model.initialize(c, manager, seed);
        }
        throw new IllegalArgumentException("random initialisation is not available for model_type '" + config.modelType() + "'");
    }

    /** Loads a Hugging Face model folder; every problem is a one-line {@link CheckpointException}. */
    public static LanguageModel load(Path dir, NDManager manager) {
        ModelFolder folder = ModelFolder.open(dir);
        ConfigJson json = folder.config();
        Architecture a = architecture(json);
        ModelConfig config = a.readConfig().apply(json);
        try (TensorSource weights = folder.openWeights()) {
            return a.load().load(config, weights, manager);
        }
    }
}
