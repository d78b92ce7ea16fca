package trl4j.generate;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import trl4j.checkpoint.ConfigJson;
import trl4j.model.ModelConfig;

/**
 * Decoding settings with Hugging Face's names and defaults ({@code GenerationConfig}): greedy unless
 * {@code do_sample}; sampling applies temperature, then top-k (default 50, as in transformers), then
 * top-p. A model folder's {@code generation_config.json} supplies the defaults; callers override.
 *
 * @param maxNewTokens {@code max_new_tokens}
 * @param minNewTokens {@code min_new_tokens}: EOS is suppressed before this many new tokens
 * @param doSample {@code do_sample}
 * @param temperature {@code temperature} (> 0)
 * @param topK {@code top_k}; 0 disables
 * @param topP {@code top_p}; 1 disables
 * @param eosTokenIds ids that end a row (empty: generate exactly maxNewTokens)
 * @param padTokenId written after a row has ended (and used to left-pad prompts)
 * @param repetitionPenalty {@code repetition_penalty} (CTRL, Keskar et al. 2019): logits of tokens
 *     already in the row (prompt or generated) are divided by it when positive, multiplied when
 *     negative; 1 disables
 * @param encoderRepetitionPenalty {@code encoder_repetition_penalty} (Hugging Face's "hallucination
 *     penalty"): logits of tokens in the prompt (the encoder input for encoder–decoders) are multiplied
 *     by it when positive, divided when negative, so values above 1 favour copying from the source;
 *     applied before {@code repetition_penalty}, as transformers does; 1 disables
 * @param seed seed of the sampler; the same seed gives the same samples
 */
public record GenerationConfig(
        int maxNewTokens,
        int minNewTokens,
        boolean doSample,
        double temperature,
        int topK,
        double topP,
        List<Integer> eosTokenIds,
        int padTokenId,
        double repetitionPenalty,
        double encoderRepetitionPenalty,
        long seed) {

    /** Keys of generation_config.json that do not change greedy/sampled decoding as we do it. */
    private static final Set<String> HARMLESS = Set.of("_from_model_config", "transformers_version",
            "bos_token_id", "decoder_start_token_id", "max_length", "use_cache", "output_scores",
            "return_dict_in_generate", "output_attentions", "output_hidden_states", "num_return_sequences",
            "forced_decoder_ids", "begin_suppress_tokens", "suppress_tokens", "early_stopping", "length_penalty");

    /**
     * max_new_tokens when neither the caller nor generation_config.json sets it. Hugging Face's own
     * default is max_length = 20 counting the prompt, which leaves long prompts nothing; 24 new
     * tokens fit a one-line summary.
     */
    public static final int DEFAULT_MAX_NEW_TOKENS = 24;

    public GenerationConfig {
        if (maxNewTokens < 1) {
            throw new IllegalArgumentException("max_new_tokens must be ≥ 1, got " + maxNewTokens);
        }
        if (minNewTokens < 0 || minNewTokens > maxNewTokens) {
            throw new IllegalArgumentException("min_new_tokens must be in [0, max_new_tokens], got " + minNewTokens);
        }
        if (!(temperature > 0)) {
            throw new IllegalArgumentException("temperature must be > 0, got " + temperature);
        }
        if (topK < 0) {
            throw new IllegalArgumentException("top_k must be ≥ 0, got " + topK);
        }
        if (!(repetitionPenalty > 0)) {
            throw new IllegalArgumentException("repetition_penalty must be > 0, got " + repetitionPenalty);
        }
        if (!(encoderRepetitionPenalty > 0)) {
            throw new IllegalArgumentException("encoder_repetition_penalty must be > 0, got " + encoderRepetitionPenalty);
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new IllegalArgumentException("top_p must be in (0, 1], got " + topP);
        }
        eosTokenIds = List.copyOf(eosTokenIds);
    }

    /** Greedy decoding of {@code maxNewTokens} with the model's EOS and pad ids. */
    public static GenerationConfig greedy(ModelConfig model, int maxNewTokens) {
        return new GenerationConfig(maxNewTokens, 0, false, 1.0, 50, 1.0, model.eosTokenIds(), defaultPad(model), 1.0, 1.0, 0L);
    }

    /** HF uses the pad id, else the (first) EOS id, to pad finished rows. */
    static int defaultPad(ModelConfig model) {
        if (model.padTokenId() != null) {
            return model.padTokenId();
        }
        return model.eosTokenIds().isEmpty() ? 0 : model.eosTokenIds().get(0);
    }

    /**
     * Defaults from a model's config and its {@code generation_config.json} (if any). Options we do
     * not implement (beam search, n-gram blocking, ...) are refused naming the key.
     */
    public static GenerationConfig fromModel(ModelConfig model, ConfigJson generationConfig) {
        GenerationConfig base = greedy(model, DEFAULT_MAX_NEW_TOKENS);
        if (generationConfig == null) {
            return base;
        }
        ConfigJson g = generationConfig;
        g.requireDefault("num_beams", 1);
        g.requireDefault("num_beam_groups", 1);
        g.requireDefault("penalty_alpha", 0);
        g.requireDefault("no_repeat_ngram_size", 0);
        List<Integer> eos = g.has("eos_token_id") ? g.getIntList("eos_token_id") : base.eosTokenIds();
        Integer pad = g.getIntOrNull("pad_token_id");
        GenerationConfig cfg = new GenerationConfig(
                g.getInt("max_new_tokens", base.maxNewTokens()),
                g.getInt("min_new_tokens", 0),
                g.getBoolean("do_sample", false),
                g.getDouble("temperature", 1.0),
                g.getInt("top_k", 50),
                g.getDouble("top_p", 1.0),
                eos,
                pad != null ? pad : (eos.isEmpty() ? base.padTokenId() : (model.padTokenId() != null ? model.padTokenId() : eos.get(0))),
                g.getDouble("repetition_penalty", 1.0),
                g.getDouble("encoder_repetition_penalty", 1.0),
                0L);
        g.rejectUnread(HARMLESS);
        return cfg;
    }

    public GenerationConfig withMaxNewTokens(int n) {
        return new GenerationConfig(n, Math.min(minNewTokens, n), doSample, temperature, topK, topP, eosTokenIds, padTokenId, repetitionPenalty, encoderRepetitionPenalty, seed);
    }

    public GenerationConfig withSampling(boolean sample, double temperature, int topK, double topP) {
        return new GenerationConfig(maxNewTokens, minNewTokens, sample, temperature, topK, topP, eosTokenIds, padTokenId, repetitionPenalty, encoderRepetitionPenalty, seed);
    }

    public GenerationConfig withSeed(long seed) {
        return new GenerationConfig(maxNewTokens, minNewTokens, doSample, temperature, topK, topP, eosTokenIds, padTokenId, repetitionPenalty, encoderRepetitionPenalty, seed);
    }

    public GenerationConfig withEos(List<Integer> eos) {
        return new GenerationConfig(maxNewTokens, minNewTokens, doSample, temperature, topK, topP, new ArrayList<>(eos), padTokenId, repetitionPenalty, encoderRepetitionPenalty, seed);
    }

    public GenerationConfig withPad(int pad) {
        return new GenerationConfig(maxNewTokens, minNewTokens, doSample, temperature, topK, topP, eosTokenIds, pad, repetitionPenalty, encoderRepetitionPenalty, seed);
    }

    public GenerationConfig withMinNewTokens(int n) {
        return new GenerationConfig(maxNewTokens, n, doSample, temperature, topK, topP, eosTokenIds, padTokenId, repetitionPenalty, encoderRepetitionPenalty, seed);
    }

    public GenerationConfig withRepetitionPenalty(double penalty) {
        return new GenerationConfig(maxNewTokens, minNewTokens, doSample, temperature, topK, topP, eosTokenIds, padTokenId, penalty, encoderRepetitionPenalty, seed);
    }

    public GenerationConfig withEncoderRepetitionPenalty(double penalty) {
        return new GenerationConfig(maxNewTokens, minNewTokens, doSample, temperature, topK, topP, eosTokenIds, padTokenId, repetitionPenalty, penalty, seed);
    }

    public boolean isEos(long token) {
        for (int e : eosTokenIds) {
            if (e == token) {
                return true;
            }
        }
        return false;
    }
}
