package trl4j.train.ppo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import trl4j.data.PromptReferences;
import trl4j.model.LanguageModel;
import trl4j.model.ValueHead;
import trl4j.model.registry.Models;
import trl4j.tokenizer.Tokenizer;
import trl4j.train.CheckpointManager;
import trl4j.train.MetricsSink;

/**
 * The whole run from Java: files written (metrics, samples, checkpoints, final model that loads again,
 * report), and exact resume: 4 iterations straight equal 2, a SIGTERM-style stop with its checkpoint,
 * and 2 more after resuming — bit for bit, with a hydra reference, the adaptive KL controller and
 * running reward scaling (all state that must survive).
 */
class PpoTrainTest {

    static final int VOCAB = 24;
    static NDManager manager;
    static Tokenizer tokenizer;
    static List<PromptReferences> prompts;
    static List<PromptReferences> heldOut;

    @BeforeAll
    static void open(@TempDir Path dir) {
        manager = NDManager.newBaseManager();
        tokenizer = Tokenizer.load(TinyPpo.tokenizer(dir, VOCAB));
        prompts = TinyPpo.prompts(48, VOCAB, 1);
        heldOut = TinyPpo.prompts(6, VOCAB, 2);
    }

    @AfterAll
    static void close() {
        tokenizer.close();
        manager.close();
    }

    static PpoConfig config(Path run, String... extra) {
        List<String> o = new java.util.ArrayList<>(List.of("--output_dir=" + run, "--num_rollouts=16", "--per_device_train_batch_size=4",
                "--gradient_accumulation_steps=2", "--response_length=5", "--gen_kwargs.top_k=0", "--learning_rate=2e-3", "--max_steps=4",
                "--save_steps=2", "--eval_steps=2", "--num_layers_unfrozen=1", "--target=1.0", "--horizon=100", "--scale_reward=running",
                "--seed=3"));
        o.addAll(List.of(extra));
        return PpoConfig.defaults(o.toArray(String[]::new));
    }

    static PpoTrainer.Result train(Path run, LanguageModel policy, long stopAfter, String... extra) {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        try (PpoTrainer t = new PpoTrainer(policy, tokenizer, TinyPpo.GOOD_WORDS, prompts, config(run, extra))) {
            return t.evalPrompts(heldOut).testPrompts(heldOut).log(new PrintStream(log, true, StandardCharsets.UTF_8))
                    .stopAfter(stopAfter).train();
        }
    }

    static Map<String, float[]> weights(LanguageModel model) {
        Map<String, float[]> out = new LinkedHashMap<>();
        model.parameters().asMap().forEach((n, a) -> out.put(n, a.toFloatArray()));
        return out;
    }

    @Test
    void stopAndResumeGiveTheStraightRunBitForBit(@TempDir Path tmp) throws Exception {
        Path straightRun = tmp.resolve("straight");
        Map<String, float[]> straight;
        float[] straightHead;
        try (NDManager m = manager.newSubManager(); LanguageModel policy = TinyPpo.gpt2(m, VOCAB, 0.3, 5)) {
            PpoTrainer.Result r = train(straightRun, policy, Long.MAX_VALUE);
            assertFalse(r.stopped());
            straight = weights(policy);
        }
        try (NDManager m = manager.newSubManager(); ValueHead head = ValueHead.load(straightRun.resolve("final").resolve(ValueHead.FILE), m)) {
            straightHead = head.parameters().get("v_head.2.weight").toFloatArray();
        }

        Path resumedRun = tmp.resolve("resumed");
        try (NDManager m = manager.newSubManager(); LanguageModel policy = TinyPpo.gpt2(m, VOCAB, 0.3, 5)) {
            PpoTrainer.Result r = train(resumedRun, policy, 1); // a stop request in step 1: checkpoint step-1, exit
            assertTrue(r.stopped());
            assertNull(r.finalModel());
        }
        assertEquals(1, new CheckpointManager(resumedRun, null, null, true).latest().orElseThrow().step());
        try (NDManager m = manager.newSubManager(); LanguageModel policy = TinyPpo.gpt2(m, VOCAB, 0.3, 5)) {
            PpoTrainer.Result r = train(resumedRun, policy, Long.MAX_VALUE, "--resume_from_checkpoint=latest");
            assertFalse(r.stopped());
            Map<String, float[]> resumed = weights(policy);
            assertEquals(straight.keySet(), resumed.keySet());
            straight.forEach((name, want) -> assertArrayEquals(want, resumed.get(name), name));
        }
        try (NDManager m = manager.newSubManager(); ValueHead head = ValueHead.load(resumedRun.resolve("final").resolve(ValueHead.FILE), m)) {
            assertArrayEquals(straightHead, head.parameters().get("v_head.2.weight").toFloatArray(), "value head");
        }
        List<MetricsSink.Entry> straightMetrics = MetricsSink.read(straightRun.resolve(MetricsSink.FILE));
        List<MetricsSink.Entry> resumedMetrics = MetricsSink.read(resumedRun.resolve(MetricsSink.FILE));
        assertEquals(straightMetrics.stream().map(MetricsSink.Entry::step).toList(), resumedMetrics.stream().map(MetricsSink.Entry::step).toList());
        assertEquals(straightMetrics.get(4).metrics().get("objective/kl_coef"), resumedMetrics.get(4).metrics().get("objective/kl_coef"));
        assertEquals(straightMetrics.get(4).metrics().get("objective/scores"), resumedMetrics.get(4).metrics().get("objective/scores"));
    }

    @Test
    void aSeparateCriticStartsFromARewardModelResumesAndIsSaved(@TempDir Path tmp) throws Exception {
        Path rmDir = tmp.resolve("rm");
        try (NDManager m = manager.newSubManager(); LanguageModel lm = TinyPpo.gpt2(m, VOCAB, 0.3, 9)) {
            Path lmDir = tmp.resolve("lm");
            trl4j.model.ModelWriter.save(lm, lmDir, tokenizer.dir());
            try (trl4j.model.SequenceClassifier rm = Models.loadClassifier(lmDir, m, 1, 4)) {
                trl4j.model.ModelWriter.save(rm, rmDir, tokenizer.dir());
            }
        }
        Path run = tmp.resolve("run");
        try (NDManager m = manager.newSubManager(); LanguageModel policy = TinyPpo.gpt2(m, VOCAB, 0.3, 5);
                PpoModels.Critic critic = PpoModels.loadCritic(rmDir, m, 1);
                PpoTrainer t = new PpoTrainer(policy, tokenizer, TinyPpo.GOOD_WORDS, prompts, config(run, "--max_steps=2"))) {
            assertTrue(t.critic(critic.trunk(), critic.head()).log(new PrintStream(new ByteArrayOutputStream())).stopAfter(1).train().stopped());
        }
        try (NDManager m = manager.newSubManager(); LanguageModel policy = TinyPpo.gpt2(m, VOCAB, 0.3, 5);
                PpoModels.Critic critic = PpoModels.loadCritic(rmDir, m, 1)) {
            assertEquals(ValueHead.Kind.LINEAR, critic.head().kind());
            float[] scoreHead = critic.head().parameters().get(ValueHead.SCORE).toFloatArray();
            float[] criticLayer = critic.trunk().parameters().get("transformer.h.0.mlp.c_fc.weight").toFloatArray();
            try (PpoTrainer t = new PpoTrainer(policy, tokenizer, TinyPpo.GOOD_WORDS, prompts,
                    config(run, "--max_steps=2", "--resume_from_checkpoint=latest"))) {
                PpoTrainer.Result r = t.critic(critic.trunk(), critic.head()).log(new PrintStream(new ByteArrayOutputStream())).train();
                assertTrue(Double.isFinite(r.lastMetrics().get("loss/value_avg")));
            }
            assertFalse(java.util.Arrays.equals(scoreHead, critic.head().parameters().get(ValueHead.SCORE).toFloatArray()), "head trained");
            assertFalse(java.util.Arrays.equals(criticLayer, critic.trunk().parameters().get("transformer.h.0.mlp.c_fc.weight").toFloatArray()),
                    "critic trunk trained (and restored from the checkpoint)");
            Path saved = run.resolve("final").resolve("critic");
            // Saved as what TRL's value model is: a sequence classifier whose score head is the value head.
            try (trl4j.model.SequenceClassifier reloaded = Models.loadClassifier(saved, m, 1, 0)) {
                assertArrayEquals(critic.trunk().parameters().get("transformer.h.0.mlp.c_fc.weight").toFloatArray(),
                        reloaded.parameters().get("transformer.h.0.mlp.c_fc.weight").toFloatArray());
                assertArrayEquals(critic.head().parameters().get(ValueHead.SCORE).toFloatArray(),
                        reloaded.parameters().get(ValueHead.SCORE).toFloatArray());
            }
            assertFalse(Files.exists(run.resolve("final").resolve(ValueHead.FILE)), "no head on the policy");
        }
    }

    @Test
    void iterationsLeaveNoArraysBehind(@TempDir Path tmp) {
        try (NDManager m = manager.newSubManager(); LanguageModel policy = TinyPpo.gpt2(m, VOCAB, 0.3, 5);
                PpoTrainer t = new PpoTrainer(policy, tokenizer, TinyPpo.GOOD_WORDS, prompts, config(tmp))) {
            t.step(1);
            int afterFirst = ((ai.djl.ndarray.BaseNDManager) manager).getManagedArrays().size();
            for (int step = 2; step <= 4; step++) {
                t.step(step);
            }
            assertEquals(afterFirst, ((ai.djl.ndarray.BaseNDManager) manager).getManagedArrays().size(),
                    "weights, reference, value head and optimizer moments only: every rollout and update temporary was closed");
        }
    }

    @Test
    void aRunWritesItsFilesAndTheFinalPolicyLoads(@TempDir Path tmp) throws Exception {
        Path run = tmp.resolve("run");
        Map<String, float[]> before;
        try (NDManager m = manager.newSubManager(); LanguageModel policy = TinyPpo.gpt2(m, VOCAB, 0.3, 5)) {
            before = weights(policy);
            PpoTrainer.Result r = train(run, policy, Long.MAX_VALUE, "--num_layers_unfrozen=-1", "--ref_model=copy");
            assertEquals(run.resolve("final"), r.finalModel());
            for (String key : List.of("objective/kl", "objective/scores", "objective/rlhf_reward", "objective/entropy",
                    "policy/approxkl_avg", "policy/clipfrac_avg", "loss/policy_avg", "loss/value_avg", "val/clipfrac_avg", "val/ratio",
                    "val/num_eos_tokens", "time/generate", "time/score", "time/train", "eval/scores", "eval/kl")) {
                assertTrue(r.lastMetrics().containsKey(key), key);
                assertTrue(Double.isFinite(r.lastMetrics().get(key)), key + " = " + r.lastMetrics().get(key));
            }
            assertTrue(r.report().containsKey("policy/test/rougeL") && r.report().containsKey("reference/eval/scores"), r.report().toString());
            Map<String, float[]> after = weights(policy);
            assertTrue(before.keySet().stream().anyMatch(n -> !java.util.Arrays.equals(before.get(n), after.get(n))), "weights changed");
            try (LanguageModel reloaded = Models.load(r.finalModel(), m)) {
                after.forEach((n, w) -> assertArrayEquals(w, reloaded.parameters().get(n).toFloatArray(), n));
            }
        }
        assertTrue(Files.isRegularFile(run.resolve("resolved-config.yaml")));
        assertTrue(Files.isRegularFile(run.resolve("report.json")));
        assertTrue(Files.isRegularFile(run.resolve("final").resolve(ValueHead.FILE)));
        assertTrue(Files.isRegularFile(run.resolve("final").resolve("tokenizer.json")));
        for (int step : new int[] {0, 2, 4}) {
            assertTrue(Files.isRegularFile(run.resolve("samples").resolve("step-" + step + ".jsonl")), "samples of step " + step);
        }
        assertTrue(Files.isRegularFile(run.resolve("plots").resolve("objective_kl.png")));
        List<MetricsSink.Entry> lines = MetricsSink.read(run.resolve(MetricsSink.FILE));
        assertEquals(List.of(0L, 1L, 2L, 3L, 4L), lines.stream().map(MetricsSink.Entry::step).toList());
        assertEquals(List.of(2L, 4L), new CheckpointManager(run, null, null, true).list().stream().map(CheckpointManager.Checkpoint::step).toList());
    }
}
