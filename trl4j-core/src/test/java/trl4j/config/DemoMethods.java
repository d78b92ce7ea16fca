package trl4j.config;

import java.util.Map;
import java.util.Set;

/** Method records shaped like the ones stages declare, for the loader tests. */
final class DemoMethods {

    private DemoMethods() {}

    /** PPO-like: TRL names, trlX aliases, a typed nested record. */
    record PpoMethod(int numPpoEpochs, double klCoef, Double target, int horizon, double cliprange,
            String scaleReward, GenKwargs genKwargs) {

        static final PpoMethod DEFAULTS = new PpoMethod(4, 0.05, null, 10000, 0.2, "ignored", GenKwargs.DEFAULTS);

        PpoMethod {
            ConfigException.require(numPpoEpochs >= 1, "num_ppo_epochs", numPpoEpochs, "must be >= 1");
            ConfigException.require(klCoef >= 0, "kl_coef", klCoef, "must be >= 0");
        }
    }

    /** Generation settings as a typed record (so overrides are typed by its components). */
    record GenKwargs(int maxNewTokens, int topK, double topP, boolean doSample) {

        public static final GenKwargs DEFAULTS = new GenKwargs(40, 0, 1.0, true);

        GenKwargs {
            ConfigException.require(maxNewTokens >= 1, "max_new_tokens", maxNewTokens, "must be >= 1");
        }
    }

    static final StageSchema<PpoMethod> PPO = new StageSchema<>("ppo", PpoMethod.class, PpoMethod.DEFAULTS,
            Set.of("PPOConfig"), Map.of("ppo_epochs", "num_ppo_epochs", "init_kl_coef", "kl_coef"),
            Map.of("output_dir", "runs/ppo"));

    /** SFT-like: a flag and free-form generation kwargs. */
    record SftMethod(boolean completionOnlyLoss, Map<String, Object> genKwargs) {
        static final SftMethod DEFAULTS = new SftMethod(true, Map.of("max_new_tokens", 40));
    }

    static final StageSchema<SftMethod> SFT = new StageSchema<>("sft", SftMethod.class, SftMethod.DEFAULTS,
            Set.of("sftconfig"), Map.of(), Map.of("learning_rate", 2e-5, "output_dir", "runs/sft", "logging_steps", 10));
}
