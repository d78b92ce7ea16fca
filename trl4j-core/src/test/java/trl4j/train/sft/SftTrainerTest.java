package trl4j.train.sft;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import trl4j.config.StageConfig;
import trl4j.data.PromptCompletion;
import trl4j.model.LanguageModel;
import trl4j.model.Parameters;
import trl4j.model.registry.Models;
import trl4j.tensor.GradMode;
import trl4j.tokenizer.Tokenizer;
import trl4j.train.CheckpointManager;
import trl4j.train.MetricsSink;

/**
 * The SFT trainer driven from Java, as a pipeline would: it learns, writes its run folder, resumes
 * bit for bit, accumulates exactly, and skips or aborts on non-finite steps.
 */
class SftTrainerTest {

    static NDManager manager;
    static Tokenizer tok;
    static List<PromptCompletion> train;
    static List<PromptCompletion> validation;

    @BeforeAll
    static void setUp() {
        manager = NDManager.newBaseManager();
        tok = SftFixtures.tokenizer();
        train = SftFixtures.rows(300, 48);
        validation = SftFixtures.rows(400, 8);
    }

    @AfterAll
    static void tearDown() {
        tok.close();
        manager.close();
    }

    static final String[] BASE = {"max_length: 64", "max_completion_length: 16", "learning_rate: 3e-3", "warmup_steps: 2",
        "weight_decay: 0.01", "max_grad_norm: 1.0", "logging_steps: 2", "per_device_eval_batch_size: 8",
        "rouge_eval_samples: 4", "gen_kwargs: {max_new_tokens: 6}"};

    /** {@link #BASE} with {@code more} added or replacing lines of the same key. */
    static StageConfig<SftMethod> config(Path dir, String... more) {
        Map<String, String> lines = new LinkedHashMap<>();
        for (String line : BASE) {
            lines.put(line.substring(0, line.indexOf(':')), line);
        }
        for (String line : more) {
            lines.put(line.substring(0, line.indexOf(':')), line);
        }
        return SftFixtures.config(dir, lines.values().toArray(String[]::new));
    }

    static Map<String, float[]> weights(Parameters p) {
        Map<String, float[]> out = new LinkedHashMap<>();
        p.asMap().forEach((n, a) -> out.put(n, a.toFloatArray()));
        return out;
    }

    @Test
    void trainsFromJavaAndWritesTheRunFolder(@TempDir Path dir) {
        try (LanguageModel model = SftFixtures.preset("micro-gpt2", tok, manager, 1)) {
            Map<String, float[]> before = weights(model.parameters());
            SftTrainer trainer = new SftTrainer(model, tok, train, validation, 8, 1,
                    config(dir, "max_steps: 12", "eval_steps: 6", "save_steps: 6", "save_total_limit: 1"));
            SftResult result = trainer.train();

            assertTrue(result.completed());
            assertEquals(12, result.globalStep());
            assertTrue(Double.isFinite(result.trainLoss()));
            assertEquals(0, result.skippedSteps());
            assertFalse(java.util.Arrays.equals(before.get("transformer.h.0.mlp.c_fc.weight"),
                    model.parameters().get("transformer.h.0.mlp.c_fc.weight").toFloatArray()), "the weights moved");
            List<MetricsSink.Entry> metrics = MetricsSink.read(dir.resolve("metrics.jsonl"));
            List<Double> losses = metrics.stream().filter(e -> e.metrics().containsKey("loss")).map(e -> e.metrics().get("loss")).toList();
            assertEquals(6, losses.size(), "a line every logging_steps = 2");
            assertTrue(losses.get(5) < losses.get(0), "training loss falls: " + losses);
            List<Double> evalLosses = metrics.stream().filter(e -> e.metrics().containsKey("eval_loss")).map(e -> e.metrics().get("eval_loss")).toList();
            assertEquals(2, evalLosses.size(), "evaluated at steps 6 and 12");
            assertTrue(evalLosses.get(1) < evalLosses.get(0), "validation loss falls: " + evalLosses);
            assertTrue(result.lastEval().containsKey("eval_rougeL"));
            assertTrue(result.lastEval().get("eval_gen_len") >= 1);

            assertEquals(dir.resolve("final"), result.finalModel());
            for (String f : List.of("config.json", "model.safetensors", "generation_config.json", "tokenizer.json")) {
                assertTrue(Files.isRegularFile(dir.resolve("final").resolve(f)), f);
            }
            assertEquals(List.of(12L), new CheckpointManager(dir, null, null, false).list().stream()
                    .map(CheckpointManager.Checkpoint::step).toList(), "save_total_limit 1 keeps the newest only");
            assertTrue(Files.isRegularFile(dir.resolve("resolved-config.yaml")));
            assertTrue(Files.isRegularFile(dir.resolve("plots/loss.png")));
            assertTrue(Files.isRegularFile(dir.resolve("plots/eval_rougeL.png")));
            assertTrue(Files.isRegularFile(dir.resolve("eval_predictions.jsonl")));
            try (NDManager m = manager.newSubManager(); LanguageModel saved = Models.load(dir.resolve("final"), m)) {
                Map<String, float[]> trained = weights(model.parameters());
                weights(saved.parameters()).forEach((n, w) -> assertArrayEquals(trained.get(n), w, n));
            }
            assertTrue(Files.readString(dir.resolve("final/generation_config.json")).contains("\"max_new_tokens\": 6"));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** N steps straight, and N/2 + stop + a new process resuming + N/2, end with the same bits (dropout on). */
    @Test
    void stopAndResumeGivesBitIdenticalWeights(@TempDir Path dir) {
        for (String preset : List.of("micro-gpt2", "micro-t5")) {
            Path straightDir = dir.resolve(preset + "-straight");
            Path resumedDir = dir.resolve(preset + "-resumed");
            String[] settings = {"max_steps: 6", "save_steps: 100", "eval_steps: 100", "rouge_eval_samples: 0"};
            Map<String, float[]> straight;
            try (LanguageModel model = SftFixtures.preset(preset, tok, manager, 7)) {
                new SftTrainer(model, tok, train, validation, 4, 2, config(straightDir, settings)).train();
                straight = weights(model.parameters());
            }
            try (LanguageModel model = SftFixtures.preset(preset, tok, manager, 7)) {
                SftResult half = new SftTrainer(model, tok, train, validation, 4, 2, config(resumedDir, settings)).stopAfter(3).train();
                assertFalse(half.completed());
                assertEquals(3, half.globalStep());
                assertEquals(null, half.finalModel(), "no final model for a stopped run");
            }
            String[] resume = java.util.Arrays.copyOf(settings, settings.length + 1);
            resume[settings.length] = "resume_from_checkpoint: latest";
            // A different initialisation: the checkpoint's weights must replace it.
            try (LanguageModel model = SftFixtures.preset(preset, tok, manager, 8)) {
                SftResult rest = new SftTrainer(model, tok, train, validation, 4, 2, config(resumedDir, resume)).train();
                assertTrue(rest.completed());
                assertEquals(6, rest.globalStep());
                Map<String, float[]> resumed = weights(model.parameters());
                straight.forEach((n, w) -> assertArrayEquals(w, resumed.get(n), preset + " " + n));
            }
            List<Long> logged = MetricsSink.read(resumedDir.resolve("metrics.jsonl")).stream()
                    .filter(e -> e.metrics().containsKey("loss")).map(MetricsSink.Entry::step).toList();
            assertEquals(List.of(2L, 4L, 6L), logged, "each step logged once across the two processes");
        }
    }

    @Test
    void resumingNeedsTheSameRunSettings(@TempDir Path dir) {
        try (LanguageModel model = SftFixtures.preset("micro-gpt2", tok, manager, 7)) {
            new SftTrainer(model, tok, train, List.of(), 4, 1, config(dir, "max_steps: 4")).stopAfter(2).train();
            var e = assertThrows(IllegalArgumentException.class, () -> new SftTrainer(model, tok, train, List.of(), 8, 1,
                    config(dir, "max_steps: 4", "resume_from_checkpoint: latest")).train());
            assertTrue(e.getMessage().contains("per_device_train_batch_size = 4 but this run has 8"), e.getMessage());
            var again = assertThrows(IllegalArgumentException.class, () -> new SftTrainer(model, tok, train, List.of(), 4, 1,
                    config(dir, "max_steps: 4")).train());
            assertTrue(again.getMessage().contains("already holds checkpoints"), again.getMessage());
        }
    }

    /**
     * One optimizer step over 8 rows: micro-batches of 2 × 4 accumulated must give the gradient
     * norm and the weights of one batch of 8 (dropout off, so both see the same function).
     */
    @Test
    void microBatchesTimesAccumulationEqualOneBigBatch(@TempDir Path dir) {
        List<PromptCompletion> eight = train.subList(0, 8);
        String[] settings = {"max_steps: 2", "max_grad_norm: 0", "rouge_eval_samples: 0", "logging_steps: 1", "warmup_steps: 0",
            "num_train_epochs: 2"};
        Map<String, float[]> big;
        double bigNorm;
        try (LanguageModel model = withoutDropout("micro-gpt2")) {
            new SftTrainer(model, tok, eight, List.of(), 8, 1, config(dir.resolve("big"), settings)).train();
            big = weights(model.parameters());
            bigNorm = firstGradNorm(dir.resolve("big"));
        }
        try (LanguageModel model = withoutDropout("micro-gpt2")) {
            new SftTrainer(model, tok, eight, List.of(), 2, 4, config(dir.resolve("acc"), settings)).train();
            assertEquals(bigNorm, firstGradNorm(dir.resolve("acc")), 1e-5 * bigNorm, "grad_norm of step 1");
            Map<String, float[]> acc = weights(model.parameters());
            big.forEach((n, w) -> {
                float[] got = acc.get(n);
                for (int i = 0; i < w.length; i++) {
                    assertEquals(w[i], got[i], 1e-5 * Math.max(1, Math.abs(w[i])), n + "[" + i + "]");
                }
            });
        }
    }

    private static double firstGradNorm(Path runDir) {
        return MetricsSink.read(runDir.resolve("metrics.jsonl")).get(0).metrics().get("grad_norm");
    }

    /** The micro GPT-2 preset with its dropout probabilities set to 0 (through config.json, as a user would). */
    private static LanguageModel withoutDropout(String preset) {
        try (NDManager m = manager.newSubManager(); LanguageModel model = SftFixtures.preset(preset, tok, m, 3)) {
            Path dir = Files.createTempDirectory("trl4j-sft-nodropout");
            trl4j.model.ModelWriter.save(model, dir, null);
            Path config = dir.resolve("config.json");
            Files.writeString(config, Files.readString(config).replaceAll("\"(resid|embd|attn)_pdrop\": 0\\.1", "\"$1_pdrop\": 0.0"));
            assertTrue(Files.readString(config).contains("\"attn_pdrop\": 0.0"), Files.readString(config));
            return Models.load(dir, manager);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void aNonFiniteStepIsSkippedAndCounted(@TempDir Path dir) {
        try (LanguageModel model = SftFixtures.preset("micro-gpt2", tok, manager, 4)) {
            StageConfig<SftMethod> cfg = config(dir, "num_train_epochs: 1", "max_length: 256");
            // Rows whose longest is unique: only the batch padded to that length reads its last position.
            SftEncoder encoder = new SftTrainer(model, tok, train, List.of(), 8, 1, cfg).encoder();
            List<PromptCompletion> candidates = SftFixtures.rows(300, 100).stream().filter(r -> encoder.encode(r).tokens() < 256).toList();
            int max = candidates.stream().mapToInt(r -> encoder.encode(r).tokens()).max().orElseThrow();
            List<PromptCompletion> rows = new java.util.ArrayList<>(candidates.stream()
                    .filter(r -> encoder.encode(r).tokens() < max).limit(31).toList());
            rows.add(candidates.stream().filter(r -> encoder.encode(r).tokens() == max).findFirst().orElseThrow());
            assertEquals(32, rows.size(), "4 whole steps: every row is trained on");
            // Poison the position embedding of the longest row's last position: exactly one step is non-finite.
            poison(model, "transformer.wpe.weight", max - 1);
            SftResult result = new SftTrainer(model, tok, rows, List.of(), 8, 1, cfg).train();
            assertTrue(result.completed());
            assertEquals(4, result.globalStep());
            assertEquals(1, result.skippedSteps());
            List<MetricsSink.Entry> lines = MetricsSink.read(dir.resolve("metrics.jsonl"));
            assertEquals(1.0, lines.get(lines.size() - 1).metrics().get("skipped_steps"));
            assertTrue(lines.stream().allMatch(e -> e.metrics().get("loss") != null), "every logged line has a loss");
        }
    }

    @Test
    void consecutiveNonFiniteStepsAbortWithAClearMessage(@TempDir Path dir) {
        try (LanguageModel model = SftFixtures.preset("micro-gpt2", tok, manager, 4)) {
            SftTrainer trainer = new SftTrainer(model, tok, train, List.of(), 8, 1,
                    config(dir, "max_steps: 6", "max_consecutive_nan_steps: 3"));
            for (int row = 0; row < 64; row++) {
                poison(model, "transformer.wpe.weight", row);
            }
            var e = assertThrows(IllegalStateException.class, trainer::train);
            assertTrue(e.getMessage().startsWith("training diverged: 3 steps in a row (the last at step 3)"), e.getMessage());
        }
    }

    private static void poison(LanguageModel model, String name, int row) {
        try (GradMode g = GradMode.disabled()) {
            var w = model.parameters().get(name);
            float[] values = w.toFloatArray();
            int width = (int) w.getShape().get(1);
            java.util.Arrays.fill(values, row * width, (row + 1) * width, Float.NaN);
            w.set(values);
        }
        assertNotNull(model);
    }
}
