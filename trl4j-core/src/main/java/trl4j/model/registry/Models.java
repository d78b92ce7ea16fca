package trl4j.model.registry;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;
import trl4j.checkpoint.CheckpointException;
import trl4j.checkpoint.ConfigJson;
import trl4j.checkpoint.ModelFolder;
import trl4j.checkpoint.TensorSource;
import trl4j.model.CausalLm;
import trl4j.model.LanguageModel;
import trl4j.model.ModelConfig;
import trl4j.model.Parameters;
import trl4j.model.ScoreModel;
import trl4j.model.SequenceClassifier;
import trl4j.model.WeightSpec;
import trl4j.model.WeightTable;
import trl4j.model.gpt2.Gpt2Config;
import trl4j.model.gpt2.Gpt2Model;
import trl4j.model.llama.LlamaConfig;
import trl4j.model.llama.LlamaModel;
import trl4j.model.t5.T5Config;
import trl4j.model.t5.T5Model;
import trl4j.model.t5.T5ScoreModel;
import trl4j.model.t5.T5Weights;

/**
 * The one place that knows every architecture: {@code model_type} of a {@code config.json} → how to
 * read its config, which tensors it has, how to build the model from its weights, and how to
 * initialise one from scratch. Sequence-classification checkpoints (reward models) are recognised by
 * their {@code architectures} entry or their {@code score.weight} tensor.
 */
public final class Models {

    /** Everything the rest of trl4j needs to know about one architecture. */
    record Architecture(
            Function<ConfigJson, ModelConfig> readConfig,
            Function<ModelConfig, WeightTable> weightTable,
            BiFunction<ModelConfig, Parameters, LanguageModel> assemble,
            Initializer initialize) {}

    @FunctionalInterface
    interface Initializer {
        LanguageModel initialize(ModelConfig config, NDManager manager, long seed);
    }

    private static final Map<String, Architecture> ARCHITECTURES = Map.of(
            "gpt2", new Architecture(Gpt2Config::from, c -> Gpt2Model.weightTable((Gpt2Config) c),
                    (c, p) -> new Gpt2Model((Gpt2Config) c, p), (c, m, s) -> Gpt2Model.initialize((Gpt2Config) c, m, s)),
            "llama", new Architecture(LlamaConfig::fromLlama, c -> LlamaModel.weightTable((LlamaConfig) c),
                    (c, p) -> new LlamaModel((LlamaConfig) c, p), (c, m, s) -> LlamaModel.initialize((LlamaConfig) c, m, s)),
            "qwen2", new Architecture(LlamaConfig::fromQwen2, c -> LlamaModel.weightTable((LlamaConfig) c),
                    (c, p) -> new LlamaModel((LlamaConfig) c, p), (c, m, s) -> LlamaModel.initialize((LlamaConfig) c, m, s)),
            "t5", new Architecture(T5Config::from, c -> T5Weights.table((T5Config) c),
                    (c, p) -> new T5Model((T5Config) c, p), (c, m, s) -> T5Model.initialize((T5Config) c, m, s)));

    /**
     * The bias of each architecture's final norm, which the score head reads as an additive term
     * (so a score offset folds into it exactly); RMSNorm architectures have none.
     */
    private static final Map<String, String> FINAL_NORM_BIAS = Map.of("gpt2", "transformer.ln_f.bias");

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

    /** What a folder holds: a language model or a sequence classifier (and how many labels). */
    public record Kind(ModelConfig config, boolean classifier, int numLabels) {}

    /** Validates config and weight headers (names, shapes, dtypes) without reading any weight data. */
    public static Kind check(Path dir) {
        ModelFolder folder = ModelFolder.open(dir);
        ConfigJson json = folder.config();
        Architecture a = architecture(json);
        ModelConfig config = a.readConfig().apply(json);
        try (TensorSource weights = folder.openWeights()) {
            boolean classifier = isClassifier(json, weights);
            int labels = classifier ? numLabels(json) : 0;
            WeightTable table = a.weightTable().apply(config);
            if (classifier && config instanceof T5Config t5) {
                table = T5ScoreModel.weightTable(t5, labels);
            } else if (classifier) {
                table = SequenceClassifier.table(table, config.hiddenSize(), labels);
            }
            table.check(weights);
            return new Kind(config, classifier, labels);
        }
    }

    /**
     * A randomly initialised model of a config, as Hugging Face's {@code _init_weights} would
     * initialise it (models trained from scratch, benchmarks). Deterministic for a seed.
     */
    public static LanguageModel initialize(ModelConfig config, NDManager manager, long seed) {
        Architecture a = ARCHITECTURES.get(config.modelType());
        if (a == null) {
            throw new IllegalArgumentException("random initialisation is not available for model_type '" + config.modelType() + "'");
        }
        return a.initialize().initialize(config, manager, seed);
    }

    /**
     * A language model of {@code config} computing with the given weights (checked against the
     * architecture's table: every tensor present, shapes right). The arrays are used as they are, not
     * copied: {@link Parameters#putShared} entries let two models share weights (a hydra reference over
     * a policy's frozen lower layers).
     */
    public static LanguageModel assemble(ModelConfig config, Parameters params) {
        Architecture a = ARCHITECTURES.get(config.modelType());
        if (a == null) {
            throw new IllegalArgumentException("unknown model_type '" + config.modelType() + "'");
        }
        for (WeightSpec spec : a.weightTable().apply(config).specs()) {
            if (!params.contains(spec.name())) {
                throw new IllegalArgumentException("no parameter '" + spec.name() + "' for a " + config.modelType() + " model");
            }
            long[] shape = params.get(spec.name()).getShape().getShape();
            if (!java.util.Arrays.equals(shape, spec.memoryShape())) {
                throw new IllegalArgumentException("parameter '" + spec.name() + "' has shape " + java.util.Arrays.toString(shape)
                        + ", the config needs " + java.util.Arrays.toString(spec.memoryShape()));
            }
        }
        return a.assemble().apply(config, params);
    }

    /** Loads a Hugging Face language-model folder; every problem is a one-line {@link CheckpointException}. */
    public static LanguageModel load(Path dir, NDManager manager) {
        ModelFolder folder = ModelFolder.open(dir);
        ConfigJson json = folder.config();
        Architecture a = architecture(json);
        ModelConfig config = a.readConfig().apply(json);
        try (TensorSource weights = folder.openWeights()) {
            if (isClassifier(json, weights)) {
                throw new CheckpointException(dir + ": a sequence-classification checkpoint (score head), not a language model");
            }
            return a.assemble().apply(config, a.weightTable().apply(config).load(weights, manager));
        }
    }

    /**
     * Loads a sequence classifier ({@code *ForSequenceClassification}) folder, or starts one from a
     * causal language-model folder with a fresh score head of {@code numLabelsIfNew} labels
     * (N(0, 0.02), as transformers initialises a missing head).
     */
    public static SequenceClassifier loadClassifier(Path dir, NDManager manager, int numLabelsIfNew, long seed) {
        ModelFolder folder = ModelFolder.open(dir);
        ConfigJson json = folder.config();
        Architecture a = architecture(json);
        ModelConfig config = a.readConfig().apply(json);
        try (TensorSource weights = folder.openWeights()) {
            boolean hasHead = weights.names().contains(SequenceClassifier.SCORE);
            int labels = hasHead ? (int) weights.info(SequenceClassifier.SCORE).shape()[0] : numLabelsIfNew;
            WeightTable lmTable = a.weightTable().apply(config);
            WeightTable table = SequenceClassifier.table(lmTable, config.hiddenSize(), labels);
            Parameters params;
            if (hasHead) {
                params = table.load(weights, manager);
            } else {
                WeightTable trunkOnly = new WeightTable(table.specs().subList(0, table.specs().size() - 1),
                        table.ignoredPatterns(), table.renamer());
                params = trunkOnly.load(weights, manager);
                NDArray score = SequenceClassifier.newScoreWeight(params.manager(), labels, config.hiddenSize(), 0.02, seed);
                params.put(WeightSpec.of(SequenceClassifier.SCORE, labels, config.hiddenSize()), score);
            }
            LanguageModel trunk = a.assemble().apply(config, params);
            if (!(trunk instanceof CausalLm causal)) {
                throw new CheckpointException(dir + ": model_type '" + config.modelType() + "' has no sequence-classification head");
            }
            return new SequenceClassifier(causal, labels, config.padTokenId());
        }
    }

    /**
     * A reward model's network ({@link ScoreModel}) from a folder: a saved score model (a
     * {@code *ForSequenceClassification} or {@code T5ScoreModel} checkpoint, head included) or a
     * language model (an SFT or pretrained checkpoint) that gets a fresh one-label head: causal
     * models N(0, 0.02) as transformers initialises a missing head, T5 as {@link T5ScoreModel}.
     *
     * @param padTokenIdIfMissing pad id to use when config.json has none (e.g. the tokenizer's pad or
     *     EOS token, TRL's convention), or null
     */
    public static ScoreModel loadScoreModel(Path dir, NDManager manager, long seed, Integer padTokenIdIfMissing) {
        ModelFolder folder = ModelFolder.open(dir);
        ConfigJson json = folder.config();
        Architecture a = architecture(json);
        ModelConfig config = a.readConfig().apply(json);
        if (config instanceof T5Config t5) {
            boolean hasHead;
            try (TensorSource weights = folder.openWeights()) {
                hasHead = weights.names().contains(T5ScoreModel.SCORE_WEIGHT);
            }
            if (hasHead) {
                return T5ScoreModel.load(dir, manager);
            }
            try (NDManager scratch = manager.newSubManager(); TensorSource weights = folder.openWeights()) {
                T5Model lm = new T5Model(t5, a.weightTable().apply(config).load(weights, scratch));
                return T5ScoreModel.fromLanguageModel(lm, 1, manager, seed);
            }
        }
        SequenceClassifier c = loadClassifier(dir, manager, 1, seed);
        Integer pad = c.padTokenId() != null ? c.padTokenId() : padTokenIdIfMissing;
        return new SequenceClassifier(c.trunk(), c.numLabels(), pad, FINAL_NORM_BIAS.get(config.modelType()));
    }

    private static boolean isClassifier(ConfigJson json, TensorSource weights) {
        for (String arch : json.getStrings("architectures")) {
            if (arch.endsWith("ForSequenceClassification")) {
                return true;
            }
        }
        return weights.names().contains(SequenceClassifier.SCORE);
    }

    /** transformers derives num_labels from id2label (default 2). */
    private static int numLabels(ConfigJson json) {
        var id2label = json.getNode("id2label");
        if (id2label != null && id2label.size() > 0) {
            return id2label.size();
        }
        return json.getInt("num_labels", 2);
    }
}
