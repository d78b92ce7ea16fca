package trl4j.train.ppo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import trl4j.data.PromptReferences;
import trl4j.model.LanguageModel;
import trl4j.model.registry.Models;
import trl4j.tensor.GradMode;
import trl4j.testing.Golden;
import trl4j.tokenizer.Tokenizer;

/**
 * The rollout's numbers are the ones the sampler used: log-probabilities recorded while sampling (KV
 * cache, left padding) equal those of the teacher-forced scoring pass within 1e-5 (a mismatch is what
 * produces "negative KL" at the first step, trl#1161); and trlX's hydra reference (shared lower layers)
 * gives the same reference log-probabilities as a full copy, before and after the policy moves.
 * Golden tiny models (vocabulary 512) with a word-level tokenizer over the same ids.
 */
class RolloutConsistencyTest {

    static NDManager manager;
    static Tokenizer tokenizer;

    @BeforeAll
    static void open(@TempDir Path dir) {
        manager = NDManager.newBaseManager();
        tokenizer = Tokenizer.load(TinyPpo.tokenizer(dir, 512));
    }

    @AfterAll
    static void close() {
        tokenizer.close();
        manager.close();
    }

    static PpoConfig config(String... overrides) {
        return PpoConfig.defaults(overrides);
    }

    @ParameterizedTest
    @ValueSource(strings = {"gpt2", "llama", "t5"})
    void sampledLogprobsEqualTheScoringPass(String name) {
        try (NDManager m = manager.newSubManager(); LanguageModel policy = Models.load(Golden.model(name), m)) {
            List<PromptReferences> prompts = TinyPpo.prompts(6, 512, 3);
            PpoConfig config = config("--temperature=0.7", "--gen_kwargs.top_k=0", "--response_length=12",
                    "--local_rollout_forward_batch_size=4", "--num_rollouts=6", "--per_device_train_batch_size=2");
            try (Parts parts = Parts.create(policy, tokenizer, TinyPpo.GOOD_WORDS, prompts, config, null, null)) {
                Samples s = parts.sampler.sample(prompts.stream().map(PromptReferences::prompt).toList(), null,
                        parts.rolloutSettings, 11);
                assertTrue(s.responses().stream().anyMatch(r -> r.length > 4), "responses of several tokens");
                Rollout r = parts.rollouts.score(m, s, new double[s.size()]);
                float[] scored = r.logprobs().toFloatArray();
                int width = (int) r.logprobs().getShape().get(1);
                // 1e-5, relative to the logit scale where that exceeds 1 (the golden README's rule for
                // same-math-different-shapes float noise): the golden T5 has logits up to 15 (here / 0.7),
                // and transformers itself differs by 1.3e-4 on them between a padded and an unpadded row.
                double tolerance = name.startsWith("t5") ? 1e-5 * 15.0 / 0.7 : 1e-5;
                for (int i = 0; i < s.size(); i++) {
                    float[] sampled = s.generationLogprobs().get(i);
                    for (int t = 0; t < sampled.length; t++) {
                        assertEquals(sampled[t], scored[i * width + t], tolerance, name + " row " + i + " token " + t);
                    }
                }
                // At step 0 the policy is its reference: the KL of every token is 0 (not merely its mean).
                float[] kl = Kl.k1(r.logprobs(), r.refLogprobs()).toFloatArray();
                for (float k : kl) {
                    assertEquals(0f, k, 1e-6f, "the reference is the policy: the same pass, the same numbers");
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"gpt2", "llama", "t5", "t5-v1_1"})
    void hydraAndFullCopyReferencesAgree(String name) {
        try (NDManager m = manager.newSubManager(); LanguageModel hydraPolicy = Models.load(Golden.model(name), m);
                LanguageModel copyPolicy = Models.load(Golden.model(name), m)) {
            List<PromptReferences> prompts = TinyPpo.prompts(4, 512, 5);
            String[] common = {"--temperature=1.0", "--gen_kwargs.top_k=0", "--response_length=8", "--num_rollouts=4",
                "--num_layers_unfrozen=1", "--learning_rate=0.05", "--per_device_train_batch_size=2"};
            try (Parts hydra = Parts.create(hydraPolicy, tokenizer, TinyPpo.GOOD_WORDS, prompts, config(with(common, "--ref_model=hydra")), null, null);
                    Parts copy = Parts.create(copyPolicy, tokenizer, TinyPpo.GOOD_WORDS, prompts, config(with(common, "--ref_model=copy")), null, null)) {
                assertTrue(hydra.models.hydra());
                assertFalse(copy.models.hydra());
                assertEquals(hydra.models.depth() - 1, hydra.models.branchLayer());
                Samples s = hydra.sampler.sample(prompts.stream().map(PromptReferences::prompt).toList(), null, hydra.rolloutSettings, 5);
                float[] hydraRef = hydra.rollouts.score(m, s, new double[4]).refLogprobs().toFloatArray();
                float[] copyRef = copy.rollouts.score(m, s, new double[4]).refLogprobs().toFloatArray();
                assertArrayEquals(copyRef, hydraRef, 1e-6f, "step 0");
                // Only the top layer (and final norm / untied head) trains; the shared bottom stays put.
                assertTrue(hydra.models.trainedPolicyParameters().stream().noneMatch(p -> hydraPolicy.depthOf(p) < hydra.models.depth() - 1));
                float[] before = hydra.rollouts.score(m, s, new double[4]).logprobs().toFloatArray();
                moveThePolicy(hydra, s, m);
                float[] afterLogprobs = hydra.rollouts.score(m, s, new double[4]).logprobs().toFloatArray();
                assertNotEquals(before[0], afterLogprobs[0], "the policy moved");
                float[] hydraRefAfter = hydra.rollouts.score(m, s, new double[4]).refLogprobs().toFloatArray();
                assertArrayEquals(copyRef, hydraRefAfter, 1e-6f, "the hydra reference is frozen");
            }
        }
    }

    private static String[] with(String[] common, String extra) {
        String[] out = java.util.Arrays.copyOf(common, common.length + 1);
        out[common.length] = extra;
        return out;
    }

    /** One optimizer step raising the log-probabilities of the sampled responses. */
    private static void moveThePolicy(Parts parts, Samples s, NDManager m) {
        Rollout r = parts.rollouts.score(m, s, new double[s.size()]);
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            Forward.Policy p = parts.forward.policy(r.queries(), r.queryMask(), r.responses(), r.mask());
            gc.backward(p.logprobs().mul(r.mask()).sum().neg());
        }
        try (GradMode g = GradMode.enabled()) {
            parts.updater.apply(1, 0.0);
        }
    }
}
