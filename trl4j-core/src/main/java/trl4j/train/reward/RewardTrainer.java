package trl4j.train.reward;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import trl4j.checkpoint.AtomicFiles;
import trl4j.config.StageConfig;
import trl4j.config.TrainingConfig;
import trl4j.data.Comparison;
import trl4j.data.PromptCompletion;
import trl4j.model.Parameters;
import trl4j.model.ScoreModel;
import trl4j.model.registry.Models;
import trl4j.tensor.GradMode;
import trl4j.train.AdamW;
import trl4j.train.BatchPlan;
import trl4j.train.CheckpointManager;
import trl4j.train.GracefulStop;
import trl4j.train.LayerFreezing;
import trl4j.train.LrSchedule;
import trl4j.train.MetricsSink;
import trl4j.train.NanGuard;
import trl4j.train.Plots;
import trl4j.train.ProgressBar;
import trl4j.train.ResidentMemory;
import trl4j.train.Seeds;
import trl4j.train.TrainerState;
import trl4j.train.Updater;

/**
 * Trains a reward model on comparisons (Stiennon et al. 2020; TRL's {@code RewardTrainer}): for each
 * optimizer step, the pairs of its micro-batches are scored and the mean Bradley–Terry loss
 * ({@link RewardLoss}) is minimised with AdamW; every {@code eval_steps} the validation pairs give
 * accuracy and margins (per negative kind); checkpoints every {@code save_steps} resume exactly. At
 * the end the whole validation set is evaluated, scores are normalised on reference summaries
 * ({@link Normalization}) and the model is saved to {@code output_dir/final}.
 *
 * <pre>{@code
 * RewardModel rm = RewardModel.fromPretrained(Path.of("runs/sft-debian/final"), null, manager, 42, options);
 * RewardTrainingResult r = new RewardTrainer(rm, train, validation, config).train();
 * }</pre>
 */
public final class RewardTrainer {

    /** The final model's folder in the run folder. */
    public static final String FINAL = "final";
    /** The final evaluation, written beside it. */
    public static final String EVAL_RESULTS = "eval_results.json";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final RewardModel model;
    private final List<Comparison> train;
    private final List<Comparison> validation;
    private final StageConfig<RewardMethod> config;
    private List<PromptCompletion> references;
    private String referencesSource;
    private PrintStream log = System.err;
    private long stopAfter = Long.MAX_VALUE;

    /**
     * @param validation held-out comparisons (evaluation and, by default, normalisation); may be empty
     */
    public RewardTrainer(RewardModel model, List<Comparison> train, List<Comparison> validation, StageConfig<RewardMethod> config) {
        this.model = model;
        this.train = List.copyOf(train);
        this.validation = validation == null ? List.of() : List.copyOf(validation);
        this.config = config;
    }

    /** Normalise on these reference summaries instead of the validation set's chosen ones. */
    public RewardTrainer normalizeOn(List<PromptCompletion> references, String source) {
        this.references = List.copyOf(references);
        this.referencesSource = source;
        return this;
    }

    /** Where progress lines and summaries go (default stderr). */
    public RewardTrainer log(PrintStream out) {
        this.log = out;
        return this;
    }

    /** Stops after this step with a checkpoint, as a signal would (tests, time-boxed runs). */
    public RewardTrainer stopAfter(long step) {
        this.stopAfter = step;
        return this;
    }

    public RewardTrainingResult train() {
        long started = System.nanoTime();
        TrainingConfig t = config.training();
        RewardMethod m = config.method();
        Path runDir = Path.of(t.run().outputDir());
        EncodedComparisons trainData = EncodedComparisons.of(model.encoder(), train);
        EncodedComparisons valData = validation.isEmpty() ? null : EncodedComparisons.of(model.encoder(), validation);
        long identical = trainData.identical() + (valData == null ? 0 : valData.identical());
        log.printf("reward: %d training pairs, %d validation pairs (%d with chosen = rejected skipped)%n", trainData.size(),
                valData == null ? 0 : valData.size(), identical);
        if (trainData.size() == 0) {
            throw new IllegalArgumentException("no usable training comparison (" + trainData.identical() + " had chosen = rejected)");
        }
        BatchPlan plan = new BatchPlan(trainData.size(), t.loop().perDeviceTrainBatchSize(), t.loop().gradientAccumulationSteps(),
                t.run().seed());
        long total = t.loop().plannedSteps((long) plan.stepsPerEpoch() * t.loop().gradientAccumulationSteps());
        CheckpointManager checkpoints = CheckpointManager.of(t.run());
        Optional<CheckpointManager.Checkpoint> resume = resumePoint(checkpoints, t.run().resumeFromCheckpoint());

        ScoreModel net = model.model();
        Parameters params = net.parameters();
        model.setOptions(model.options().withScoreOffset(0)); // training reads the head's raw output
        model.setNormalization(null);
        net.setTraining(!m.disableDropout());
        params.setTrainable(LayerFreezing.trainable(params, t.model().numLayersUnfrozen()));
        resume.ifPresent(c -> copyWeights(c.dir(), params));
        TrainerState state = resume.map(CheckpointManager.Checkpoint::state).orElse(TrainerState.start(total, t.run().seed()));
        resume.ifPresent(c -> log.println("reward: resuming from " + c.dir() + " (step " + c.step() + " of " + total + ")"));
        NanGuard guard = new NanGuard(t.loop().maxConsecutiveNanSteps());
        guard.restore(state.skippedSteps(), state.consecutiveSkips());
        Path metricsFile = runDir.resolve(MetricsSink.FILE);
        long step = state.globalStep();
        boolean stopped = false;
        try (AdamW adamw = resume.isPresent() ? AdamW.restore(params, resume.get().dir()) : AdamW.create(params, t.optimizer());
                MetricsSink metrics = MetricsSink.resume(metricsFile, state.globalStep());
                GracefulStop stop = GracefulStop.install(Duration.ofMinutes(2))) {
            Updater updater = new Updater(params, adamw, LrSchedule.of(t.schedule(), t.optimizer().learningRate(), total),
                    t.loop().maxGradNorm(), guard);
            ProgressBar bar = new ProgressBar("reward", total, log, System.console() != null, System::nanoTime, 30);
            bar.start(step);
            while (step < total && !stopped) {
                step++;
                Seeds.seedStep(t.run().seed(), step);
                RewardStep.Stats s = RewardStep.run(net, trainData, rows(plan.microBatches(step)),
                        t.loop().perDeviceTrainBatchSize(), m.centerCoefficient());
                Updater.Result r = updater.apply(step, s.loss());
                bar.update(step, s.loss(), r.learningRate(), s.tokens());
                if (t.run().logsAt(step) || step == total) {
                    Map<String, Double> line = new LinkedHashMap<>();
                    line.put("loss", s.loss());
                    line.put("accuracy", s.accuracy());
                    line.put("margin", s.margin());
                    line.put("mean_reward", s.meanReward());
                    line.put("learning_rate", r.learningRate());
                    line.put("grad_norm", r.gradNorm());
                    line.put("skipped_steps", (double) guard.skipped());
                    line.putAll(ResidentMemory.measure());
                    metrics.log(step, plan.epochProgress(step), line);
                }
                Map<String, Double> eval = Map.of();
                if (valData != null && t.run().evaluatesAt(step)) {
                    eval = evaluate(valData.head(m.evalMaxComparisons()), m).toMetrics("eval_");
                    metrics.log(step, plan.epochProgress(step), eval);
                    log.printf("reward: step %d eval_loss %.4f eval_accuracy %.4f eval_margin %.4f%n", step,
                            eval.get("eval_loss"), eval.get("eval_accuracy"), eval.get("eval_margin"));
                    ResidentMemory.releaseFreedNativeMemory(); // the evaluation batches' peak, not training's
                }
                stopped = stop.requested() || step >= stopAfter;
                if (t.run().savesAt(step) || stopped || step == total) {
                    TrainerState now = new TrainerState(step, plan.epochProgress(step), plan.epochOf(step + 1),
                            plan.batchesInEpochAfter(step), total, t.run().seed(), guard.skipped(), guard.consecutive(),
                            r.learningRate(), null, null, null);
                    CheckpointManager.Contents files = model::writeInto;
                    checkpoints.save(now, files.and(adamw::save), eval);
                }
            }
        }
        if (step < total) {
            log.println("reward: stopped at step " + step + " of " + total + "; resume with --resume");
            return new RewardTrainingResult(runDir, null, step, total, trainData.size(), identical, guard.skipped(), null,
                    Double.NaN, Duration.ofNanos(System.nanoTime() - started));
        }
        return finish(runDir, valData, metricsFile, step, total, trainData.size(), identical, guard.skipped(), started);
    }

    /** Final evaluation, normalisation, the final model, its eval_results.json and the plots. */
    private RewardTrainingResult finish(Path runDir, EncodedComparisons valData, Path metricsFile, long step, long total,
            long trainPairs, long identical, long skipped, long started) {
        RewardMethod m = config.method();
        RewardEvaluation raw = valData == null ? null : evaluate(valData, m);
        double referenceMean = Double.NaN;
        if (m.normalize()) {
            double[] refScores = referenceScores(valData, raw);
            if (refScores.length == 0) {
                log.println("reward: no validation or reference summaries: scores are not normalised");
            } else {
                referenceMean = Normalization.mean(refScores);
                ObjectNode rec = Normalization.apply(model, referenceMean, refScores.length,
                        references != null ? referencesSource : "chosen summaries of the validation comparisons");
                log.printf("reward: normalised: references scored %.4f on average (%d); %s%n", referenceMean, refScores.length,
                        rec.get("applied").asText());
            }
        }
        RewardEvaluation evaluation = raw == null ? null : shifted(valData, raw, Double.isNaN(referenceMean) ? 0 : -referenceMean);
        Path finalDir = runDir.resolve(FINAL);
        model.save(finalDir);
        ObjectNode results = JSON.createObjectNode();
        results.put("global_step", step);
        results.put("train_pairs", trainPairs);
        results.put("identical_skipped", identical);
        results.put("skipped_steps", skipped);
        if (evaluation != null) {
            results.set("validation", JSON.valueToTree(evaluation.toMetrics("eval_")));
            log.print(evaluation.table());
        }
        ObjectNode norm = model.normalization();
        if (norm != null) {
            results.set("normalization", norm);
        }
        AtomicFiles.writeString(runDir.resolve(EVAL_RESULTS), results.toPrettyString() + "\n");
        List<String> keys = new ArrayList<>(List.of("loss", "accuracy", "margin", "learning_rate", "grad_norm", "eval_loss",
                "eval_accuracy", "eval_margin"));
        if (evaluation != null && evaluation.hasKinds()) {
            evaluation.byKind().keySet().forEach(k -> keys.add("eval_accuracy/" + k));
        }
        if (java.nio.file.Files.exists(metricsFile)) {
            Plots.write(metricsFile, runDir.resolve("plots"), keys);
        }
        log.println("reward: final model in " + finalDir);
        return new RewardTrainingResult(runDir, finalDir, step, total, trainPairs, identical, skipped, evaluation, referenceMean,
                Duration.ofNanos(System.nanoTime() - started));
    }

    private RewardEvaluation evaluate(EncodedComparisons data, RewardMethod m) {
        ScoreModel net = model.model();
        net.setTraining(false);
        try {
            return RewardEvaluation.of(model, data, m.centerCoefficient());
        } finally {
            net.setTraining(!m.disableDropout());
        }
    }

    /** Raw scores of the normalisation references: the given ones, else the validation set's unique chosen summaries. */
    private double[] referenceScores(EncodedComparisons valData, RewardEvaluation raw) {
        if (references != null) {
            List<String> prompts = references.stream().map(PromptCompletion::prompt).toList();
            List<String> completions = references.stream().map(PromptCompletion::completion).toList();
            return model.score(prompts, completions);
        }
        if (valData == null) {
            return new double[0];
        }
        Set<String> seen = new HashSet<>();
        List<Double> out = new ArrayList<>();
        for (int i = 0; i < valData.size(); i++) {
            Comparison c = validation.get(valData.pairs().get(i).source());
            if (seen.add(c.prompt() + "\u0000" + c.chosen())) {
                out.add(raw.chosenScores()[i]);
            }
        }
        return out.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private RewardEvaluation shifted(EncodedComparisons data, RewardEvaluation raw, double shift) {
        double[] c = raw.chosenScores().clone();
        double[] r = raw.rejectedScores().clone();
        for (int i = 0; i < c.length; i++) {
            c[i] += shift;
            r[i] += shift;
        }
        return RewardEvaluation.of(data, c, r, config.method().centerCoefficient());
    }

    private static int[] rows(List<int[]> microBatches) {
        return microBatches.stream().flatMapToInt(java.util.Arrays::stream).toArray();
    }

    private static Optional<CheckpointManager.Checkpoint> resumePoint(CheckpointManager checkpoints, String from) {
        if (from == null) {
            Optional<CheckpointManager.Checkpoint> old = checkpoints.latest();
            if (old.isPresent()) {
                throw new IllegalArgumentException(checkpoints.directory() + " already holds " + old.get().dir().getFileName()
                        + ": resume it (--resume) or choose another output_dir");
            }
            return Optional.empty();
        }
        if (from.equals("latest")) {
            return Optional.of(checkpoints.latest().orElseThrow(() -> new IllegalArgumentException(
                    "nothing to resume: no checkpoint in " + checkpoints.directory())));
        }
        return Optional.of(CheckpointManager.read(Path.of(from)));
    }

    /** The checkpoint's weights into the model's own arrays (so the caller's RewardModel stays the trained one). */
    private void copyWeights(Path dir, Parameters params) {
        try (NDManager scratch = params.manager().newSubManager(); GradMode g = GradMode.disabled()) {
            ScoreModel saved = Models.loadScoreModel(dir, scratch, 0, model.model().padTokenId());
            if (!saved.parameters().names().equals(params.names())) {
                throw new IllegalArgumentException(dir + ": the checkpoint's tensors " + saved.parameters().names()
                        + " differ from the model's " + params.names());
            }
            for (String name : params.names()) {
                params.get(name).set(saved.parameters().get(name).toByteBuffer());
            }
        }
    }
}
