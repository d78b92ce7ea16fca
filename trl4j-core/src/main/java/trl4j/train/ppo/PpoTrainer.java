package trl4j.train.ppo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import trl4j.data.PromptCompletion;
import trl4j.data.PromptReferences;
import trl4j.model.LanguageModel;
import trl4j.model.RewardFunction;
import trl4j.model.ValueHead;
import trl4j.tensor.Masked;
import trl4j.tokenizer.Tokenizer;
import trl4j.train.ResidentMemory;
import trl4j.train.Seeds;

/**
 * PPO with a KL penalty to a frozen reference (Ziegler et al. 2019; Stiennon et al. 2020), as trlX's
 * {@code AcceleratePPOTrainer} and TRL's PPO trainer run it, for decoder-only and encoder–decoder
 * policies.
 *
 * <pre>{@code
 * PpoConfig config = PpoConfig.load(Path.of("configs/ppo-debian.yaml"), List.of());
 * try (PpoTrainer trainer = new PpoTrainer(policy, tokenizer, rewardFunction, prompts, config)) {
 *     PpoTrainer.Result result = trainer.evalPrompts(heldOut).train();   // result.finalModel(): RUN/final
 * }
 * }</pre>
 *
 * The policy passed in holds the <em>initial</em> weights (the SFT model): the reference is copied (or,
 * hydra, shared) from it; a resumed run then loads the checkpoint's weights into it. {@link #step} is one
 * iteration; {@link #train} adds evaluation, checkpoints, resume and the final model
 * ({@link PpoRun}).
 */
public final class PpoTrainer implements AutoCloseable {

    private final LanguageModel policy;
    private final Tokenizer tokenizer;
    private final RewardFunction reward;
    private final List<PromptReferences> prompts;
    private final PpoConfig config;
    private final PpoMethod method;
    private List<PromptReferences> evalPrompts = List.of();
    private List<PromptReferences> testPrompts = List.of();
    private LanguageModel critic;
    private ValueHead criticHead;
    private PrintStream log = System.err;
    private Parts parts;
    private long stopAfter = Long.MAX_VALUE;

    /** What a finished (or stopped) run produced. */
    public record Result(Path runDir, Path finalModel, long steps, Map<String, Double> lastMetrics, Map<String, Double> report,
            boolean stopped) {}

    /**
     * @param policy the policy with its initial weights (causal or T5)
     * @param tokenizer the policy's tokenizer (its folder's files are copied into saved models)
     * @param reward scores (prompt, response) pairs: a reward model or any Java function
     * @param prompts training prompts (each ending with "TL;DR:" for summarisation); a reference summary
     *     per prompt serves the baseline ({@code reference_baseline}) and ROUGE
     */
    public PpoTrainer(LanguageModel policy, Tokenizer tokenizer, RewardFunction reward, List<PromptReferences> prompts, PpoConfig config) {
        if (prompts.isEmpty()) {
            throw new IllegalArgumentException("no training prompts");
        }
        this.policy = policy;
        this.tokenizer = tokenizer;
        this.reward = reward;
        this.prompts = List.copyOf(prompts);
        this.config = config;
        this.method = config.method();
    }

    /** Prompt rows from supervised pairs: the completion (stripped) becomes the reference summary. */
    public static List<PromptReferences> fromPairs(List<PromptCompletion> pairs) {
        return pairs.stream().map(p -> new PromptReferences(p.prompt(), List.of(p.completion().strip()))).toList();
    }

    /** Held-out prompts evaluated every {@code eval_steps} (first {@code num_eval_samples}). */
    public PpoTrainer evalPrompts(List<PromptReferences> rows) {
        requireNotStarted();
        this.evalPrompts = List.copyOf(rows.subList(0, Math.min(rows.size(), method.numEvalSamples())));
        return this;
    }

    /** Prompts of the final report (reference vs trained policy, greedy summaries, every row). */
    public PpoTrainer testPrompts(List<PromptReferences> rows) {
        requireNotStarted();
        this.testPrompts = List.copyOf(rows);
        return this;
    }

    /** A separate critic trunk and its head (Stiennon et al.; TRL), instead of trlX's head on the policy. */
    public PpoTrainer critic(LanguageModel trunk, ValueHead head) {
        requireNotStarted();
        this.critic = trunk;
        this.criticHead = head;
        return this;
    }

    /** Where progress, sample tables and notes go (default stderr). */
    public PpoTrainer log(PrintStream out) {
        this.log = out;
        return this;
    }

    /** Behaves as if SIGTERM arrived during iteration {@code step} (tests of stop and resume). */
    PpoTrainer stopAfter(long step) {
        this.stopAfter = step;
        return this;
    }

    private void requireNotStarted() {
        if (parts != null) {
            throw new IllegalStateException("configure the trainer before it starts");
        }
    }

    /** Runs every iteration (resuming when configured), saving checkpoints and the final model. */
    public Result train() {
        return new PpoRun(parts(), config, tokenizer, evalPrompts, testPrompts, log).run(this::step, stopAfter);
    }

    /** The collaborators of a run, created on first use. */
    Parts parts() {
        if (parts == null) {
            parts = Parts.create(policy, tokenizer, reward, prompts, config, critic, criticHead);
        }
        return parts;
    }

    /**
     * One PPO iteration (1-based): generate → truncate at EOS → score → logprobs, ref logprobs, values →
     * rewards = score − β·KL → whiten → GAE → epochs × minibatches → log.
     */
    public Map<String, Double> step(long iteration) {
        Parts p = parts();
        Timer time = new Timer();
        try (NDManager m = policy.parameters().manager().newSubManager()) {
            Seeds.seedStep(config.training().run().seed(), iteration);
            List<PromptReferences> batch = p.promptsOf(iteration);
            Samples samples = p.sampler.sample(texts(batch), references(batch), p.rolloutSettings, p.rolloutSeed(iteration));
            time.lap("time/generate");
            ScoreShaping.Scores scores = p.shaping.apply(reward.score(samples.prompts(), samples.texts()), p.baselines(samples),
                    samples.ended());
            time.lap("time/reward");
            Rollout r = p.rollouts.score(m, samples, scores.shaped());
            time.lap("time/score");
            NDArray kl = Kl.estimate(method.klEstimator(), r.logprobs(), r.refLogprobs()).mul(r.mask()); // (B, R)
            NDArray rewards = Rewards.perToken(kl, r.mask(), r.scores(), p.kl.value());
            if (method.whitenRewards()) {
                rewards = Masked.whiten(rewards, r.mask(), false).mul(r.mask());
            }
            Advantages.Estimate gae = Advantages.gae(r.values(), rewards, r.mask(), method.gamma(), method.lam());
            NDArray advantages = method.whitenAdvantages() ? Masked.whiten(gae.advantages(), r.mask(), true).mul(r.mask())
                    : gae.advantages();
            PpoUpdate.Stats u = p.update.run(iteration, r, advantages, gae.returns());
            time.lap("time/train");
            Map<String, Double> metrics = PpoMetrics.of(r, kl, scores, p.kl.value(), u, tokenizer.eosId(), p.shaping);
            p.kl.update(metrics.get("objective/kl"), r.size());
            metrics.put("episode", (double) iteration * r.size());
            metrics.putAll(time.laps());
            metrics.putAll(ResidentMemory.measure());
            return metrics;
        }
    }

    private static List<String> texts(List<PromptReferences> rows) {
        return rows.stream().map(PromptReferences::prompt).toList();
    }

    private static List<String> references(List<PromptReferences> rows) {
        return rows.stream().map(r -> r.references().get(0)).toList();
    }

    /** Frees what the trainer created (the reference, value head, optimizer); the policy is the caller's. */
    @Override
    public void close() {
        if (parts != null) {
            parts.close();
        }
    }

    /** Wall-clock laps in seconds under TRL-style {@code time/*} keys. */
    static final class Timer {
        private final Map<String, Double> laps = new LinkedHashMap<>();
        private final long start = System.nanoTime();
        private long last = start;

        void lap(String key) {
            long now = System.nanoTime();
            laps.put(key, (now - last) / 1e9);
            last = now;
        }

        Map<String, Double> laps() {
            Map<String, Double> out = new LinkedHashMap<>(laps);
            out.put("time/iteration", (System.nanoTime() - start) / 1e9);
            return out;
        }
    }

    static List<String> baselineTexts(List<String> references) {
        List<String> out = new ArrayList<>();
        for (String r : references) {
            out.add(r == null ? null : " " + r); // the completion format: one space after "TL;DR:"
        }
        return out;
    }
}
