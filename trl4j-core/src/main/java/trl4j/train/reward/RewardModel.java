package trl4j.train.reward;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import trl4j.checkpoint.ConfigJson;
import trl4j.checkpoint.ModelFolder;
import trl4j.config.TokenizerSettings.Side;
import trl4j.model.ModelWriter;
import trl4j.model.RewardFunction;
import trl4j.model.ScoreModel;
import trl4j.model.registry.Models;
import trl4j.tensor.GradMode;
import trl4j.tokenizer.Tokenizer;
import trl4j.train.reward.RewardEncoder.Encoded;

/**
 * A reward model: a transformer with a scalar head ({@link ScoreModel}) and its tokenizer, scoring
 * (prompt, response) pairs for PPO ({@link RewardFunction}) and for evaluation. How texts become ids
 * is {@link RewardEncoder}'s convention.
 *
 * <pre>{@code
 * try (NDManager manager = NDManager.newBaseManager();
 *         RewardModel rm = RewardModel.load(Path.of("runs/rm-debian/final"), manager)) {
 *     double[] scores = rm.score(List.of(prompt), List.of(" a summary"));
 * }
 * // A fresh head on an SFT model, to train:
 * RewardModel rm = RewardModel.fromPretrained(Path.of("runs/sft-debian/final"), null, manager, 42, RewardModel.Options.DEFAULTS);
 * }</pre>
 *
 * <p><b>Normalisation.</b> Scores are the head's output plus {@link Options#scoreOffset}, the shift
 * that made held-out reference summaries score mean 0 after training (Stiennon et al. 2020). Where
 * the architecture allows (GPT-2) the shift is folded into the weights instead, the offset is 0 and
 * Hugging Face's model gives the same scores; otherwise the saved {@code config.json} records the
 * offset under {@code trl4j.reward.score_offset} and trl4j adds it.
 */
public final class RewardModel implements RewardFunction, AutoCloseable {

    /** Key of trl4j's record in a saved {@code config.json}. */
    public static final String CONFIG_KEY = "trl4j";
    /** Key of the reward record inside it. */
    public static final String REWARD_KEY = "reward";

    /**
     * How the model reads and scores text.
     *
     * @param maxLength most tokens per sequence (longer ones lose prompt tokens; see {@link RewardEncoder})
     * @param truncationSide which end of a too-long prompt is cut
     * @param appendEos end (prompt, response) sequences with EOS
     * @param scoreOffset added to every score (the normalisation, when not folded into the weights)
     * @param batchSize items per forward pass when scoring
     */
    public record Options(int maxLength, Side truncationSide, boolean appendEos, double scoreOffset, int batchSize) {
        public static final Options DEFAULTS = new Options(1024, Side.RIGHT, true, 0, 16);

        public Options {
            if (maxLength < 2 || batchSize < 1 || truncationSide == null || !Double.isFinite(scoreOffset)) {
                throw new IllegalArgumentException("reward model options: max_length >= 2, batch size >= 1, a truncation side"
                        + " and a finite offset are required (got " + maxLength + ", " + batchSize + ", " + truncationSide
                        + ", " + scoreOffset + ")");
            }
        }

        public Options withScoreOffset(double offset) {
            return new Options(maxLength, truncationSide, appendEos, offset, batchSize);
        }

        public Options withBatchSize(int size) {
            return new Options(maxLength, truncationSide, appendEos, scoreOffset, size);
        }
    }

    private final ScoreModel model;
    private final Tokenizer tokenizer;
    private Options options;
    private RewardEncoder encoder;
    private ObjectNode normalization;

    /** A reward model with the default options (see {@link Options#DEFAULTS}). */
    public RewardModel(ScoreModel model, Tokenizer tokenizer) {
        this(model, tokenizer, Options.DEFAULTS);
    }

    public RewardModel(ScoreModel model, Tokenizer tokenizer, Options options) {
        if (model.numLabels() != 1) {
            throw new IllegalArgumentException("a reward model has one score per text (num_labels = 1); this model has "
                    + model.numLabels() + " labels");
        }
        this.model = model;
        this.tokenizer = tokenizer;
        setOptions(options);
    }

    /**
     * Loads a trained reward model: a folder saved by trl4j or a Hugging Face
     * {@code *ForSequenceClassification} checkpoint with one label. trl4j's record in config.json
     * (offset, max_length, truncation side, EOS rule) gives the options; a foreign checkpoint gets
     * the defaults.
     */
    public static RewardModel load(Path dir, NDManager manager) {
        return load(dir, null, manager, null);
    }

    /**
     * Loads a trained reward model with another tokenizer folder or options.
     *
     * @param tokenizerDir folder with tokenizer.json, or null for {@code dir}
     * @param options options, or null for the folder's own record
     */
    public static RewardModel load(Path dir, Path tokenizerDir, NDManager manager, Options options) {
        ModelFolder.open(dir); // a missing folder or config.json is a one-line error
        if (!Models.check(dir).classifier()) {
            throw new IllegalArgumentException(dir + ": a language model, not a reward model (no score.weight); train one with"
                    + " ./trl4j reward train, or pass it as model_name_or_path");
        }
        Tokenizer tokenizer = Tokenizer.load(tokenizerDir != null ? tokenizerDir : dir);
        ScoreModel m = Models.loadScoreModel(dir, manager, 0, padFallback(tokenizer));
        ObjectNode record = savedRecord(dir);
        RewardModel rm = new RewardModel(m, tokenizer, options != null ? options : optionsOf(record));
        rm.normalization = record != null && record.get("normalization") instanceof ObjectNode n ? n.deepCopy() : null;
        return rm;
    }

    /**
     * A reward model to train: a saved reward model as it is, or a language model (an SFT or
     * pretrained checkpoint) with a fresh one-label head drawn from {@code seed}.
     */
    public static RewardModel fromPretrained(Path dir, Path tokenizerDir, NDManager manager, long seed, Options options) {
        ModelFolder.open(dir);
        Path tokDir = tokenizerDir != null ? tokenizerDir : dir;
        if (!Files.isRegularFile(tokDir.resolve("tokenizer.json"))) {
            throw new IllegalArgumentException(tokDir + ": no tokenizer.json (set tokenizer_path to the folder of the model's tokenizer)");
        }
        Tokenizer tokenizer = Tokenizer.load(tokDir);
        return new RewardModel(Models.loadScoreModel(dir, manager, seed, padFallback(tokenizer)), tokenizer, options);
    }

    /** The pad id for a config without one: the tokenizer's pad token, else its EOS (TRL's convention). */
    static Integer padFallback(Tokenizer tokenizer) {
        return tokenizer.padId() != null ? tokenizer.padId() : tokenizer.eosId();
    }

    /** trl4j's reward record of a saved folder, or null. */
    static ObjectNode savedRecord(Path dir) {
        JsonNode trl4j = ConfigJson.read(dir.resolve(ModelFolder.CONFIG)).getNode(CONFIG_KEY);
        return trl4j != null && trl4j.get(REWARD_KEY) instanceof ObjectNode o ? o : null;
    }

    private static Options optionsOf(ObjectNode record) {
        Options d = Options.DEFAULTS;
        if (record == null) {
            return d;
        }
        Side side = Side.valueOf(record.path("truncation_side").asText("right").toUpperCase(Locale.ROOT));
        return new Options(record.path("max_length").asInt(d.maxLength()), side,
                record.path("append_eos_token").asBoolean(d.appendEos()), record.path("score_offset").asDouble(0), d.batchSize());
    }

    public ScoreModel model() {
        return model;
    }

    public Tokenizer tokenizer() {
        return tokenizer;
    }

    public Options options() {
        return options;
    }

    public RewardEncoder encoder() {
        return encoder;
    }

    /** Replaces the options (e.g. a new offset after normalisation, another batch size for scoring). */
    public void setOptions(Options options) {
        this.options = options;
        this.encoder = new RewardEncoder(tokenizer, model.isEncoderDecoder(), model.decoderStartTokenId(),
                options.maxLength(), options.truncationSide(), options.appendEos());
    }

    /** What the normalisation recorded (reference mean, count, source, how applied), or null. */
    public ObjectNode normalization() {
        return normalization == null ? null : normalization.deepCopy();
    }

    void setNormalization(ObjectNode record) {
        this.normalization = record == null ? null : record.deepCopy();
    }

    /** This reward model scoring in batches of {@code size} (PPO's forward batch); returns itself. */
    public RewardModel batchSize(int size) {
        setOptions(options.withBatchSize(size));
        return this;
    }

    /** Normalised scores of (prompt, response) pairs: batched, no gradients. */
    @Override
    public double[] score(List<String> prompts, List<String> responses) {
        return scoreEncoded(encoder.pairs(prompts, responses));
    }

    /** Normalised scores of texts read as-is ({@code tokenizer(text)}; decoder-only models). */
    public double[] scoreTexts(List<String> texts) {
        return scoreEncoded(encoder.texts(texts));
    }

    /** Scores (offset added) of encoded items, in batches of similar length, without gradients. */
    public double[] scoreEncoded(List<Encoded> items) {
        double[] raw = rawScores(items);
        for (int i = 0; i < raw.length; i++) {
            raw[i] += options.scoreOffset();
        }
        return raw;
    }

    /**
     * Scores (offset added) of comparisons: {chosen[n], rejected[n]}, without gradients. Pairs of
     * similar length are scored together, each pair's common prefix once where the model allows.
     */
    public double[][] scorePairs(List<EncodedComparisons.Pair> pairs) {
        double[][] out = new double[2][pairs.size()];
        int perPass = Math.max(1, options.batchSize() / 2);
        Integer[] order = java.util.stream.IntStream.range(0, pairs.size()).boxed().toArray(Integer[]::new);
        java.util.Arrays.sort(order, java.util.Comparator.comparingInt((Integer i) -> -pairs.get(i).tokens()).thenComparingInt(i -> i));
        try (GradMode g = GradMode.disabled()) {
            for (int from = 0; from < order.length; from += perPass) {
                int to = Math.min(order.length, from + perPass);
                List<EncodedComparisons.Pair> batch = new ArrayList<>(to - from);
                for (int k = from; k < to; k++) {
                    batch.add(pairs.get(order[k]));
                }
                try (NDManager scope = model.parameters().manager().newSubManager()) {
                    float[] v = RewardStep.scores(model, scope, batch).toFloatArray();
                    for (int k = from; k < to; k++) {
                        out[0][order[k]] = v[k - from] + options.scoreOffset();
                        out[1][order[k]] = v[batch.size() + k - from] + options.scoreOffset();
                    }
                }
            }
        }
        return out;
    }

    /** The head's outputs without the offset. */
    double[] rawScores(List<Encoded> items) {
        double[] out = new double[items.size()];
        try (GradMode g = GradMode.disabled()) {
            for (int[] batch : ScoreBatch.byLength(items, options.batchSize())) {
                List<Encoded> rows = new ArrayList<>(batch.length);
                for (int i : batch) {
                    rows.add(items.get(i));
                }
                try (NDManager scope = model.parameters().manager().newSubManager()) {
                    NDArray s = ScoreBatch.scores(model, scope, rows);
                    float[] v = s.toFloatArray();
                    for (int k = 0; k < batch.length; k++) {
                        out[batch[k]] = v[k];
                    }
                }
            }
        }
        return out;
    }

    /** trl4j's record for config.json: options, offset and normalisation. */
    ObjectNode configRecord() {
        ObjectNode r = JsonNodeFactory.instance.objectNode();
        r.put("score_offset", options.scoreOffset());
        r.put("append_eos_token", options.appendEos());
        r.put("max_length", options.maxLength());
        r.put("truncation_side", options.truncationSide().name().toLowerCase(Locale.ROOT));
        if (normalization != null) {
            r.set("normalization", normalization.deepCopy());
        }
        return r;
    }

    /** The config.json additions: trl4j's object (other stages' entries kept) with the reward record. */
    ObjectNode configAdditions() {
        ObjectNode trl4j = model.toHfJson().get(CONFIG_KEY) instanceof ObjectNode o ? o.deepCopy()
                : JsonNodeFactory.instance.objectNode();
        trl4j.set(REWARD_KEY, configRecord());
        ObjectNode add = JsonNodeFactory.instance.objectNode();
        add.set(CONFIG_KEY, trl4j);
        return add;
    }

    /** Saves the folder atomically: Hugging Face layout, trl4j's record in config.json, tokenizer files. */
    public void save(Path dir) {
        ModelWriter.saveScoreModel(model, dir, tokenizer.dir(), configAdditions());
    }

    /** Writes the folder's files into an existing (staging) folder. */
    public void writeInto(Path dir) {
        ModelWriter.writeScoreModelInto(model, dir, tokenizer.dir(), configAdditions());
    }

    @Override
    public void close() {
        model.close();
        tokenizer.close();
    }
}
