package trl4j.train.sft;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import trl4j.checkpoint.AtomicFiles;
import trl4j.checkpoint.ModelFolder;
import trl4j.config.RunSettings;
import trl4j.model.LanguageModel;
import trl4j.model.ModelWriter;
import trl4j.model.Seq2SeqLm;
import trl4j.tokenizer.Tokenizer;
import trl4j.train.CheckpointManager;
import trl4j.train.MetricsSink;
import trl4j.train.Plots;

/**
 * The layout of an SFT run folder ({@code output_dir}):
 *
 * <pre>
 * resolved-config.yaml        the config as run (every key)
 * tokenizer/                  the BPE tokenizer trained for a from-scratch preset (reused on resume)
 * metrics.jsonl               loss, learning_rate, grad_norm, tokens_per_second, memory/rss_mb; eval_* lines
 * eval_predictions.jsonl      the summaries of the latest evaluation beside their references
 * checkpoints/step-N/         model (HF folder + tokenizer), optimizer, trainer_state.json; latest, best
 * final/                      the trained model: a Hugging Face folder with tokenizer files and a
 *                             generation_config.json carrying gen_kwargs (loads in ./trl4j generate)
 * plots/*.png                 loss, learning_rate, eval_loss, eval_rouge1/2/L, ...
 * test_results.json, test_predictions.jsonl   do_predict
 * </pre>
 *
 * The reward-model and PPO stages read {@code <sft output_dir>/final} by this convention.
 */
public final class SftRunFolder {

    public static final String FINAL = "final";
    public static final String TOKENIZER = "tokenizer";
    public static final String PLOTS = "plots";
    public static final String EVAL_PREDICTIONS = "eval_predictions.jsonl";
    public static final String TEST_RESULTS = "test_results.json";
    public static final String TEST_PREDICTIONS = "test_predictions.jsonl";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;
    private final RunSettings run;

    public SftRunFolder(Path dir, RunSettings run) {
        this.dir = dir;
        this.run = run;
    }

    public Path dir() {
        return dir;
    }

    public Path metricsFile() {
        return dir.resolve(MetricsSink.FILE);
    }

    /**
     * The metric that picks the best checkpoint, as Hugging Face names it: {@code rougeL} and
     * {@code eval_rougeL} are the same metric; null when none is tracked.
     */
    public static String bestMetric(RunSettings run) {
        String m = run.metricForBestModel();
        return m == null ? null : m.startsWith("eval_") ? m : "eval_" + m;
    }

    /** The run's checkpoints, tracking the best by {@code metric_for_best_model}. */
    public CheckpointManager checkpoints() {
        String metric = bestMetric(run);
        if (metric != null && run.saveStrategy() == RunSettings.Strategy.STEPS && run.saveSteps() % run.evalInterval() != 0) {
            // As Hugging Face requires for load_best_model_at_end: a checkpoint must be an evaluated model.
            throw new IllegalArgumentException("save_steps = " + run.saveSteps() + " must be a multiple of eval_steps = "
                    + run.evalInterval() + " when metric_for_best_model is set");
        }
        return new CheckpointManager(dir, run.saveTotalLimit(), metric, run.greaterIsBetter() == null || run.greaterIsBetter());
    }

    /**
     * Where training starts: nothing for a fresh run, the latest or a named checkpoint when
     * {@code resume_from_checkpoint} says so. A checkpoint must come from a run with the same data,
     * batch plan, seed and length (its {@code identity}), or the resumed run would not be the same run.
     */
    public Optional<CheckpointManager.Checkpoint> resumePoint(ObjectNode identity) {
        CheckpointManager checkpoints = checkpoints();
        String from = run.resumeFromCheckpoint();
        if (from == null) {
            if (!checkpoints.list().isEmpty()) {
                throw new IllegalArgumentException(dir + " already holds checkpoints of an earlier run: continue it with"
                        + " --resume (resume_from_checkpoint: latest), or choose another output_dir");
            }
            return Optional.empty();
        }
        CheckpointManager.Checkpoint c = from.equals("latest")
                ? checkpoints.latest().orElseThrow(() -> new IllegalArgumentException(
                        "resume_from_checkpoint: no checkpoint in " + checkpoints.directory() + " to resume"))
                : CheckpointManager.read(Path.of(from));
        ObjectNode saved = c.state().extra();
        for (Iterator<String> it = identity.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!identity.get(key).asText().equals(saved.path(key).asText())) {
                throw new IllegalArgumentException(c.dir() + " was written by a run with " + key + " = " + saved.get(key)
                        + " but this run has " + identity.get(key) + "; a resumed run must repeat the original's settings");
            }
        }
        return Optional.of(c);
    }

    /** Saves the trained model to {@code final/} with tokenizer files and a generation config from {@code gen_kwargs}. */
    public Path saveFinal(LanguageModel model, Tokenizer tokenizer, SftMethod.GenKwargs gen) {
        ObjectNode generation = ModelWriter.defaultGenerationConfig(model.config());
        generation.remove("_from_model_config");
        if (model instanceof Seq2SeqLm s2s) {
            generation.put("decoder_start_token_id", s2s.decoderStartTokenId());
        }
        generation.put("max_new_tokens", gen.maxNewTokens());
        if (gen.minNewTokens() > 0) {
            generation.put("min_new_tokens", gen.minNewTokens());
        }
        if (gen.doSample()) {
            generation.put("do_sample", true);
            generation.put("temperature", gen.temperature());
            generation.put("top_k", gen.topK());
            generation.put("top_p", gen.topP());
        }
        if (gen.repetitionPenalty() != 1.0) {
            generation.put("repetition_penalty", gen.repetitionPenalty());
        }
        if (gen.encoderRepetitionPenalty() != 1.0) {
            generation.put("encoder_repetition_penalty", gen.encoderRepetitionPenalty());
        }
        Path target = dir.resolve(FINAL);
        ModelWriter.save(model, target, generation, tokenizer.dir(), ModelFolder.DEFAULT_MAX_SHARD_BYTES);
        return target;
    }

    /** Redraws {@code plots/*.png} from {@code metrics.jsonl}; the files written. */
    public List<Path> plot() {
        return plot(dir);
    }

    /** Draws the plots of any run folder with a {@code metrics.jsonl}: every key it logged. */
    public static List<Path> plot(Path runDir) {
        return Plots.writeAll(runDir);
    }

    /** The latest evaluation's summaries, one JSON object per line. */
    public void writeEvalPredictions(List<SftEvaluator.Prediction> predictions) {
        AtomicFiles.writeString(dir.resolve(EVAL_PREDICTIONS), lines(predictions));
    }

    /** {@code test_results.json} (metrics) and {@code test_predictions.jsonl}. */
    public void writeTestResults(SftEvaluator.Result result) {
        ObjectNode metrics = JSON.createObjectNode();
        result.metrics().forEach(metrics::put);
        try {
            AtomicFiles.writeString(dir.resolve(TEST_RESULTS), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(metrics) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        AtomicFiles.writeString(dir.resolve(TEST_PREDICTIONS), lines(result.predictions()));
    }

    private static String lines(List<SftEvaluator.Prediction> predictions) {
        StringBuilder out = new StringBuilder();
        for (SftEvaluator.Prediction p : predictions) {
            ObjectNode o = JSON.createObjectNode();
            o.put("prompt", p.prompt());
            o.put("prediction", p.prediction());
            o.put("reference", p.reference());
            out.append(o).append('\n');
        }
        return out.toString();
    }

    /** One line for the console: the metrics and a sample summary. */
    public String describeEval(long step, Map<String, Double> metrics, List<SftEvaluator.Prediction> predictions) {
        StringBuilder b = new StringBuilder("eval step ").append(step).append(':');
        metrics.forEach((k, v) -> b.append(String.format(Locale.ROOT, " %s %.4f", k.replaceFirst("^eval_", ""), v)));
        if (!predictions.isEmpty()) {
            SftEvaluator.Prediction p = predictions.get(0);
            b.append("\n  e.g. \"").append(p.prediction()).append("\" (reference \"").append(p.reference()).append("\")");
        }
        return b.toString();
    }
}
