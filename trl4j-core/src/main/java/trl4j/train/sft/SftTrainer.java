package trl4j.train.sft;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import trl4j.config.ConfigLoader;
import trl4j.config.RunSettings;
import trl4j.config.StageConfig;
import trl4j.config.TrainingConfig;
import trl4j.data.PromptCompletion;
import trl4j.model.LanguageModel;
import trl4j.model.Seq2SeqLm;
import trl4j.tokenizer.Tokenizer;
import trl4j.train.AdamW;
import trl4j.train.BatchPlan;
import trl4j.train.CheckpointManager;
import trl4j.train.GracefulStop;
import trl4j.train.GradientAccumulation;
import trl4j.train.LrSchedule;
import trl4j.train.MetricsSink;
import trl4j.train.NanGuard;
import trl4j.train.ProgressBar;
import trl4j.train.ResidentMemory;
import trl4j.train.Seeds;
import trl4j.train.TrainerState;
import trl4j.train.Updater;

/**
 * Supervised fine-tuning, as TRL's {@code SFTTrainer} / trlX's {@code AccelerateSFTTrainer}: token
 * cross-entropy on the completions (prompt masked), AdamW with a warmup schedule, gradient
 * accumulation, global-norm clipping; evaluation (loss, ROUGE of generated summaries) every
 * {@code eval_steps}; atomic checkpoints every {@code save_steps} that a later run resumes bit for bit.
 *
 * <pre>{@code
 * SftTrainer trainer = new SftTrainer(model, tokenizer, train, validation, 16, 2, config);
 * SftResult result = trainer.train();        // RUN/final holds the model; RUN/metrics.jsonl the curves
 * SftEvaluator.Result test = trainer.predict(testRows);
 * }</pre>
 *
 * The run folder is {@code output_dir} (see {@link SftRunFolder} for its layout). With
 * {@code resume_from_checkpoint} set ("latest" or a checkpoint folder) the weights, optimizer, step,
 * data position and NaN counters come from the checkpoint; the model object passed in receives the
 * checkpoint's weights. Every random draw derives from (seed, step) ({@link Seeds}), dropout included,
 * so a resumed run continues exactly as an uninterrupted one.
 */
public final class SftTrainer {

    private final LanguageModel model;
    private final Tokenizer tokenizer;
    private final List<PromptCompletion> trainRows;
    private final List<PromptCompletion> validationRows;
    private final int batchSize;
    private final int accumulation;
    private final StageConfig<SftMethod> config;
    private final SftEncoder encoder;
    private final SftCollator collator;
    private final SftEvaluator evaluator;
    private final Path runDir;
    private long stopAfter = Long.MAX_VALUE;

    /**
     * @param model a causal LM or an encoder–decoder, its weights where training starts
     * @param tokenizer its tokenizer (files copied into every checkpoint)
     * @param train training rows
     * @param validation held-out rows for {@code eval_loss} and ROUGE (may be empty: no evaluation)
     * @param trainBatchSize rows per micro-batch (wins over {@code per_device_train_batch_size})
     * @param gradientAccumulationSteps micro-batches per optimizer step (wins over the config's)
     * @param config the resolved SFT config
     */
    public SftTrainer(LanguageModel model, Tokenizer tokenizer, List<PromptCompletion> train, List<PromptCompletion> validation,
            int trainBatchSize, int gradientAccumulationSteps, StageConfig<SftMethod> config) {
        if (train.isEmpty()) {
            throw new IllegalArgumentException("no training rows");
        }
        this.model = model;
        this.tokenizer = tokenizer;
        this.trainRows = List.copyOf(train);
        this.validationRows = List.copyOf(validation);
        this.batchSize = trainBatchSize;
        this.accumulation = gradientAccumulationSteps;
        this.config = config;
        TrainingConfig t = config.training();
        checkArchType(model, t);
        boolean seq2seq = model instanceof Seq2SeqLm;
        int maxLength = t.loop().maxLength();
        if (!seq2seq && model.config().maxPositions() > 0 && maxLength > model.config().maxPositions()) {
            throw new IllegalArgumentException("max_length = " + maxLength + " exceeds the model's context of "
                    + model.config().maxPositions() + " positions; lower max_length");
        }
        this.encoder = new SftEncoder(tokenizer, seq2seq, maxLength, config.method().maxCompletionLength(),
                t.tokenizer().truncationSide());
        this.collator = SftCollator.of(model, config.method().completionOnlyLoss());
        this.evaluator = new SftEvaluator(model, tokenizer, encoder, collator, t.loop().perDeviceEvalBatchSize(),
                config.method().genKwargs(), t.run().seed());
        this.runDir = Path.of(t.run().outputDir());
    }

    /** A trainer with the config's batch size and accumulation. */
    public SftTrainer(LanguageModel model, Tokenizer tokenizer, List<PromptCompletion> train, List<PromptCompletion> validation,
            StageConfig<SftMethod> config) {
        this(model, tokenizer, train, validation, config.training().loop().perDeviceTrainBatchSize(),
                config.training().loop().gradientAccumulationSteps(), config);
    }

    /**
     * Stops the run after optimizer step {@code step}, with a checkpoint, as a SIGTERM would (for
     * callers that train in chunks, and for tests).
     */
    public SftTrainer stopAfter(long step) {
        this.stopAfter = step;
        return this;
    }

    public SftEncoder encoder() {
        return encoder;
    }

    /** Trains to the planned number of steps (or until stopped) and saves {@code RUN/final}. */
    public SftResult train() {
        TrainingConfig t = config.training();
        long seed = t.run().seed();
        new ConfigLoader<>(SftMethod.SCHEMA).save(config, runDir);
        List<SftEncoder.Example> train = encoder.encodeAll(trainRows);
        List<SftEncoder.Example> evalLossRows = encoder.encodeAll(limit(validationRows, config.method().maxEvalSamples()));
        List<PromptCompletion> rougeRows = limit(validationRows, config.method().rougeEvalSamples());
        BatchPlan plan = new BatchPlan(train.size(), batchSize, accumulation, seed);
        long total = t.loop().plannedSteps((long) plan.stepsPerEpoch() * accumulation);
        SftRunFolder folder = new SftRunFolder(runDir, t.run());
        CheckpointManager checkpoints = folder.checkpoints();
        ObjectNode identity = identity(train.size(), total, seed);
        Optional<CheckpointManager.Checkpoint> resume = folder.resumePoint(identity);

        model.parameters().setTrainable(name -> true);
        resume.ifPresent(c -> trl4j.train.ModelState.restore(model, c.dir()));
        TrainerState state = resume.map(CheckpointManager.Checkpoint::state).orElse(TrainerState.start(total, seed));
        long started = System.nanoTime();
        double lossSum = 0;
        long stepsRun = 0;
        long tokensRun = 0;
        Map<String, Double> lastEval = Map.of();
        boolean stopped = false;
        try (AdamW adamw = resume.isPresent() ? AdamW.restore(model.parameters(), resume.get().dir())
                : AdamW.create(model.parameters(), t.optimizer())) {
            NanGuard guard = new NanGuard(t.loop().maxConsecutiveNanSteps());
            guard.restore(state.skippedSteps(), state.consecutiveSkips());
            Updater updater = new Updater(model.parameters(), adamw, LrSchedule.of(t.schedule(), t.optimizer().learningRate(), total),
                    t.loop().maxGradNorm(), guard);
            try (MetricsSink metrics = MetricsSink.resume(folder.metricsFile(), state.globalStep());
                    GracefulStop stop = GracefulStop.install(Duration.ofMinutes(5))) {
                ProgressBar bar = ProgressBar.toStderr("sft", total);
                bar.start(state.globalStep());
                LogWindow window = new LogWindow();
                for (long step = state.globalStep() + 1; step <= total; step++) {
                    model.setTraining(true);
                    StepOutcome outcome = step(step, plan, train, updater);
                    bar.update(step, outcome.loss(), outcome.update().learningRate(), outcome.tokens());
                    window.add(outcome);
                    lossSum += outcome.loss();
                    stepsRun++;
                    tokensRun += outcome.tokens();
                    if (t.run().logsAt(step) || step == total) {
                        metrics.log(step, plan.epochProgress(step), window.drain(outcome, guard.skipped()));
                    }
                    Map<String, Double> eval = Map.of();
                    boolean evaluates = !validationRows.isEmpty() && t.run().evalStrategy() != RunSettings.Strategy.NO
                            && (t.run().evaluatesAt(step) || step == total || epochEnds(t.run().evalStrategy(), plan, step));
                    if (evaluates) {
                        SftEvaluator.Result r = evaluator.evaluate(evalLossRows, rougeRows, "eval");
                        eval = r.metrics();
                        lastEval = eval;
                        metrics.log(step, plan.epochProgress(step), eval);
                        folder.writeEvalPredictions(r.predictions());
                        System.err.println(folder.describeEval(step, eval, r.predictions()));
                        // Generation's batches are the run's memory peak; give it back so RSS tracks training.
                        ResidentMemory.releaseFreedNativeMemory();
                    }
                    stopped = stop.requested() || step >= stopAfter;
                    if (t.run().savesAt(step) || epochEnds(t.run().saveStrategy(), plan, step) || stopped || step == total) {
                        TrainerState now = new TrainerState(step, plan.epochProgress(step), plan.epochOf(step + 1),
                                plan.batchesInEpochAfter(step), total, seed, guard.skipped(), guard.consecutive(),
                                outcome.update().learningRate(), null, null, identity);
                        checkpoints.save(now, CheckpointManager.model(model, tokenizer.dir()).and(adamw::save), eval);
                    }
                    if (stopped) {
                        System.err.println("sft: stopped after step " + step + "; continue with --resume");
                        break;
                    }
                }
            }
        } finally {
            model.setTraining(false);
        }
        Path finalDir = null;
        if (!stopped) {
            finalDir = folder.saveFinal(model, tokenizer, config.method().genKwargs());
        }
        folder.plot();
        double seconds = (System.nanoTime() - started) / 1e9;
        long step = checkpoints.latest().map(CheckpointManager.Checkpoint::step).orElse(state.globalStep());
        return new SftResult(runDir, step, total, !stopped, stepsRun == 0 ? Double.NaN : lossSum / stepsRun,
                checkpoints.latest().map(c -> c.state().skippedSteps()).orElse(0L), lastEval, finalDir,
                checkpoints.best().map(CheckpointManager.Checkpoint::dir).orElse(null), seconds,
                seconds > 0 ? tokensRun / seconds : 0);
    }

    /**
     * Loss and ROUGE on test rows ({@code do_predict}): metrics prefixed {@code test_}, written with
     * the predictions to {@code RUN/test_results.json} and {@code RUN/test_predictions.jsonl}.
     */
    public SftEvaluator.Result predict(List<PromptCompletion> rows) {
        List<PromptCompletion> used = limit(rows, config.method().maxPredictSamples());
        SftEvaluator.Result r = evaluator.evaluate(encoder.encodeAll(used), used, "test");
        new SftRunFolder(runDir, config.training().run()).writeTestResults(r);
        return r;
    }

    /** What one optimizer step did. */
    record StepOutcome(double loss, Updater.Result update, long tokens, long nanos) {}

    /** Optimizer step {@code step}: forward/backward over its micro-batches, then the shared update. */
    private StepOutcome step(long step, BatchPlan plan, List<SftEncoder.Example> train, Updater updater) {
        long start = System.nanoTime();
        Seeds.seedStep(config.training().run().seed(), step); // dropout of this step, whatever ran before
        List<SftBatch> batches = microBatches(plan.microBatches(step), train);
        long targets = batches.stream().mapToLong(SftBatch::targetCount).sum();
        double loss = 0;
        long tokens = 0;
        NDManager parent = model.parameters().manager();
        for (SftBatch batch : batches) {
            try (NDManager scope = parent.newSubManager(); NDScope s = new NDScope();
                    GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray part = GradientAccumulation.tokenMean(SftLoss.nllSum(model, batch, scope), targets);
                gc.backward(part);
                loss += part.getFloat();
            }
            tokens += batch.tokens();
        }
        Updater.Result update = updater.apply(step, loss);
        return new StepOutcome(loss, update, tokens, System.nanoTime() - start);
    }

    /**
     * The step's rows sorted by length and cut into micro-batches of the same sizes: less padding,
     * and the step's token-mean loss (hence its gradient) does not depend on how rows are grouped.
     */
    private List<SftBatch> microBatches(List<int[]> planned, List<SftEncoder.Example> train) {
        List<Integer> rows = new ArrayList<>();
        planned.forEach(m -> {
            for (int r : m) {
                rows.add(r);
            }
        });
        rows.sort(Comparator.comparingInt((Integer r) -> train.get(r).tokens()).thenComparingInt(r -> r));
        List<SftBatch> out = new ArrayList<>(planned.size());
        int from = 0;
        for (int[] m : planned) {
            List<SftEncoder.Example> part = new ArrayList<>(m.length);
            for (int i = from; i < from + m.length; i++) {
                part.add(train.get(rows.get(i)));
            }
            from += m.length;
            out.add(collator.collate(part));
        }
        return out;
    }

    /** What a checkpoint must share with this run to be resumed by it (the batch plan and the schedule). */
    private ObjectNode identity(int trainRowCount, long total, long seed) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("train_rows", trainRowCount);
        o.put("per_device_train_batch_size", batchSize);
        o.put("gradient_accumulation_steps", accumulation);
        o.put("max_steps", total);
        o.put("seed", seed);
        return o;
    }

    private static void checkArchType(LanguageModel model, TrainingConfig t) {
        var arch = t.model().modelArchType();
        boolean seq2seq = model instanceof Seq2SeqLm;
        if (arch != null && (arch == trl4j.config.ModelSettings.ArchType.SEQ2SEQ) != seq2seq) {
            throw new IllegalArgumentException("model_arch_type = " + arch.name().toLowerCase(java.util.Locale.ROOT)
                    + " but the model (" + model.config().modelType() + ") is " + (seq2seq ? "seq2seq" : "causal"));
        }
        if (t.model().numLayersUnfrozen() != -1) {
            throw new IllegalArgumentException("num_layers_unfrozen = " + t.model().numLayersUnfrozen()
                    + ": the sft stage trains every layer (use -1)");
        }
    }

    /** The epoch strategy acts when an epoch's last step is done. */
    private static boolean epochEnds(RunSettings.Strategy strategy, BatchPlan plan, long step) {
        return strategy == RunSettings.Strategy.EPOCH && step % plan.stepsPerEpoch() == 0;
    }

    private static <T> List<T> limit(List<T> rows, Integer max) {
        return max == null || max >= rows.size() ? rows : rows.subList(0, max);
    }

    /**
     * Metrics of a logging window: mean loss (as HF logs it), the last step's lr and norm, training
     * tokens per second (time in training steps only), resident memory.
     */
    private static final class LogWindow {
        private double loss;
        private int steps;
        private long tokens;
        private long nanos;

        void add(StepOutcome o) {
            loss += o.loss();
            steps++;
            tokens += o.tokens();
            nanos += o.nanos();
        }

        Map<String, Double> drain(StepOutcome last, long skipped) {
            double seconds = nanos / 1e9;
            Map<String, Double> m = new LinkedHashMap<>();
            m.put("loss", loss / Math.max(1, steps));
            m.put("grad_norm", last.update().gradNorm());
            m.put("learning_rate", last.update().learningRate());
            m.put("tokens_per_second", seconds > 0 ? tokens / seconds : 0);
            m.put("skipped_steps", (double) skipped);
            m.putAll(ResidentMemory.measure());
            loss = 0;
            steps = 0;
            tokens = 0;
            nanos = 0;
            return m;
        }
    }
}
