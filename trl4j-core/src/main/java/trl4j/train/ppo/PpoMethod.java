package trl4j.train.ppo;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import trl4j.config.ConfigException;
import trl4j.config.StageSchema;

/**
 * The PPO stage's own settings: TRL's {@code PPOConfig} names, with trlX's {@code method:} spellings as
 * aliases, so a trlX PPO YAML runs unchanged. The shape of an iteration (how many rollouts, minibatches,
 * micro-batches) is resolved in {@link PpoPlan}.
 *
 * <p><b>Iteration shape.</b> micro-batch = {@code per_device_train_batch_size} (trlX
 * {@code train.minibatch_size}); minibatch = {@code mini_batch_size}, else micro × {@code gradient_accumulation_steps}
 * (trlX {@code train.batch_size}); rollouts per iteration = {@code num_rollouts}, else minibatch ×
 * {@code num_mini_batches} (TRL).
 *
 * @param numRollouts rollouts (prompts) per PPO iteration; default null = minibatch × num_mini_batches
 *     (TRL). trlX {@code num_rollouts}; alias {@code batch_size} (TRL ≤ 0.11).
 * @param numMiniBatches minibatches per PPO epoch when {@code num_rollouts} is unset; default 1 (TRL).
 *     Alias {@code num_mb}.
 * @param miniBatchSize rows per optimizer step; default null = micro-batch × accumulation (TRL ≤ 0.11)
 * @param numPpoEpochs passes over each rollout batch; default 4. trlX {@code ppo_epochs}.
 * @param localRolloutForwardBatchSize rows per generation / scoring forward pass; default null = 64
 *     capped at the rollouts. trlX {@code chunk_size}.
 * @param totalEpisodes prompts to train on in total (TRL); default null = {@code max_steps} iterations
 *     if set, else {@code num_train_epochs} passes over the prompts
 * @param klCoef β of the KL penalty (the initial one when adaptive); default 0.05 (TRL). trlX
 *     {@code init_kl_coef}.
 * @param target KL target of the adaptive controller (Ziegler et al.); default null = fixed β
 * @param horizon horizon of the adaptive controller; default 10000
 * @param klEstimator {@code k1} (default, TRL and trlX) or {@code k3}
 * @param cliprangeReward scores are clipped to [−c, c]; default null = no clipping (trlX uses 10)
 * @param scaleReward {@code none} (default; trlX's {@code false}/{@code ignored}/None also mean none),
 *     {@code running} (divide by the running std) or {@code ref} (divide by {@code ref_std})
 * @param refMean reference mean of the scores; default null = the first batch's (trlX; recorded only)
 * @param refStd reference std for {@code scale_reward: ref}; default null = the first batch's
 * @param missingEosPenalty subtracted from the score of a response that did not end (TRL); default null
 * @param whitenRewards whiten the per-token rewards before GAE, keeping their mean (TRL); default false
 * @param whitenAdvantages whiten the advantages (TRL and trlX always do); default true
 * @param referenceBaseline subtract the reward function's score of the prompt's reference summary
 *     (Stiennon et al.; trlX summarize_rlhf); default false
 * @param gamma discount; default 1.0
 * @param lam GAE λ; default 0.95
 * @param cliprange ε of the policy ratio; default 0.2
 * @param cliprangeValue ε of the value clipping; default 0.2
 * @param vfCoef weight of the value loss; default 0.1 (TRL)
 * @param genKwargs generation of the evaluation samples (trlX {@code gen_kwargs}; also of the rollouts
 *     unless {@code gen_experience_kwargs} is set)
 * @param genExperienceKwargs generation of the rollouts (trlX); default null = {@code gen_kwargs}
 * @param responseLength new tokens per response (TRL); default null = {@code gen_kwargs.max_new_tokens}, else 53
 * @param temperature sampling temperature (TRL); default null = {@code gen_kwargs.temperature}, else 1.0
 * @param stopToken {@code eos} to stop at the EOS token (TRL; EOS always ends a response here); default null
 * @param stopTokenId a token id that ends a response like EOS (TRL); default null
 * @param stopSequences texts that end a response when generated (trlX's {@code stop_sequences}): the
 *     response is cut after the token completing one, and the text scored ends before it; default empty
 * @param refModel the frozen reference: {@code auto} (default; hydra when num_layers_unfrozen > 0, as
 *     trlX), {@code hydra} or {@code copy}
 * @param sftModelPath the policy's initial weights (TRL); default null = {@code model_name_or_path}
 * @param rewardModelPath reward model folder (a sequence-classification checkpoint); default null (the
 *     Java API takes any {@code RewardFunction})
 * @param valueModelPath a separate critic, initialised from this folder (a reward model's score head, or
 *     a language model with a fresh head; Stiennon et al., TRL); default null = trlX's MLP value head on
 *     the policy trunk
 * @param trainPrompts prompts file (JSONL/JSON/CSV/Parquet with prompt + summary) or
 *     {@code debian-tldr:<split>}; default {@code debian-tldr:train}
 * @param evalPrompts held-out prompts for the periodic evaluation; default {@code debian-tldr:validation}
 * @param testPrompts prompts of the final report (before vs after PPO, every row); default null = none
 * @param numEvalSamples rows of {@code eval_prompts} used each evaluation; default 64
 * @param numSampleGenerations evaluations over the run when {@code eval_steps} is unset (TRL); default 10
 * @param maxPromptLength prompts are fitted into this many tokens as SFT fitted them: the document is cut on
 *     {@code tokenizer.truncation_side}, a summarisation prompt keeps its "TL;DR:"; default
 *     null = {@code max_length} − response length for decoder-only models, {@code max_length} for T5
 * @param numTopkSamples trlX's best-of-n sampling; only 1 is supported
 * @param numValueLayersUnfrozen trlX's value branch; only 0 is supported
 */
public record PpoMethod(
        Integer numRollouts,
        int numMiniBatches,
        Integer miniBatchSize,
        int numPpoEpochs,
        Integer localRolloutForwardBatchSize,
        Long totalEpisodes,
        double klCoef,
        Double target,
        long horizon,
        Kl.Estimator klEstimator,
        Double cliprangeReward,
        String scaleReward,
        String refMean,
        String refStd,
        Double missingEosPenalty,
        boolean whitenRewards,
        boolean whitenAdvantages,
        boolean referenceBaseline,
        double gamma,
        double lam,
        double cliprange,
        double cliprangeValue,
        double vfCoef,
        GenKwargs genKwargs,
        GenKwargs genExperienceKwargs,
        Integer responseLength,
        Double temperature,
        String stopToken,
        Integer stopTokenId,
        List<String> stopSequences,
        String refModel,
        String sftModelPath,
        String rewardModelPath,
        String valueModelPath,
        String trainPrompts,
        String evalPrompts,
        String testPrompts,
        int numEvalSamples,
        int numSampleGenerations,
        Integer maxPromptLength,
        int numTopkSamples,
        int numValueLayersUnfrozen) {

    public static final PpoMethod DEFAULTS = new PpoMethod(null, 1, null, 4, null, null, 0.05, null, 10000, Kl.Estimator.K1,
            null, "none", null, null, null, false, true, false, 1.0, 0.95, 0.2, 0.2, 0.1, GenKwargs.DEFAULTS, null, null, null,
            null, null, List.of(), "auto", null, null, null, "debian-tldr:train", "debian-tldr:validation", null, 64, 10, null, 1, 0);

    /** The stage schema: TRL names, trlX aliases, the stage's defaults for shared keys. */
    public static final StageSchema<PpoMethod> SCHEMA = new StageSchema<>("ppo", PpoMethod.class, DEFAULTS,
            Set.of("ppoconfig"),
            Map.of("ppo_epochs", "num_ppo_epochs", "init_kl_coef", "kl_coef", "chunk_size", "local_rollout_forward_batch_size",
                    "num_mb", "num_mini_batches", "batch_size", "num_rollouts"),
            Map.of("output_dir", "runs/ppo", "learning_rate", 3e-6, "logging_steps", 1, "save_steps", 20,
                    "per_device_train_batch_size", 8));

    public PpoMethod {
        ConfigException.require(numRollouts == null || numRollouts >= 1, "num_rollouts", numRollouts, "must be >= 1");
        ConfigException.require(numMiniBatches >= 1, "num_mini_batches", numMiniBatches, "must be >= 1");
        ConfigException.require(miniBatchSize == null || miniBatchSize >= 1, "mini_batch_size", miniBatchSize, "must be >= 1");
        ConfigException.require(numPpoEpochs >= 1, "num_ppo_epochs", numPpoEpochs, "must be >= 1");
        ConfigException.require(localRolloutForwardBatchSize == null || localRolloutForwardBatchSize >= 1,
                "local_rollout_forward_batch_size", localRolloutForwardBatchSize, "must be >= 1");
        ConfigException.require(totalEpisodes == null || totalEpisodes >= 1, "total_episodes", totalEpisodes, "must be >= 1");
        ConfigException.require(Double.isFinite(klCoef) && klCoef >= 0, "kl_coef", klCoef, "must be >= 0");
        ConfigException.require(target == null || target > 0, "target", target, "must be > 0 (or null for a fixed kl_coef)");
        ConfigException.require(horizon >= 1, "horizon", horizon, "must be >= 1");
        ConfigException.require(klEstimator != null, "kl_estimator", null, "must be k1 or k3");
        ConfigException.require(cliprangeReward == null || cliprangeReward >= 0, "cliprange_reward", cliprangeReward, "must be >= 0");
        scaleReward = normaliseScale(scaleReward);
        refMean = optionalNumber("ref_mean", refMean);
        refStd = optionalNumber("ref_std", refStd);
        ConfigException.require(refStd == null || Double.parseDouble(refStd) > 0, "ref_std", refStd, "must be > 0");
        ConfigException.require(gamma >= 0 && gamma <= 1, "gamma", gamma, "must be in [0, 1]");
        ConfigException.require(lam >= 0 && lam <= 1, "lam", lam, "must be in [0, 1]");
        ConfigException.require(cliprange > 0, "cliprange", cliprange, "must be > 0");
        ConfigException.require(cliprangeValue > 0, "cliprange_value", cliprangeValue, "must be > 0");
        ConfigException.require(vfCoef >= 0, "vf_coef", vfCoef, "must be >= 0");
        if (GenKwargs.DEFAULTS.equals(genExperienceKwargs)) {
            genExperienceKwargs = null; // an empty mapping (or null, which binds as one) means "use gen_kwargs", as in trlX
        }
        ConfigException.require(responseLength == null || responseLength >= 1, "response_length", responseLength, "must be >= 1");
        ConfigException.require(temperature == null || temperature > 0, "temperature", temperature, "must be > 0");
        ConfigException.require(stopToken == null || stopToken.equals("eos"), "stop_token", stopToken,
                "must be eos or null (use stop_token_id for another token)");
        stopSequences = stopSequences == null ? List.of() : List.copyOf(stopSequences);
        stopSequences.forEach(s -> ConfigException.require(!s.isEmpty(), "stop_sequences", s, "must not hold an empty text"));
        refModel = refModel == null ? "auto" : refModel.trim().toLowerCase(Locale.ROOT);
        ConfigException.require(Set.of("auto", "hydra", "copy").contains(refModel), "ref_model", refModel, "must be auto, hydra or copy");
        ConfigException.require(trainPrompts != null && !trainPrompts.isBlank(), "train_prompts", trainPrompts, "a prompts file is required");
        ConfigException.require(numEvalSamples >= 1, "num_eval_samples", numEvalSamples, "must be >= 1");
        ConfigException.require(numSampleGenerations >= 1, "num_sample_generations", numSampleGenerations, "must be >= 1");
        ConfigException.require(maxPromptLength == null || maxPromptLength >= 1, "max_prompt_length", maxPromptLength, "must be >= 1");
        ConfigException.require(numTopkSamples == 1, "num_topk_samples", numTopkSamples, "only 1 is supported (no best-of-n rollouts)");
        ConfigException.require(numValueLayersUnfrozen == 0, "num_value_layers_unfrozen", numValueLayersUnfrozen,
                "only 0 is supported (the value head reads the final hidden state)");
    }

    /** trlX writes {@code scale_reward: False}, {@code "ignored"} or None for no scaling. */
    private static String normaliseScale(String s) {
        String v = s == null ? "none" : s.trim().toLowerCase(Locale.ROOT);
        if (Set.of("none", "null", "false", "ignored", "").contains(v)) {
            return "none";
        }
        ConfigException.require(v.equals("running") || v.equals("ref"), "scale_reward", s, "must be none, running or ref");
        return v;
    }

    /** A number, or null (trlX configs also write Python's None as text). */
    private static String optionalNumber(String key, String value) {
        if (value == null || Set.of("none", "null", "").contains(value.trim().toLowerCase(Locale.ROOT))) {
            return null;
        }
        try {
            double d = Double.parseDouble(value.trim());
            ConfigException.require(Double.isFinite(d), key, value, "must be a finite number or null");
            return value.trim();
        } catch (NumberFormatException e) {
            throw ConfigException.invalid(key, value, "must be a number or null");
        }
    }

    public ScoreShaping.Scale scale() {
        return ScoreShaping.Scale.valueOf(scaleReward.toUpperCase(Locale.ROOT));
    }

    public Double refMeanValue() {
        return refMean == null ? null : Double.parseDouble(refMean);
    }

    public Double refStdValue() {
        return refStd == null ? null : Double.parseDouble(refStd);
    }
}
