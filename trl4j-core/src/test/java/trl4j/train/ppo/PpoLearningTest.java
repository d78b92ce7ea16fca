package trl4j.train.ppo;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import trl4j.data.PromptReferences;
import trl4j.model.LanguageModel;
import trl4j.tokenizer.Tokenizer;

/**
 * DESIGN.md's learning test (e): from a fixed seed, PPO must learn a toy reward — the share of "good"
 * among the response words — within a fixed number of iterations, for a decoder-only and an
 * encoder–decoder policy; with the adaptive controller the KL must settle near its target.
 */
class PpoLearningTest {

    static final int VOCAB = 24;
    static NDManager manager;
    static Tokenizer tokenizer;
    static List<PromptReferences> prompts;

    @BeforeAll
    static void open(@TempDir Path dir) {
        manager = NDManager.newBaseManager();
        tokenizer = Tokenizer.load(TinyPpo.tokenizer(dir, VOCAB));
        prompts = TinyPpo.prompts(96, VOCAB, 1);
    }

    @AfterAll
    static void close() {
        tokenizer.close();
        manager.close();
    }

    static final String[] COMMON = {"--num_rollouts=32", "--per_device_train_batch_size=16", "--response_length=6",
        "--gen_kwargs.top_k=0", "--learning_rate=3e-3", "--vf_coef=0.5", "--seed=7", "--max_grad_norm=1.0"};

    static List<Map<String, Double>> run(LanguageModel policy, int iterations, String... extra) {
        List<String> overrides = new ArrayList<>(List.of(COMMON));
        overrides.addAll(List.of(extra));
        List<Map<String, Double>> out = new ArrayList<>();
        try (PpoTrainer trainer = new PpoTrainer(policy, tokenizer, TinyPpo.GOOD_WORDS, prompts,
                PpoConfig.defaults(overrides.toArray(String[]::new)))) {
            for (int step = 1; step <= iterations; step++) {
                out.add(trainer.step(step));
            }
        }
        return out;
    }

    static double mean(List<Map<String, Double>> ms, String key, int from, int to) {
        return ms.subList(from, to).stream().mapToDouble(m -> m.get(key)).average().orElseThrow();
    }

    @Test
    void causalPolicyLearnsTheToyReward() {
        try (NDManager m = manager.newSubManager(); LanguageModel policy = TinyPpo.gpt2(m, VOCAB, 0.3, 5)) {
            List<Map<String, Double>> ms = run(policy, 20, "--kl_coef=0.01");
            double start = mean(ms, "objective/scores", 0, 2);
            double end = mean(ms, "objective/scores", 17, 20);
            assertTrue(end > start + 0.4, "score " + start + " -> " + end);
        }
    }

    @Test
    void t5PolicyLearnsTheToyReward() {
        try (NDManager m = manager.newSubManager(); LanguageModel policy = TinyPpo.t5(m, VOCAB, 5)) {
            List<Map<String, Double>> ms = run(policy, 20, "--kl_coef=0.01");
            double start = mean(ms, "objective/scores", 0, 2);
            double end = mean(ms, "objective/scores", 17, 20);
            assertTrue(end > start + 0.5, "score " + start + " -> " + end);
        }
    }

    @Test
    void adaptiveControllerHoldsTheKlNearItsTarget() {
        try (NDManager m = manager.newSubManager(); LanguageModel policy = TinyPpo.gpt2(m, VOCAB, 0.3, 5)) {
            // Target 2 nats per response; the controller may change β by up to ±0.2·32/50 = 12.8% per iteration.
            List<Map<String, Double>> ms = run(policy, 40, "--kl_coef=0.2", "--target=2.0", "--horizon=50", "--learning_rate=1e-3");
            double kl = mean(ms, "objective/kl", 30, 40);
            assertTrue(kl > 2.0 / 1.5 && kl < 2.0 * 1.5, "mean KL of the last 10 iterations " + kl + ", target 2");
            double beta = ms.get(39).get("objective/kl_coef");
            assertTrue(Math.abs(beta - 0.2) > 0.02, "β moved from 0.2 to " + beta);
        }
    }
}
