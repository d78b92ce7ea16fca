package trl4j.pipeline;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import trl4j.checkpoint.AtomicFiles;

/**
 * The whole job in one call, as {@code ./trl4j pipeline} runs it: dataset → tokenizer → SFT →
 * comparisons (SFT samples labelled by the gold judge, plus hard negatives) → reward model → PPO →
 * evaluation → report, in one run folder with one subfolder per stage.
 *
 * <pre>
 * RUN/pipeline-config.yaml   every stage's resolved config (a resume must repeat it)
 * RUN/dataset/               the run's rows (TRL JSONL) and dataset.json
 * RUN/tokenizer/             the byte-level BPE (tokenizer.json, ...)
 * RUN/sft/                   an SFT run folder: resolved-config.yaml, metrics.jsonl, checkpoints/, final/, plots/
 * RUN/comparisons/           comparisons-{train,validation}.jsonl, comparisons.json
 * RUN/reward/                a reward run folder: ..., final/ (the normalised reward model), pipeline-summary.json
 * RUN/ppo/                   a PPO run folder: ..., samples/step-N.jsonl, final/ (the policy)
 * RUN/eval/                  evaluation.json
 * RUN/report/plots/*.png     the report's figures
 * RUN/report.md, RUN/report.html, RUN/results.json
 * </pre>
 *
 * Every stage folder gets a {@code resolved-config.yaml} and, when the stage finished, a
 * {@value StageRunner#DONE} marker: a later call skips finished stages and, with {@code resume},
 * continues an interrupted one from its latest checkpoint.
 *
 * <pre>{@code
 * PipelineConfig config = PipelineConfig.load(PipelineConfig.presetFile(home, "quick"), "quick", List.of(), home, runDir);
 * PipelineResults results = new Pipeline(config, home, System.err).run(false);
 * }</pre>
 */
public final class Pipeline {

    public static final String DATASET = "dataset";
    public static final String TOKENIZER = "tokenizer";
    public static final String SFT = "sft";
    public static final String COMPARISONS = "comparisons";
    public static final String REWARD = "reward";
    public static final String PPO = "ppo";
    public static final String EVAL = "eval";
    public static final String REPORT = "report";
    /** The stages, in order; each one's folder in the run folder has its name. */
    public static final List<String> STAGES = List.of(DATASET, TOKENIZER, SFT, COMPARISONS, REWARD, PPO, EVAL, REPORT);
    /** The resolved config of the whole run, at the top of the run folder. */
    public static final String CONFIG_FILE = "pipeline-config.yaml";
    public static final String RESULTS = "results.json";

    /** A stage stopped before its end (a signal, or {@link #stopAfter}); the run continues with resume. */
    public static final class Stopped extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public Stopped(String message) {
            super(message);
        }
    }

    private final PipelineConfig config;
    private final Path home;
    private final PrintStream log;
    private String version = "trl4j";
    private String stopAfter;

    /**
     * @param home the repository root (the bundled data and {@code config:} includes are found from it)
     * @param log stage headers and the stages' own progress lines
     */
    public Pipeline(PipelineConfig config, Path home, PrintStream log) {
        this.config = config;
        this.home = home;
        this.log = log;
    }

    /** The version named in the report. */
    public Pipeline version(String version) {
        this.version = version;
        return this;
    }

    /** Stops (throwing {@link Stopped}) once this stage is done, as if the run were interrupted right after it. */
    public Pipeline stopAfter(String stage) {
        if (!STAGES.contains(stage)) {
            throw new IllegalArgumentException("unknown stage '" + stage + "' (stages: " + String.join(", ", STAGES) + ")");
        }
        this.stopAfter = stage;
        return this;
    }

    /**
     * Runs the stages that are not done.
     *
     * @param resume continue a run folder that already has work in it; without it the folder must be
     *     new or empty
     */
    public PipelineResults run(boolean resume) throws Exception {
        Path runDir = config.runDir();
        String resolved = config.toYaml();
        checkRunFolder(runDir, resume, resolved);
        log.println("pipeline: preset " + config.preset() + ", run folder " + runDir + (resume ? ", resuming" : ""));
        Files.createDirectories(runDir);
        if (!Files.isRegularFile(runDir.resolve(CONFIG_FILE))) { // a resumed run's is the same (checked above)
            AtomicFiles.writeString(runDir.resolve(CONFIG_FILE), resolved);
        }
        StageRunner runner = new StageRunner(runDir, log);
        Set<String> doneBefore = new LinkedHashSet<>();
        STAGES.stream().filter(runner::isDone).forEach(doneBefore::add);
        PipelineResults[] results = new PipelineResults[1];
        List<StageRunner.Stage> stages = List.of(
                stage(DATASET, "dataset: the run's rows of debian-tldr", (dir, r) -> {
                    saveSection(dir, config.dataset());
                    DatasetStage.writeDataset(config.dataset(), home, dir, log);
                }),
                stage(TOKENIZER, "tokenizer: byte-level BPE on the training texts", (dir, r) -> {
                    DatasetStage.trainTokenizer(config.tokenizer(), runDir.resolve(DATASET), dir, log);
                    saveSection(dir, config.tokenizer());
                }),
                stage(SFT, "sft: supervised fine-tuning", (dir, r) -> TrainingStages.sft(config, home, dir, r, log)),
                stage(COMPARISONS, "comparisons: SFT samples labelled by the gold judge, plus hard negatives", (dir, r) -> {
                    saveSection(dir, config.comparisons());
                    ComparisonsStage.run(config.comparisons(), config.sft(false), sftModel(runDir), runDir.resolve(DATASET), dir, log);
                }),
                stage(REWARD, "reward: the reward model on the comparisons", (dir, r) -> TrainingStages.reward(config, dir, r, log)),
                stage(PPO, "ppo: PPO against the reward model, KL penalty to SFT", (dir, r) -> TrainingStages.ppo(config, home, dir, r, log)),
                stage(EVAL, "eval: lead-k, SFT and PPO on the test subset", (dir, r) -> {
                    saveSection(dir, config.eval());
                    EvaluationStage.run(config.eval(), config.sft(false), runDir, dir, log);
                }),
                stage(REPORT, "report: report.md, report.html, results.json",
                        (dir, r) -> results[0] = ReportStage.run(config, runDir, dir, doneBefore, version)));
        if (stopAfter != null) {
            runner.run(stages.subList(0, STAGES.indexOf(stopAfter) + 1), resume);
            throw new Stopped("stopped after stage " + stopAfter + " (as asked); continue with --resume");
        }
        runner.run(stages, resume);
        log.println("pipeline: report in " + runDir.resolve("report.md") + " and " + runDir.resolve("report.html"));
        return results[0] != null ? results[0] : readResults(runDir);
    }

    private static StageRunner.Stage stage(String name, String title, StageRunner.Body body) {
        return new StageRunner.Stage(name, title, body);
    }

    /** A new or empty folder, or (with resume) one this configuration started. */
    static void checkRunFolder(Path runDir, boolean resume, String resolved) throws IOException {
        if (Files.exists(runDir) && !Files.isDirectory(runDir)) {
            throw new IllegalArgumentException(runDir + ": not a folder (--out names the run folder)");
        }
        boolean empty = !Files.isDirectory(runDir);
        if (!empty) {
            try (var entries = Files.list(runDir)) {
                empty = entries.findAny().isEmpty();
            }
        }
        if (empty) {
            return;
        }
        if (!resume) {
            throw new IllegalArgumentException(runDir + " is not empty: continue that run with --resume, or choose another --out");
        }
        Path saved = runDir.resolve(CONFIG_FILE);
        if (!Files.isRegularFile(saved)) {
            throw new IllegalArgumentException(runDir + " holds no " + CONFIG_FILE + ": it is not a pipeline run folder to resume");
        }
        if (!Files.readString(saved).equals(resolved)) {
            throw new IllegalArgumentException(runDir + " was started with another config (" + saved + "): resume it with the same"
                    + " --preset and overrides, or choose another --out");
        }
    }

    private static void saveSection(Path dir, Record section) {
        AtomicFiles.writeString(dir.resolve(trl4j.config.ConfigLoader.RESOLVED_FILE), PipelineConfig.sectionYaml(section));
    }

    static PipelineResults readResults(Path runDir) {
        try {
            return new ObjectMapper().readValue(runDir.resolve(RESULTS).toFile(), PipelineResults.class);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + runDir.resolve(RESULTS) + ": " + e.getMessage(), e);
        }
    }

    /** The SFT stage's trained model. */
    public static Path sftModel(Path runDir) {
        return runDir.resolve(SFT).resolve("final");
    }

    /** The reward stage's normalised reward model. */
    public static Path rewardModel(Path runDir) {
        return runDir.resolve(REWARD).resolve(trl4j.train.reward.RewardTrainer.FINAL);
    }

    /** The PPO stage's trained policy. */
    public static Path ppoModel(Path runDir) {
        return runDir.resolve(PPO).resolve("final");
    }
}
