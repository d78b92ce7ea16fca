package trl4j.model.t5;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import trl4j.checkpoint.AtomicFiles;
import trl4j.checkpoint.CheckpointException;
import trl4j.checkpoint.ConfigJson;
import trl4j.checkpoint.DType;
import trl4j.checkpoint.ModelFolder;
import trl4j.checkpoint.TensorSource;
import trl4j.model.ModelWriter;
import trl4j.model.Parameters;
import trl4j.model.ScoreModel;
import trl4j.model.WeightSpec;
import trl4j.model.WeightTable;

/**
 * T5 with a scalar head, for reward models: the encoder reads the prompt, the decoder reads the summary
 * (decoder input = decoder_start_token_id followed by the summary tokens, right-padded), and the score is a
 * bias-free linear map of the decoder's final hidden state (after {@code decoder.final_layer_norm}, without
 * the tied head's d_model^−½ rescale) at the last real decoder position.
 *
 * <p><b>Checkpoint format.</b> Tensors: the T5 trunk under exactly the names of
 * {@code T5ForConditionalGeneration} ({@code shared.weight}, {@code encoder.block.{i}.layer.*},
 * {@code encoder.final_layer_norm.weight}, {@code decoder.block.{i}.layer.*},
 * {@code decoder.final_layer_norm.weight}; see {@link T5Weights}), <em>no</em> {@code lm_head.weight}, plus
 * {@code score.weight} of shape (num_labels, d_model). {@code config.json}: the T5 config plus
 * {@code "architectures": ["T5ScoreModel"]}, {@code num_labels} and the matching {@code id2label} /
 * {@code label2id}; there is no generation_config.json. A Hugging Face user loads the trunk with
 * {@code T5Model.from_pretrained(dir)} (which reports {@code score.weight} as unused) and the head with
 * {@code safetensors.torch.load_file(dir + "/model.safetensors")["score.weight"]}; HF's own
 * {@code T5ForSequenceClassification} is a different head (dense + tanh + out_proj on the EOS position) and
 * is not what this is.
 */
public final class T5ScoreModel implements ScoreModel {

    /** The {@code architectures} entry of a saved score model. */
    public static final String ARCHITECTURE = "T5ScoreModel";
    public static final String SCORE_WEIGHT = "score.weight";

    private final T5Config config;
    private final int numLabels;
    private final Parameters params;
    private final T5Model trunk; // encoder and decoder over the same parameters; its lm_head is never used

    private T5ScoreModel(T5Config config, int numLabels, Parameters params) {
        this.config = config;
        this.numLabels = numLabels;
        this.params = params;
        this.trunk = new T5Model(config, params);
    }

    /** The checkpoint mapping: the T5 trunk, then {@code score.weight}. */
    public static WeightTable weightTable(T5Config config, int numLabels) {
        List<WeightSpec> specs = T5Weights.trunk(config);
        specs.add(WeightSpec.of(SCORE_WEIGHT, numLabels, config.dModel()));
        List<String> ignored = new ArrayList<>(T5Weights.IGNORED);
        ignored.add("lm_head\\.weight"); // a language model's head has no use here
        return new WeightTable(specs, ignored, name -> name);
    }

    /** Loads a folder saved by {@link #save}. */
    public static T5ScoreModel load(Path dir, NDManager manager) {
        ModelFolder folder = ModelFolder.open(dir);
        ConfigJson json = folder.config();
        Integer labels = json.getIntOrNull("num_labels");
        var id2label = json.getNode("id2label");
        int numLabels = labels != null ? labels : id2label != null ? id2label.size() : 1;
        if (numLabels < 1) {
            throw new CheckpointException(json.file() + ": num_labels must be ≥ 1, got " + numLabels);
        }
        T5Config config = T5Config.from(json);
        try (TensorSource weights = folder.openWeights()) {
            return new T5ScoreModel(config, numLabels, weightTable(config, numLabels).load(weights, manager));
        }
    }

    /**
     * A score model whose trunk starts as a copy of a T5 language model's (e.g. the SFT policy), with a new
     * head drawn as HF draws T5's classification output layer: N(0, initializer_factor · d_model^−½).
     */
    public static T5ScoreModel fromLanguageModel(T5Model lm, int numLabels, NDManager manager, long seed) {
        T5Config c = lm.config();
        java.util.Random random = new java.util.Random(seed);
        Parameters params = weightTable(c, numLabels).create(manager, spec -> spec.name().equals(SCORE_WEIGHT)
                ? headInit(c, spec, manager, random)
                : lm.parameters().get(spec.name()).duplicate());
        return new T5ScoreModel(c, numLabels, params);
    }

    /** A randomly initialised score model (trunk as {@link T5Model#initialize}). */
    public static T5ScoreModel initialize(T5Config config, int numLabels, NDManager manager, long seed) {
        Parameters params = T5Weights.initialize(config, weightTable(config, numLabels), manager, seed,
                (spec, random) -> headInit(config, spec, manager, random));
        return new T5ScoreModel(config, numLabels, params);
    }

    private static NDArray headInit(T5Config c, WeightSpec spec, NDManager manager, java.util.Random random) {
        return T5Weights.gaussian(manager, random, spec.memoryShape(), c.initializerFactor() * Math.pow(c.dModel(), -0.5));
    }

    @Override
    public T5Config config() {
        return config;
    }

    @Override
    public int numLabels() {
        return numLabels;
    }

    @Override
    public Parameters parameters() {
        return params;
    }

    @Override
    public boolean isEncoderDecoder() {
        return true;
    }

    @Override
    public Integer padTokenId() {
        return config.padTokenId();
    }

    @Override
    public int decoderStartTokenId() {
        return config.decoderStartTokenId();
    }

    /** T5's final norm is an RMSNorm without bias: nothing to fold an offset into. */
    @Override
    public boolean foldScoreOffset(double offset) {
        return false;
    }

    @Override
    public String scoreOffsetTensor() {
        return null;
    }

    public WeightTable weightTable() {
        return weightTable(config, numLabels);
    }

    /** Dropout on (training) or off (evaluation; the default). */
    @Override
    public void setTraining(boolean training) {
        trunk.setTraining(training);
    }

    /**
     * Scores of (prompt, summary) pairs.
     *
     * @param inputIds (B, S) encoder input (the prompt), right-padded
     * @param attentionMask (B, S) 0/1, or null for no padding
     * @param decoderInputIds (B, T) decoder_start_token_id + summary tokens, right-padded
     * @param decoderMask (B, T) 0/1 with 1 on the start token and the summary tokens, or null when no row is
     *     padded; must be right padding (the decoder is causal, so pads after a row's end never reach it)
     * @return (B, num_labels) scores at each row's last real decoder position
     */
    @Override
    public NDArray scores(NDArray inputIds, NDArray attentionMask, NDArray decoderInputIds, NDArray decoderMask) {
        if (decoderInputIds == null) {
            throw new IllegalArgumentException("a T5 score model reads (prompt, summary): decoder inputs are required");
        }
        NDArray encoded = trunk.encode(inputIds, attentionMask, null); // (B, S, d_model)
        NDArray hidden = trunk.decode(decoderInputIds, encoded, attentionMask, null, null); // (B, T, d_model)
        return head(hidden, lastPositions(decoderInputIds, decoderMask));
    }

    /** Index of each row's last real decoder position, checking that the mask is right padding. */
    private static long[] lastPositions(NDArray decoderInputIds, NDArray decoderMask) {
        int batch = (int) decoderInputIds.getShape().get(0);
        int steps = (int) decoderInputIds.getShape().get(1);
        long[] last = new long[batch];
        if (decoderMask == null) {
            java.util.Arrays.fill(last, steps - 1);
            return last;
        }
        long[] mask = decoderMask.toType(DataType.INT64, false).toLongArray();
        for (int b = 0; b < batch; b++) {
            int n = 0;
            while (n < steps && mask[b * steps + n] == 1) {
                n++;
            }
            for (int t = n; t < steps; t++) {
                if (mask[b * steps + t] != 0) {
                    throw new IllegalArgumentException("decoder mask of row " + b + " is not right padding (a 1 at position "
                            + t + " after a 0): put decoder_start_token_id first and padding last");
                }
            }
            if (n == 0) {
                throw new IllegalArgumentException("decoder mask of row " + b + " is all zeros: the decoder input must"
                        + " at least hold decoder_start_token_id");
            }
            last[b] = n - 1;
        }
        return last;
    }

    /** score.weight applied to the hidden state at one position per row: (B, T, d) → (B, num_labels). */
    private NDArray head(NDArray hidden, long[] positions) {
        long batch = hidden.getShape().get(0);
        NDArray index = hidden.getManager().create(positions, new Shape(batch, 1, 1))
                .broadcast(new Shape(batch, 1, config.dModel())); // (B, 1, d)
        NDArray picked = hidden.gather(index, 1).squeeze(1); // (B, d)
        return Linear.linear(picked, params.get(SCORE_WEIGHT)).singletonOrThrow(); // (B, num_labels)
    }

    /**
     * Right-pads rows for the score model: {@code prefix} (e.g. {decoder_start_token_id}) then each row, pad
     * id after the end. Returns {ids (B, W), mask (B, W)} in {@code manager}.
     */
    public static NDArray[] rightPad(NDManager manager, List<long[]> rows, long[] prefix, int padTokenId) {
        int width = prefix.length + rows.stream().mapToInt(r -> r.length).max().orElse(0);
        long[] ids = new long[rows.size() * width];
        long[] mask = new long[ids.length];
        java.util.Arrays.fill(ids, padTokenId);
        for (int b = 0; b < rows.size(); b++) {
            System.arraycopy(prefix, 0, ids, b * width, prefix.length);
            System.arraycopy(rows.get(b), 0, ids, b * width + prefix.length, rows.get(b).length);
            java.util.Arrays.fill(mask, b * width, b * width + prefix.length + rows.get(b).length, 1);
        }
        Shape shape = new Shape(rows.size(), width);
        return new NDArray[] {manager.create(ids, shape), manager.create(mask, shape)};
    }

    /** The {@code config.json} object: the T5 config, the architecture and the labels. */
    @Override
    public ObjectNode toHfJson() {
        ObjectNode o = config.toHfJson();
        o.putArray("architectures").add(ARCHITECTURE);
        o.put("num_labels", numLabels);
        ObjectNode id2label = o.putObject("id2label");
        ObjectNode label2id = o.putObject("label2id");
        for (int i = 0; i < numLabels; i++) {
            id2label.put(String.valueOf(i), "LABEL_" + i);
            label2id.put("LABEL_" + i, i);
        }
        return o;
    }

    /** Saves the folder atomically: config.json, weights (sharded above the default threshold), tokenizer files. */
    public void save(Path dir, Path tokenizerDir) {
        save(dir, tokenizerDir, ModelFolder.DEFAULT_MAX_SHARD_BYTES);
    }

    public void save(Path dir, Path tokenizerDir, long maxShardBytes) {
        Path staging = AtomicFiles.stagingDirectoryFor(dir);
        try {
            ObjectNode json = toHfJson();
            json.put("transformers_version", ModelWriter.TRANSFORMERS_VERSION);
            AtomicFiles.writeString(staging.resolve(ModelFolder.CONFIG), ConfigJson.toHfJson(json));
            ModelFolder.writeWeights(staging, WeightTable.entries(params, DType.F32), maxShardBytes);
            ModelFolder.copyTokenizerFiles(tokenizerDir, staging);
            AtomicFiles.publishDirectory(staging, dir);
        } catch (RuntimeException e) {
            AtomicFiles.deleteRecursively(staging);
            throw e;
        }
    }

    @Override
    public void close() {
        params.close();
    }
}
