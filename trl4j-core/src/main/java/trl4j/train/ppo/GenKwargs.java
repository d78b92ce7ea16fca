package trl4j.train.ppo;

import trl4j.config.ConfigException;

/**
 * Generation settings of trlX's {@code gen_kwargs} / {@code gen_experience_kwargs}, Hugging Face
 * {@code generate} names. Unset (null) values fall back to the PPO defaults: sampling at temperature 1
 * with Hugging Face's {@code top_k} 50 and {@code top_p} 1 (trlX configs usually set {@code top_k: 0}).
 *
 * @param maxNewTokens new tokens at most; default null = {@code response_length} (TRL), else 53
 * @param maxLength Hugging Face's total-length limit: prompt + response for decoder-only models (of the
 *     padded prompt batch, as {@code generate} counts), start token + response for T5; used only when
 *     {@code max_new_tokens} is unset
 * @param minNewTokens EOS is suppressed before this many new tokens; default null = 0
 * @param minLength Hugging Face's total-length minimum (counted like {@code max_length}); default null
 * @param doSample sample (PPO needs samples); default null = true
 * @param temperature default null = {@code temperature} (TRL) else 1.0; the policy's logprobs are of
 *     softmax(logits / temperature), as TRL computes them
 * @param topK default null = 50 (Hugging Face); 0 disables
 * @param topP default null = 1.0
 * @param repetitionPenalty default null = 1.0
 */
public record GenKwargs(Integer maxNewTokens, Integer maxLength, Integer minNewTokens, Integer minLength, Boolean doSample,
        Double temperature, Integer topK, Double topP, Double repetitionPenalty) {

    public static final GenKwargs DEFAULTS = new GenKwargs(null, null, null, null, null, null, null, null, null);

    public GenKwargs {
        ConfigException.require(maxNewTokens == null || maxNewTokens >= 1, "max_new_tokens", maxNewTokens, "must be >= 1");
        ConfigException.require(maxLength == null || maxLength >= 2, "max_length", maxLength, "must be >= 2");
        ConfigException.require(minNewTokens == null || minNewTokens >= 0, "min_new_tokens", minNewTokens, "must be >= 0");
        ConfigException.require(temperature == null || temperature > 0, "temperature", temperature, "must be > 0");
        ConfigException.require(topK == null || topK >= 0, "top_k", topK, "must be >= 0 (0 disables)");
        ConfigException.require(topP == null || (topP > 0 && topP <= 1), "top_p", topP, "must be in (0, 1]");
        ConfigException.require(repetitionPenalty == null || repetitionPenalty > 0, "repetition_penalty", repetitionPenalty, "must be > 0");
    }
}
