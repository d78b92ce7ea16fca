package trl4j.train.ppo;

import java.io.PrintStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import trl4j.checkpoint.AtomicFiles;
import trl4j.checkpoint.ModelFolder;
import trl4j.config.RunSettings;
import trl4j.data.PromptReferences;
import trl4j.model.ModelWriter;
import trl4j.model.ValueHead;
import trl4j.tokenizer.Tokenizer;
import trl4j.train.CheckpointManager;
import trl4j.train.GracefulStop;
import trl4j.train.MetricsSink;
import trl4j.train.Plots;
import trl4j.train.TrainerState;

/**
 * The run around the iterations: resume, evaluation at step 0 and every {@code eval_steps}, metrics,
 * progress, atomic checkpoints (and one on SIGTERM/SIGINT), the final model and the before/after report.
 *
 * <pre>
 * RUN/resolved-config.yaml     RUN/metrics.jsonl          RUN/plots/*.png
 * RUN/samples/step-N.jsonl     RUN/report.json            (reference vs trained policy)
 * RUN/checkpoints/step-N/      policy (HF folder), value_head.safetensors or critic/, optimizer, trainer_state.json
 * RUN/final/                   the trained policy (HF folder, loads in transformers) + value_head.safetensors
 *                              (or final/critic/: the critic's folder with its value_head.safetensors)
 * </pre>
 */
final class PpoRun {

    static final String CRITIC_DIR = "critic";
    static final String FINAL_DIR = "final";
    static final String REPORT = "report.json";
    static final List<String> PLOTTED = List.of("objective/scores", "objective/kl", "objective/rlhf_reward", "objective/kl_coef",
            "objective/entropy", "loss/policy_avg", "loss/value_avg", "policy/clipfrac_avg", "val/response_length", "eval/scores",
            "eval/kl", "eval/greedy_scores", "eval/rougeL");

    /** One iteration of the trainer. */
    interface Iteration {
        Map<String, Double> run(long step);
    }

    private final Parts parts;
    private final PpoConfig config;
    private final Tokenizer tokenizer;
    private final List<PromptReferences> evalPrompts;
    private final List<PromptReferences> testPrompts;
    private final PrintStream log;
    private final Path runDir;

    PpoRun(Parts parts, PpoConfig config, Tokenizer tokenizer, List<PromptReferences> evalPrompts, List<PromptReferences> testPrompts,
            PrintStream log) {
        this.parts = parts;
        this.config = config;
        this.tokenizer = tokenizer;
        this.evalPrompts = evalPrompts;
        this.testPrompts = testPrompts;
        this.log = log;
        this.runDir = Path.of(config.training().run().outputDir());
    }

    PpoTrainer.Result run(Iteration iteration, long stopAfter) {
        RunSettings settings = config.training().run();
        PpoPlan plan = parts.plan;
        config.save(runDir);
        config.notes().forEach(n -> log.println("[ppo] note: " + n));
        log.printf(Locale.ROOT, "[ppo] %d iterations of %d rollouts, %d epochs x %d minibatches of %d (micro-batches of %d),"
                + " reference: %s, value: %s%n", plan.iterations(), plan.rollouts(), plan.ppoEpochs(), plan.miniBatches(),
                plan.miniBatchSize(), plan.microBatchSize(), parts.models.hydra() ? "hydra from block " + parts.models.branchLayer() : "copy",
                parts.models.critic() != null ? "separate critic" : "head on the policy");
        CheckpointManager checkpoints = CheckpointManager.of(settings);
        Optional<CheckpointManager.Checkpoint> resume = resumePoint(checkpoints, settings.resumeFromCheckpoint());
        long start = 0;
        if (resume.isPresent()) {
            parts.restore(resume.get().dir(), resume.get().state());
            start = resume.get().step();
            log.println("[ppo] resumed from " + resume.get().dir() + " at step " + start);
        }
        Map<String, Double> last = Map.of();
        boolean stopped = false;
        Path metricsFile = runDir.resolve(MetricsSink.FILE);
        try (MetricsSink metrics = MetricsSink.resume(metricsFile, start); GracefulStop stop = GracefulStop.install(Duration.ofMinutes(5))) {
            PpoProgress bar = PpoProgress.toStderr(plan.iterations(), log);
            bar.start(start);
            if (start == 0 && !evalPrompts.isEmpty()) {
                metrics.log(0, 0, evaluate(0));
            }
            for (long step = start + 1; step <= plan.iterations(); step++) {
                Map<String, Double> m = new LinkedHashMap<>(iteration.run(step));
                if (step == stopAfter) {
                    stop.request();
                }
                Map<String, Double> eval = plan.evaluatesAt(step) && !evalPrompts.isEmpty() ? evaluate(step) : Map.of();
                m.putAll(eval);
                if (plan.logsAt(step) || !eval.isEmpty()) {
                    metrics.log(step, parts.promptPlan().epochProgress(step), m);
                }
                bar.update(step, m);
                last = m;
                if (plan.savesAt(step) || stop.requested() || step == plan.iterations()) {
                    save(checkpoints, step, eval);
                }
                if (stop.requested()) {
                    stopped = step < plan.iterations();
                    log.println("[ppo] stopped at step " + step + " (checkpoint saved)");
                    break;
                }
            }
        }
        Path finalDir = runDir.resolve(FINAL_DIR);
        Map<String, Double> report = Map.of();
        if (!stopped) {
            writeModels(finalDir, true);
            report = report();
        }
        Plots.write(metricsFile, runDir.resolve("plots"), PLOTTED);
        return new PpoTrainer.Result(runDir, stopped ? null : finalDir, stopped ? -1 : plan.iterations(), last, report, stopped);
    }

    private static Optional<CheckpointManager.Checkpoint> resumePoint(CheckpointManager checkpoints, String from) {
        if (from == null || from.isBlank()) {
            return Optional.empty();
        }
        if (from.equals("latest")) {
            return checkpoints.latest();
        }
        Path dir = Path.of(from);
        if (!Files.isRegularFile(dir.resolve(TrainerState.FILE))) {
            throw new IllegalArgumentException("resume_from_checkpoint = " + from + ": not a checkpoint folder (no " + TrainerState.FILE + ")");
        }
        return Optional.of(CheckpointManager.read(dir));
    }

    private Map<String, Double> evaluate(long step) {
        Evaluation.Result r = parts.evaluation.evaluate(parts.models.policy().parameters().manager(), evalPrompts, "eval/");
        Evaluation.writeRows(runDir.resolve("samples").resolve("step-" + step + ".jsonl"), r.rows());
        Evaluation.print(log, step, r);
        return r.metrics();
    }

    private void save(CheckpointManager checkpoints, long step, Map<String, Double> eval) {
        var promptPlan = parts.promptPlan();
        TrainerState state = new TrainerState(step, promptPlan.epochProgress(step), promptPlan.epochOf(step + 1),
                promptPlan.batchesInEpochAfter(step), parts.plan.iterations(), config.training().run().seed(), parts.guard.skipped(),
                parts.guard.consecutive(), parts.updater.schedule().learningRate(step * parts.plan.optimizerStepsPerIteration() - 1),
                null, null, PpoState.extra(parts.kl, parts.shaping));
        checkpoints.save(state, dir -> {
            writeModels(dir, false);
            parts.optimizer.save(dir);
        }, eval);
    }

    /** The policy folder with the value head, or with the critic's folder; staged and renamed when {@code publish}. */
    private void writeModels(Path dir, boolean publish) {
        Path target = publish ? AtomicFiles.stagingDirectoryFor(dir) : dir;
        try {
            Files.createDirectories(target);
            ModelWriter.writeInto(parts.models.policy(), target, null, tokenizer.dir(), ModelFolder.DEFAULT_MAX_SHARD_BYTES);
            if (parts.models.critic() == null) {
                parts.models.valueHead().save(target.resolve(ValueHead.FILE));
            } else {
                parts.models.saveCritic(target.resolve(CRITIC_DIR), tokenizer.dir(), parts.sampler.padId());
            }
            if (publish) {
                AtomicFiles.publishDirectory(target, dir);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + dir + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            if (publish) {
                AtomicFiles.deleteRecursively(target);
            }
            throw e;
        }
    }

    /** Reference (the initial policy) vs trained policy on the held-out and test prompts; written to report.json. */
    private Map<String, Double> report() {
        Map<String, Double> out = new LinkedHashMap<>();
        var manager = parts.models.policy().parameters().manager();
        if (!evalPrompts.isEmpty()) {
            out.putAll(parts.evaluation.evaluate(manager, parts.models.reference(), evalPrompts, "reference/eval/", true).metrics());
            out.putAll(parts.evaluation.evaluate(manager, null, evalPrompts, "policy/eval/", true).metrics());
        }
        if (!testPrompts.isEmpty()) {
            out.putAll(parts.evaluation.evaluate(manager, parts.models.reference(), testPrompts, "reference/test/", false).metrics());
            out.putAll(parts.evaluation.evaluate(manager, parts.models.policy(), testPrompts, "policy/test/", false).metrics());
        }
        if (out.isEmpty()) {
            return out;
        }
        com.fasterxml.jackson.databind.node.ObjectNode json = new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode();
        out.forEach(json::put);
        AtomicFiles.writeString(runDir.resolve(REPORT), json.toPrettyString() + "\n");
        log.println("[ppo] report (reference = the initial policy):");
        out.forEach((k, v) -> log.printf(Locale.ROOT, "  %-32s %.4f%n", k, v));
        return out;
    }
}
