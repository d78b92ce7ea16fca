package trl4j.pipeline;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import trl4j.checkpoint.AtomicFiles;
import trl4j.config.StageConfig;
import trl4j.config.TrainingConfig;
import trl4j.data.PromptReferences;
import trl4j.model.LanguageModel;
import trl4j.model.registry.Models;
import trl4j.tokenizer.Tokenizer;
import trl4j.train.CheckpointManager;
import trl4j.train.ppo.PpoConfig;
import trl4j.train.ppo.PpoMethod;
import trl4j.train.ppo.PpoModels;
import trl4j.train.ppo.PpoTrainer;
import trl4j.train.ppo.PromptSources;
import trl4j.train.reward.ComparisonFiles;
import trl4j.train.reward.RewardMethod;
import trl4j.train.reward.RewardModel;
import trl4j.train.reward.RewardTrainer;
import trl4j.train.reward.RewardTrainingResult;
import trl4j.train.sft.SftResult;
import trl4j.train.sft.SftRun;

/**
 * The three trainer stages, each through its library API with the config the pipeline resolved:
 * SFT ({@link SftRun}), the reward model ({@link RewardTrainer}) and PPO ({@link PpoTrainer}). A stage
 * re-entered after an interruption continues from its latest checkpoint; one that was interrupted
 * before its first checkpoint starts over in a cleared folder.
 */
final class TrainingStages {

    /** What the reward stage measured, kept for the report (the trainer's own files are for people). */
    static final String REWARD_SUMMARY = "pipeline-summary.json";

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Files of the stage folder that belong to the pipeline, not to the trainer, and survive a restart. */
    private static final Set<String> KEPT = Set.of(StageRunner.DONE, "elapsed.json");

    private TrainingStages() {}

    static void sft(PipelineConfig config, Path home, Path dir, boolean resume, PrintStream log) throws IOException {
        boolean fromCheckpoint = prepare(dir, resume, log);
        SftResult r = SftRun.run(config.sft(fromCheckpoint), home, log);
        if (!r.completed()) {
            throw new Pipeline.Stopped("sft stopped at step " + r.globalStep() + " of " + r.totalSteps() + " (checkpoint saved)");
        }
    }

    static void reward(PipelineConfig config, Path dir, boolean resume, PrintStream log) throws IOException {
        boolean fromCheckpoint = prepare(dir, resume, log);
        StageConfig<RewardMethod> c = config.reward(fromCheckpoint);
        TrainingConfig t = c.training();
        RewardMethod m = c.method();
        RewardMethod.loader().save(c, dir);
        ComparisonFiles.Loaded train = ComparisonFiles.load(Path.of(m.trainFile()), m.datasetFormat(), m);
        ComparisonFiles.Loaded validation = ComparisonFiles.load(Path.of(m.validationFile()), m.datasetFormat(), m);
        log.println("reward: train: " + train.summary());
        log.println("reward: validation: " + validation.summary());
        RewardModel.Options options = new RewardModel.Options(t.loop().maxLength(), t.tokenizer().truncationSide(), m.appendEosToken(),
                0, t.loop().perDeviceEvalBatchSize());
        try (NDManager manager = NDManager.newBaseManager();
                RewardModel rm = RewardModel.fromPretrained(Path.of(t.model().modelNameOrPath()), Path.of(t.tokenizer().tokenizerPath()),
                        manager, t.run().seed(), options)) {
            RewardTrainer trainer = new RewardTrainer(rm, train.comparisons(), validation.comparisons(), c).log(log)
                    .normalizeOn(DatasetStage.pairs(Path.of(m.normalizationFile())), m.normalizationFile());
            RewardTrainingResult r = trainer.train();
            if (!r.finished()) {
                throw new Pipeline.Stopped("reward stopped at step " + r.globalStep() + " of " + r.totalSteps() + " (checkpoint saved)");
            }
            ObjectNode summary = JSON.createObjectNode();
            summary.put("validation_pairs", r.evaluation().overall().pairs());
            summary.put("accuracy", r.evaluation().overall().accuracy());
            ObjectNode kinds = summary.putObject("accuracy_by_kind");
            r.evaluation().byKind().forEach((kind, metrics) -> kinds.put(kind, metrics.accuracy()));
            if (!Double.isNaN(r.referenceMean())) {
                summary.put("normalisation_offset", -r.referenceMean());
            }
            AtomicFiles.writeString(dir.resolve(REWARD_SUMMARY), summary.toPrettyString() + "\n");
        }
    }

    static void ppo(PipelineConfig config, Path home, Path dir, boolean resume, PrintStream log) throws IOException {
        boolean fromCheckpoint = prepare(dir, resume, log);
        PpoConfig cfg = config.ppo(fromCheckpoint);
        PpoMethod m = cfg.method();
        Path tokenizerDir = Path.of(cfg.training().tokenizer().tokenizerPath());
        try (NDManager manager = NDManager.newBaseManager();
                Tokenizer tokenizer = Tokenizer.load(tokenizerDir);
                LanguageModel policy = Models.load(Path.of(m.sftModelPath()), manager);
                // The reward stage's model with its normalisation: the same scorer the evaluation uses.
                RewardModel reward = RewardModel.load(Path.of(m.rewardModelPath()), manager);
                PpoModels.Critic critic = m.valueModelPath() == null ? null
                        : PpoModels.loadCritic(Path.of(m.valueModelPath()), manager, cfg.training().run().seed())) {
            reward.setOptions(reward.options().withBatchSize(cfg.training().loop().perDeviceEvalBatchSize()));
            // Rollout prompts cut as SFT trained on them (see PromptWindow).
            PromptWindow window = new PromptWindow(config.sft(false), tokenizer, policy, responseLength(m));
            List<PromptReferences> train = window.cut(PromptSources.load(m.trainPrompts(), home));
            List<PromptReferences> eval = window.cut(PromptSources.load(m.evalPrompts(), home));
            try (PpoTrainer trainer = new PpoTrainer(policy, tokenizer, reward, train, cfg)) {
                trainer.evalPrompts(eval).log(log);
                if (critic != null) {
                    trainer.critic(critic.trunk(), critic.head());
                }
                PpoTrainer.Result r = trainer.train();
                if (r.stopped()) {
                    throw new Pipeline.Stopped("ppo stopped (checkpoint saved)");
                }
            }
        }
    }

    /** New tokens per rollout, as PPO resolves them: response_length, else gen_kwargs.max_new_tokens, else 53 (TRL). */
    private static int responseLength(PpoMethod m) {
        if (m.responseLength() != null) {
            return m.responseLength();
        }
        return m.genKwargs().maxNewTokens() != null ? m.genKwargs().maxNewTokens() : 53;
    }

    /**
     * Whether the trainer continues from a checkpoint. A stage re-entered without one (killed before its
     * first save) starts over: what the killed attempt wrote is removed, as the trainers refuse to
     * start fresh over an earlier run's files.
     */
    static boolean prepare(Path dir, boolean resume, PrintStream log) throws IOException {
        if (!resume) {
            return false;
        }
        CheckpointManager checkpoints = new CheckpointManager(dir, null, null, true);
        checkpoints.cleanLeftovers();
        try (var files = Files.list(dir)) {
            for (Path p : files.toList()) {
                String name = p.getFileName().toString();
                if (name.startsWith(".") && name.contains(".staging-")) {
                    AtomicFiles.deleteRecursively(p); // a final model whose writing was interrupted
                }
            }
        }
        if (checkpoints.latest().isPresent()) {
            log.println("resuming from " + checkpoints.latest().get().dir());
            return true;
        }
        try (var files = Files.list(dir)) {
            for (Path p : files.toList()) {
                if (!KEPT.contains(p.getFileName().toString())) {
                    AtomicFiles.deleteRecursively(p);
                }
            }
        }
        log.println("no checkpoint to resume from: the stage starts over");
        return false;
    }
}
