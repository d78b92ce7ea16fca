package trl4j.train.reward;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.BaseNDManager;
import ai.djl.ndarray.NDManager;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import trl4j.checkpoint.ConfigJson;
import trl4j.config.StageConfig;
import trl4j.config.OptimizerSettings;
import trl4j.config.ScheduleSettings;
import trl4j.data.Comparison;
import trl4j.model.Parameters;
import trl4j.train.AdamW;
import trl4j.train.LrSchedule;
import trl4j.train.MetricsSink;
import trl4j.train.NanGuard;
import trl4j.train.Updater;

/**
 * The reward trainer: exact resume, accumulation equivalence, flat memory, the NaN guard, skipped
 * identical pairs, and what a run writes (checkpoints, metrics, plots, the normalised final model).
 */
class RewardTrainerTest {

    static final String YAML = """
            train_file: unused-in-library-calls
            max_length: 96
            per_device_train_batch_size: 2
            gradient_accumulation_steps: 2
            max_steps: 6
            learning_rate: 3.0e-3
            warmup_steps: 2
            logging_steps: 1
            eval_steps: 3
            save_steps: 2
            seed: 7
            """;

    @TempDir
    static Path tmp;
    static Path gpt2;
    static NDManager manager;
    static List<Comparison> train;
    static List<Comparison> validation;

    @BeforeAll
    static void setUp() {
        Path tok = RewardFixtures.tokenizer(tmp.resolve("tok"));
        gpt2 = RewardFixtures.gpt2(tmp.resolve("gpt2"), tok, 5);
        manager = NDManager.newBaseManager();
        train = new ArrayList<>(RewardFixtures.comparisons(20, 24));
        validation = RewardFixtures.comparisons(0, 10);
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    static RewardModel fresh(StageConfig<RewardMethod> c) {
        var loop = c.training().loop();
        return RewardModel.fromPretrained(gpt2, null, manager, c.training().run().seed(),
                new RewardModel.Options(loop.maxLength(), c.training().tokenizer().truncationSide(), c.method().appendEosToken(), 0,
                        loop.perDeviceEvalBatchSize()));
    }

    static RewardTrainingResult run(StageConfig<RewardMethod> c, Long stopAfter) {
        try (RewardModel rm = fresh(c)) {
            RewardTrainer t = new RewardTrainer(rm, train, validation, c).log(new PrintStream(new ByteArrayOutputStream()));
            if (stopAfter != null) {
                t.stopAfter(stopAfter);
            }
            return t.train();
        }
    }

    @Test
    void stoppingMidwayAndResumingGivesBitIdenticalWeights() {
        Path straight = tmp.resolve("straight");
        Path resumed = tmp.resolve("resumed");
        RewardTrainingResult a = run(RewardFixtures.config(straight, YAML), null);
        assertTrue(a.finished());
        RewardTrainingResult half = run(RewardFixtures.config(resumed, YAML), 3L);
        assertFalse(half.finished());
        assertEquals(3, half.globalStep());
        assertNull(half.finalModel());
        RewardTrainingResult b = run(RewardFixtures.config(resumed, YAML, "--resume_from_checkpoint=latest"), null);
        assertTrue(b.finished());
        for (String file : List.of("checkpoints/step-6/model.safetensors", "checkpoints/step-6/optimizer.safetensors",
                "final/model.safetensors")) {
            assertArrayEquals(RewardFixtures.bytes(straight.resolve(file)), RewardFixtures.bytes(resumed.resolve(file)), file);
        }
        // The metrics of the resumed run continue the interrupted ones: the same lines, step by step.
        List<Map<String, Double>> m1 = metrics(straight);
        List<Map<String, Double>> m2 = metrics(resumed);
        assertEquals(m1, m2);
        assertEquals(a.evaluation().overall(), b.evaluation().overall());
    }

    @Test
    void aRunWritesCheckpointsMetricsPlotsAndANormalisedFinalModel() throws Exception {
        Path run = tmp.resolve("files");
        StageConfig<RewardMethod> c = RewardFixtures.config(run, YAML, "--max_steps=12", "--save_total_limit=2");
        List<Comparison> withIdentical = new ArrayList<>(train);
        Comparison same = train.get(0);
        withIdentical.add(new Comparison(same.prompt(), same.chosen(), same.chosen(), same.kind()));
        RewardTrainingResult r;
        try (RewardModel rm = fresh(c)) {
            Parameters p = rm.model().parameters();
            float[] before = p.get("transformer.h.0.attn.c_attn.weight").toFloatArray();
            r = new RewardTrainer(rm, withIdentical, validation, c).log(new PrintStream(new ByteArrayOutputStream())).train();
            assertFalse(java.util.Arrays.equals(before, p.get("transformer.h.0.attn.c_attn.weight").toFloatArray()),
                    "the trunk trained");
            // The trained model in memory is the normalised one: validation references score mean 0.
            double[] refs = rm.score(validation.stream().map(Comparison::prompt).toList(),
                    validation.stream().map(Comparison::chosen).toList());
            assertEquals(0, Normalization.mean(refs), 1e-4);
        }
        assertEquals(1, r.identicalSkipped());
        assertEquals(24, r.trainPairs());
        assertTrue(Files.isRegularFile(run.resolve("metrics.jsonl")));
        for (String plot : List.of("loss.png", "accuracy.png", "eval_accuracy.png", "eval_loss.png", "learning_rate.png")) {
            assertTrue(Files.size(run.resolve("plots").resolve(plot)) > 1000, plot);
        }
        assertTrue(Files.isRegularFile(run.resolve("plots/eval_accuracy_lead_copy.png")), "per-kind accuracy plot");
        List<String> kept = list(run.resolve("checkpoints"));
        assertTrue(kept.containsAll(List.of("latest", "step-10", "step-12")), kept.toString());
        assertTrue(kept.stream().filter(n -> n.startsWith("step-")).count() <= 3, "save_total_limit 2 (+ the best): " + kept);
        var record = ConfigJson.read(run.resolve("final/config.json")).getNode("trl4j").get("reward");
        assertEquals(10, record.get("normalization").get("references").asInt());
        assertTrue(record.get("normalization").get("applied").asText().startsWith("folded"));
        var results = new com.fasterxml.jackson.databind.ObjectMapper().readTree(run.resolve("eval_results.json").toFile());
        assertEquals(12, results.get("global_step").asInt());
        assertTrue(results.get("validation").has("eval_accuracy/lead_copy"));
        assertEquals(0, results.get("validation").get("eval_rewards/chosen").asDouble(), 1e-4,
                "normalised: the chosen (reference) summaries score mean 0");
        List<Map<String, Double>> lines = metrics(run);
        double firstLoss = lines.get(0).get("loss");
        assertTrue(Double.isFinite(firstLoss));
        assertNotNull(lines.stream().filter(l -> l.containsKey("eval_accuracy")).findFirst().orElse(null));
    }

    @Test
    void microBatchesTimesAccumulationEqualOneBigBatch() {
        StageConfig<RewardMethod> c = RewardFixtures.config(tmp.resolve("unused"), YAML, "--center_rewards_coefficient=0.1");
        int[] rows = {0, 1, 2, 3, 4, 5, 6, 7};
        Map<String, float[]> big = gradients(c, rows, 8);
        Map<String, float[]> small = gradients(c, rows, 2);
        big.forEach((name, want) -> {
            float[] got = small.get(name);
            double scale = 1;
            for (float w : want) {
                scale = Math.max(scale, Math.abs(w));
            }
            for (int i = 0; i < want.length; i++) {
                assertEquals(want[i], got[i], 1e-5 * scale, name + "[" + i + "]");
            }
        });
    }

    private static Map<String, float[]> gradients(StageConfig<RewardMethod> c, int[] rows, int pairsPerPass) {
        try (RewardModel rm = fresh(c)) {
            Parameters p = rm.model().parameters();
            p.setTrainable(n -> true);
            EncodedComparisons data = EncodedComparisons.of(rm.encoder(), train);
            RewardStep.Stats s = RewardStep.run(rm.model(), data, rows, pairsPerPass, 0.1);
            assertTrue(s.loss() > 0);
            Map<String, float[]> g = new LinkedHashMap<>();
            for (String n : p.names()) {
                g.put(n, p.get(n).getGradient().toFloatArray());
            }
            return g;
        }
    }

    @Test
    void stepsLeaveNoArraysBehind() {
        StageConfig<RewardMethod> c = RewardFixtures.config(tmp.resolve("unused2"), YAML);
        try (RewardModel rm = fresh(c)) {
            Parameters p = rm.model().parameters();
            p.setTrainable(n -> true);
            EncodedComparisons data = EncodedComparisons.of(rm.encoder(), train);
            try (AdamW adamw = AdamW.create(p, new OptimizerSettings("adamw", 1e-3, 0.9, 0.999, 1e-8, 0.0))) {
                Updater u = new Updater(p, adamw, LrSchedule.of(ScheduleSettings.DEFAULTS, 1e-3, 10), 1.0, new NanGuard(3));
                u.apply(1, RewardStep.run(rm.model(), data, new int[] {0, 1, 2, 3}, 2, 0).loss());
                int after = ((BaseNDManager) manager).getManagedArrays().size();
                for (int step = 2; step <= 5; step++) {
                    int[] rows = {step, step + 4, step + 8, step + 12};
                    u.apply(step, RewardStep.run(rm.model(), data, rows, 2, 0).loss());
                }
                assertEquals(after, ((BaseNDManager) manager).getManagedArrays().size(), "only parameters and moments remain");
            }
        }
    }

    @Test
    void nonFiniteScoresSkipStepsThenAbortWithAMessage() {
        StageConfig<RewardMethod> c = RewardFixtures.config(tmp.resolve("nan"), YAML, "--max_consecutive_nan_steps=2");
        try (RewardModel rm = fresh(c)) {
            var w = rm.model().parameters().get("score.weight");
            float[] nan = new float[(int) w.size()];
            java.util.Arrays.fill(nan, Float.NaN);
            w.set(nan);
            RewardTrainer t = new RewardTrainer(rm, train, validation, c).log(new PrintStream(new ByteArrayOutputStream()));
            var e = assertThrows(IllegalStateException.class, t::train);
            assertTrue(e.getMessage().contains("2 steps in a row"), e.getMessage());
        }
    }

    @Test
    void t5AndLlamaRewardModelsTrainAndRecordTheirOffset() throws Exception {
        Path tok = tmp.resolve("tok");
        for (String arch : List.of("t5", "llama")) {
            Path lm = arch.equals("t5") ? RewardFixtures.t5(tmp.resolve("lm-" + arch), tok, 3) : RewardFixtures.llama(tmp.resolve("lm-" + arch), tok, 3);
            Path run = tmp.resolve("run-" + arch);
            StageConfig<RewardMethod> c = RewardFixtures.config(run, YAML, "--max_steps=3", "--num_layers_unfrozen=1");
            RewardTrainingResult r;
            try (RewardModel rm = RewardModel.fromPretrained(lm, null, manager, 1, new RewardModel.Options(96,
                    trl4j.config.TokenizerSettings.Side.RIGHT, true, 0, 8))) {
                float[] frozen = rm.model().parameters().get(arch.equals("t5") ? "shared.weight" : "model.embed_tokens.weight").toFloatArray();
                r = new RewardTrainer(rm, train, validation, c).log(new PrintStream(new ByteArrayOutputStream())).train();
                assertArrayEquals(frozen, rm.model().parameters().get(arch.equals("t5") ? "shared.weight" : "model.embed_tokens.weight")
                        .toFloatArray(), "num_layers_unfrozen=1 leaves the embeddings alone");
            }
            assertTrue(r.finished());
            assertTrue(Double.isFinite(r.evaluation().overall().loss()));
            var record = ConfigJson.read(run.resolve("final/config.json")).getNode("trl4j").get("reward");
            assertEquals("score_offset", record.get("normalization").get("applied").asText(), arch);
            assertEquals(-r.referenceMean(), record.get("score_offset").asDouble(), 1e-12, arch);
            try (RewardModel loaded = RewardModel.load(run.resolve("final"), manager)) {
                double[] refs = loaded.score(validation.stream().map(Comparison::prompt).toList(),
                        validation.stream().map(Comparison::chosen).toList());
                assertEquals(0, Normalization.mean(refs), 1e-4, arch + ": the references score mean 0 after loading");
            }
        }
    }

    @Test
    void startingFreshInAFolderWithCheckpointsIsAnError() {
        Path run = tmp.resolve("twice");
        run(RewardFixtures.config(run, YAML, "--max_steps=2"), null);
        var e = assertThrows(IllegalArgumentException.class, () -> run(RewardFixtures.config(run, YAML, "--max_steps=2"), null));
        assertTrue(e.getMessage().contains("--resume"), e.getMessage());
    }

    private static List<Map<String, Double>> metrics(Path run) {
        List<Map<String, Double>> out = new ArrayList<>();
        for (MetricsSink.Entry e : MetricsSink.read(run.resolve("metrics.jsonl"))) {
            Map<String, Double> m = new LinkedHashMap<>(e.metrics());
            m.keySet().removeIf(k -> k.startsWith("memory/")); // the process's memory, not the run's state
            m.put("step", (double) e.step());
            out.add(m);
        }
        return out;
    }

    private static List<String> list(Path dir) throws Exception {
        try (var s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
