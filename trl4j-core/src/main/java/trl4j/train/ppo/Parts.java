package trl4j.train.ppo;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import trl4j.config.TrainingConfig;
import trl4j.data.PromptReferences;
import trl4j.model.LanguageModel;
import trl4j.model.RewardFunction;
import trl4j.model.Seq2SeqLm;
import trl4j.model.ValueHead;
import trl4j.tokenizer.Tokenizer;
import trl4j.train.AdamW;
import trl4j.train.BatchPlan;
import trl4j.train.LrSchedule;
import trl4j.train.NanGuard;
import trl4j.train.Seeds;
import trl4j.train.TrainerState;
import trl4j.train.Updater;

/** The collaborators of one PPO run, composed from the config (no base class; DESIGN.md principle 7). */
final class Parts implements AutoCloseable {

    final PpoConfig config;
    final PpoPlan plan;
    final PpoModels models;
    final Sampler sampler;
    final Sampler.Settings rolloutSettings;
    final Sampler.Settings evalSettings;
    final Forward forward;
    final Rollouts rollouts;
    final ScoreShaping shaping;
    final KlController kl;
    final NanGuard guard;
    final Evaluation evaluation;
    final RewardFunction reward;
    private final List<PromptReferences> prompts;
    private final BatchPlan promptPlan;
    AdamW optimizer;
    Updater updater;
    PpoUpdate update;

    private Parts(PpoConfig config, PpoPlan plan, PpoModels models, Sampler sampler, Sampler.Settings rolloutSettings,
            Sampler.Settings evalSettings, RewardFunction reward, List<PromptReferences> prompts) {
        PpoMethod m = config.method();
        TrainingConfig t = config.training();
        this.config = config;
        this.plan = plan;
        this.models = models;
        this.sampler = sampler;
        this.rolloutSettings = rolloutSettings;
        this.evalSettings = evalSettings;
        this.reward = reward;
        this.prompts = prompts;
        this.forward = new Forward(models, rolloutSettings.temperature());
        this.rollouts = new Rollouts(forward, plan.forwardBatchSize(), sampler.padId());
        this.shaping = new ScoreShaping(m.scale(), m.cliprangeReward(), m.missingEosPenalty(), m.refMeanValue(), m.refStdValue());
        this.kl = KlController.of(m.klCoef(), m.target(), m.horizon());
        this.guard = new NanGuard(t.loop().maxConsecutiveNanSteps());
        this.evaluation = new Evaluation(sampler, rollouts, reward, rolloutSettings, evalSettings.greedy(),
                Seeds.derive(t.run().seed(), "eval", 0));
        this.promptPlan = new BatchPlan(prompts.size(), plan.rollouts(), 1, t.run().seed());
        useOptimizer(AdamW.create(models.trainable(), t.optimizer()));
    }

    static Parts create(LanguageModel policy, Tokenizer tokenizer, RewardFunction reward, List<PromptReferences> prompts,
            PpoConfig config, LanguageModel critic, ValueHead criticHead) {
        PpoMethod m = config.method();
        TrainingConfig t = config.training();
        if (tokenizer.vocabSize() > policy.config().vocabSize()) {
            throw new IllegalArgumentException("the tokenizer has " + tokenizer.vocabSize() + " tokens but the policy's vocabulary only "
                    + policy.config().vocabSize() + " (tokenizer and model do not match)");
        }
        PpoPlan plan = config.plan(prompts.size());
        if (prompts.size() < plan.rollouts()) {
            throw new IllegalArgumentException(prompts.size() + " training prompts cannot fill one iteration of " + plan.rollouts()
                    + " rollouts; lower num_rollouts (or the batch sizes) or add prompts");
        }
        Sampler.Settings rollout = Sampler.Settings.of(m.genExperienceKwargs() != null ? m.genExperienceKwargs() : m.genKwargs(),
                m.responseLength(), m.temperature());
        Sampler.Settings eval = Sampler.Settings.of(m.genKwargs(), m.responseLength(), m.temperature());
        if (!rollout.doSample()) {
            throw new IllegalArgumentException("gen_kwargs.do_sample = false: PPO learns from sampled responses");
        }
        List<Integer> eos = new ArrayList<>(policy.config().eosTokenIds());
        if (eos.isEmpty() && tokenizer.eosId() != null) {
            eos.add(tokenizer.eosId());
        }
        if (m.stopTokenId() != null && !eos.contains(m.stopTokenId())) {
            eos.add(m.stopTokenId());
        }
        Integer pad = tokenizer.padId() != null ? tokenizer.padId() : policy.config().padTokenId();
        int padId = pad != null ? pad : eos.isEmpty() ? 0 : eos.get(0);
        boolean seq2seq = policy instanceof Seq2SeqLm;
        int maxNew = rollout.maxNewTokens() != null ? rollout.maxNewTokens() : 0;
        int maxPrompt = m.maxPromptLength() != null ? m.maxPromptLength() : seq2seq ? t.loop().maxLength()
                : Math.max(1, t.loop().maxLength() - maxNew);
        int context = policy.config().maxPositions();
        if (!seq2seq && context > 0) {
            maxPrompt = Math.min(maxPrompt, Math.max(1, context - maxNew));
        }
        PpoModels models = PpoModels.create(policy, t.model().numLayersUnfrozen(), m.refModel(), critic, criticHead, t.run().seed());
        Sampler sampler = new Sampler(policy, tokenizer, eos, padId, m.stopSequences(), maxPrompt,
                t.tokenizer().truncationSide(), plan.forwardBatchSize());
        return new Parts(config, plan, models, sampler, rollout, eval, reward, List.copyOf(prompts));
    }

    /** The prompts of iteration {@code step}: seeded epochs over the prompt set, as {@link BatchPlan} cuts them. */
    List<PromptReferences> promptsOf(long step) {
        List<PromptReferences> out = new ArrayList<>();
        for (int i : promptPlan.microBatches(step).get(0)) {
            out.add(prompts.get(i));
        }
        return out;
    }

    BatchPlan promptPlan() {
        return promptPlan;
    }

    long rolloutSeed(long step) {
        return Seeds.derive(config.training().run().seed(), "rollout", step);
    }

    /** Scores of the reference summaries (Stiennon's baseline), or null when the baseline is off. */
    double[] baselines(Samples samples) {
        if (!config.method().referenceBaseline()) {
            return null;
        }
        if (samples.references().stream().anyMatch(r -> r == null)) {
            throw new IllegalArgumentException("reference_baseline needs a reference summary for every prompt");
        }
        return reward.score(samples.prompts(), PpoTrainer.baselineTexts(samples.references()));
    }

    /** Replaces the optimizer (a restored one on resume). */
    void useOptimizer(AdamW adamw) {
        if (optimizer != null) {
            optimizer.close();
        }
        TrainingConfig t = config.training();
        optimizer = adamw;
        updater = new Updater(models.trainable(), adamw, LrSchedule.of(t.schedule(), t.optimizer().learningRate(), plan.totalOptimizerSteps()),
                t.loop().maxGradNorm(), guard);
        update = new PpoUpdate(forward, updater, plan, config.method(), t.run().seed());
    }

    /** Continues from a checkpoint folder: weights, optimizer, KL coefficient, score statistics, NaN counters. */
    void restore(Path dir, TrainerState state) {
        Path criticDir = models.critic() != null ? dir.resolve(PpoRun.CRITIC_DIR) : null;
        Path head = (criticDir != null ? criticDir : dir).resolve(ValueHead.FILE);
        models.restore(dir, head, criticDir);
        useOptimizer(AdamW.restore(models.trainable(), dir));
        PpoState.restore(state, kl, shaping);
        guard.restore(state.skippedSteps(), state.consecutiveSkips());
    }

    @Override
    public void close() {
        optimizer.close();
        models.close();
    }
}
