package trl4j.train.sft;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import trl4j.data.Datasets;
import trl4j.data.PromptCompletion;
import trl4j.data.ReadOptions;
import trl4j.data.debian.DebianTldr;
import trl4j.config.StageConfig;
import trl4j.model.LanguageModel;
import trl4j.model.registry.Models;
import trl4j.model.registry.Presets;
import trl4j.tokenizer.BpeTrainer;
import trl4j.tokenizer.BpeTrainerConfig;
import trl4j.tokenizer.Tokenizer;

/**
 * The SFT stage from a config alone, as {@code ./trl4j sft} and the pipeline run it: reads the data
 * (the bundled debian-tldr splits or files), the tokenizer (a folder, or a byte-level BPE trained on
 * the training texts for a from-scratch preset, saved to {@code RUN/tokenizer} and reused), the model
 * (a Hugging Face folder, or {@code preset:NAME} initialised as Hugging Face does from the run seed),
 * trains with {@link SftTrainer}, and with {@code do_predict} scores the test rows.
 *
 * <pre>{@code
 * StageConfig<SftMethod> config = new ConfigLoader<>(SftMethod.SCHEMA).load(Path.of("configs/sft-debian.yaml"), List.of()).config();
 * SftResult result = SftRun.run(config, Path.of(""), System.err);
 * }</pre>
 */
public final class SftRun {

    private SftRun() {}

    /**
     * Trains (resuming when {@code resume_from_checkpoint} is set) and, with {@code do_predict}, evaluates on test.
     *
     * @param home where the bundled dataset is looked up from (it or a parent holds data/debian-tldr);
     *     data files are relative to the working directory
     * @param log progress notes (the progress bar itself goes to stderr)
     */
    public static SftResult run(StageConfig<SftMethod> config, Path home, PrintStream log) {
        SftMethod m = config.method();
        Path runDir = Path.of(config.training().run().outputDir());
        List<PromptCompletion> train = rows(home, m.trainFile(), m, "train");
        List<PromptCompletion> validation = rows(home, m.validationFile(), m, "validation");
        log.printf(Locale.ROOT, "sft: %d training rows, %d validation rows%n", train.size(), validation.size());
        try (NDManager manager = NDManager.newBaseManager();
                Tokenizer tokenizer = tokenizer(config, runDir, train, log);
                LanguageModel model = model(config, tokenizer, manager)) {
            log.printf(Locale.ROOT, "sft: model %s (%s, %,d parameters), run folder %s%n", config.training().model().modelNameOrPath(),
                    model.config().modelType(), model.parameters().count(), runDir);
            SftTrainer trainer = new SftTrainer(model, tokenizer, train, validation, config);
            SftResult result = trainer.train();
            if (result.completed() && m.doPredict()) {
                predict(trainer, rows(home, m.testFile(), m, "test"), log);
            }
            return result;
        }
    }

    /**
     * Test-split loss and ROUGE of a trained model folder (e.g. {@code RUN/final}), with the config's
     * truncation and decoding; written to {@code RUN/test_results.json} and {@code test_predictions.jsonl}.
     */
    public static SftEvaluator.Result predictOnly(StageConfig<SftMethod> config, Path modelDir, Path home, PrintStream log) {
        SftMethod m = config.method();
        List<PromptCompletion> test = rows(home, m.testFile(), m, "test");
        try (NDManager manager = NDManager.newBaseManager();
                Tokenizer tokenizer = Tokenizer.load(modelDir);
                LanguageModel model = Models.load(modelDir, manager)) {
            SftTrainer trainer = new SftTrainer(model, tokenizer, List.of(test.get(0)), List.of(), config);
            return predict(trainer, test, log);
        }
    }

    private static SftEvaluator.Result predict(SftTrainer trainer, List<PromptCompletion> test, PrintStream log) {
        long t0 = System.nanoTime();
        SftEvaluator.Result r = trainer.predict(test);
        log.printf(Locale.ROOT, "sft: test (%d rows, %.0f s):", r.predictions().size(), (System.nanoTime() - t0) / 1e9);
        r.metrics().forEach((k, v) -> log.printf(Locale.ROOT, " %s %.4f", k, v));
        log.println();
        return r;
    }

    /**
     * A split: its file when given, else the bundled dataset's split; with a {@code train_file}, the
     * other splits come from their files only (none when not given), never from the bundled data.
     */
    static List<PromptCompletion> rows(Path home, String file, SftMethod m, String split) {
        if (file != null) {
            Path p = Path.of(file);
            if (!Files.isRegularFile(p)) {
                throw new IllegalArgumentException(split + "_file: " + p.toAbsolutePath() + ": no such file");
            }
            List<PromptCompletion> rows = Datasets.loadPairs(p, ReadOptions.defaults()).rows();
            if (rows.isEmpty()) {
                throw new IllegalArgumentException(split + "_file: " + p + ": no usable rows");
            }
            return rows;
        }
        if (m.trainFile() != null || m.datasetName() == null) {
            return List.of(); // no validation/test data
        }
        return DebianTldr.pairs(DebianTldr.locate(home), split);
    }

    /**
     * The tokenizer: {@code tokenizer_path}, else the model folder, else (a preset) {@code RUN/tokenizer},
     * trained on the training texts the first time.
     */
    /** Fails (one line) when the config names no model to train: checked before anything is printed or written. */
    public static void requireModel(StageConfig<SftMethod> config) {
        if (config.training().model().modelNameOrPath() == null) {
            throw new IllegalArgumentException("model_name_or_path is required: a Hugging Face model folder or a preset ("
                    + String.join(", ", Presets.names().stream().map(n -> Presets.PREFIX + n).toList()) + ")");
        }
    }

    static Tokenizer tokenizer(StageConfig<SftMethod> config, Path runDir, List<PromptCompletion> train, PrintStream log) {
        String path = config.training().tokenizer().tokenizerPath();
        String model = config.training().model().modelNameOrPath();
        if (path != null) {
            return Tokenizer.load(Path.of(path));
        }
        requireModel(config);
        if (!Presets.isPreset(model)) {
            return Tokenizer.load(Path.of(model));
        }
        Path dir = runDir.resolve(SftRunFolder.TOKENIZER);
        if (!Files.isRegularFile(dir.resolve("tokenizer.json"))) {
            long t0 = System.nanoTime();
            BpeTrainer bpe = new BpeTrainer(BpeTrainerConfig.defaults().withVocabSize(config.method().tokenizerVocabSize()));
            for (PromptCompletion row : train) {
                bpe.add(row.prompt() + row.completion());
            }
            try {
                bpe.train().save(dir);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + dir + ": " + e.getMessage(), e);
            }
            log.printf(Locale.ROOT, "sft: trained a byte-level BPE tokenizer on the training texts in %.1f s -> %s%n",
                    (System.nanoTime() - t0) / 1e9, dir);
        }
        return Tokenizer.load(dir);
    }

    /** The starting model: a folder, or a preset initialised from the run seed. */
    static LanguageModel model(StageConfig<SftMethod> config, Tokenizer tokenizer, NDManager manager) {
        String model = config.training().model().modelNameOrPath();
        if (!Presets.isPreset(model)) {
            return Models.load(Path.of(model), manager);
        }
        Integer eos = tokenizer.eosId();
        Integer pad = tokenizer.padId();
        if (eos == null || pad == null) {
            throw new IllegalArgumentException(tokenizer.dir() + ": a model trained from scratch needs a tokenizer with"
                    + " eos_token and pad_token");
        }
        var vocabulary = new Presets.Vocabulary(tokenizer.vocabSize(), pad, eos, tokenizer.bosId());
        return Models.initialize(Presets.config(model, vocabulary), manager, config.training().run().seed());
    }
}
