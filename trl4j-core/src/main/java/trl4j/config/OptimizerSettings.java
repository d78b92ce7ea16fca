package trl4j.config;

import java.util.List;
import java.util.Locale;

/**
 * The optimizer: AdamW with decoupled weight decay, as {@code torch.optim.AdamW}. Key names are
 * Hugging Face {@code TrainingArguments}'; trlX's {@code optimizer{name, kwargs{lr, betas, eps,
 * weight_decay}}} maps onto them.
 *
 * @param optim optimizer name; default "adamw" (also accepted: HF's "adamw_torch", "adamw_hf")
 * @param learningRate peak learning rate; default 5e-5 (HF). trlX: {@code optimizer.kwargs.lr}.
 * @param adamBeta1 decay of the first moment; default 0.9. trlX: {@code betas[0]}.
 * @param adamBeta2 decay of the second moment; default 0.999. trlX: {@code betas[1]}.
 * @param adamEpsilon added to √v̂ in the denominator; default 1e-8. trlX: {@code eps}.
 * @param weightDecay decoupled decay applied to weight matrices (never to biases or norm weights);
 *     default 0.0 (HF; torch's own default, which trlX files get, is 0.01)
 */
public record OptimizerSettings(String optim, double learningRate, double adamBeta1, double adamBeta2,
        double adamEpsilon, double weightDecay) {

    /** Names accepted for AdamW: trlX's and Hugging Face's. */
    static final List<String> ADAMW_NAMES = List.of("adamw", "adamw_torch", "adamw_hf");

    public static final OptimizerSettings DEFAULTS = new OptimizerSettings("adamw", 5e-5, 0.9, 0.999, 1e-8, 0.0);

    public OptimizerSettings {
        String name = optim == null ? "" : optim.trim().toLowerCase(Locale.ROOT);
        ConfigException.require(ADAMW_NAMES.contains(name), "optim", optim,
                "trl4j implements AdamW only (use 'adamw')" + NearMiss.hint(name, ADAMW_NAMES));
        optim = "adamw";
        ConfigException.require(Double.isFinite(learningRate) && learningRate > 0, "learning_rate", learningRate, "must be > 0");
        ConfigException.require(adamBeta1 >= 0 && adamBeta1 < 1, "adam_beta1", adamBeta1, "must be in [0, 1)");
        ConfigException.require(adamBeta2 >= 0 && adamBeta2 < 1, "adam_beta2", adamBeta2, "must be in [0, 1)");
        ConfigException.require(Double.isFinite(adamEpsilon) && adamEpsilon >= 0, "adam_epsilon", adamEpsilon, "must be >= 0");
        ConfigException.require(Double.isFinite(weightDecay) && weightDecay >= 0, "weight_decay", weightDecay, "must be >= 0");
    }
}
