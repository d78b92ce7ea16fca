package trl4j.train.ppo;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import trl4j.config.TokenizerSettings.Side;
import trl4j.data.PromptFitter;
import trl4j.generate.GenerationConfig;
import trl4j.generate.GenerationOutput;
import trl4j.generate.Generator;
import trl4j.model.LanguageModel;
import trl4j.model.Seq2SeqLm;
import trl4j.tokenizer.Tokenizer;

/**
 * Prompts → sampled responses, truncated after the first EOS, stop token or stop sequence. Generation
 * runs in forward batches with the KV cache ({@link Generator}); each batch's sampler is seeded from the
 * caller's seed, so a resumed run draws the same responses.
 *
 * <p>Stop sequences (trlX's {@code stop_sequences}) are found in the decoded text after generation: the
 * response keeps its tokens up to the one that completes the sequence (the policy learns to end there),
 * the scored text ends before it (trlX), and the response counts as ended for {@code missing_eos_penalty}
 * (trl#3750). A {@code stop_token_id} ends generation like EOS.
 */
final class Sampler {

    /** Generation settings of one purpose (rollouts or evaluation), before per-batch length resolution. */
    record Settings(Integer maxNewTokens, Integer maxLength, int minNewTokens, Integer minLength, boolean doSample,
            double temperature, int topK, double topP, double repetitionPenalty) {

        /** gen_kwargs with TRL's {@code response_length} / {@code temperature} and the defaults filled in. */
        static Settings of(GenKwargs g, Integer responseLength, Double temperature) {
            if (g.maxNewTokens() != null && responseLength != null && !g.maxNewTokens().equals(responseLength)) {
                throw new IllegalArgumentException("gen_kwargs.max_new_tokens = " + g.maxNewTokens() + " contradicts response_length = "
                        + responseLength + "; keep one");
            }
            if (g.temperature() != null && temperature != null && !g.temperature().equals(temperature)) {
                throw new IllegalArgumentException("gen_kwargs.temperature = " + g.temperature() + " contradicts temperature = "
                        + temperature + "; keep one");
            }
            Integer maxNew = g.maxNewTokens() != null ? g.maxNewTokens() : responseLength;
            if (maxNew == null && g.maxLength() == null) {
                maxNew = 53; // TRL's response_length default
            }
            return new Settings(maxNew, g.maxLength(), g.minNewTokens() == null ? 0 : g.minNewTokens(), g.minLength(),
                    g.doSample() == null || g.doSample(), g.temperature() != null ? g.temperature() : temperature != null ? temperature : 1.0,
                    g.topK() == null ? 50 : g.topK(), g.topP() == null ? 1.0 : g.topP(),
                    g.repetitionPenalty() == null ? 1.0 : g.repetitionPenalty());
        }

        /** The same settings decoding greedily (evaluation of summaries). */
        Settings greedy() {
            return new Settings(maxNewTokens, maxLength, minNewTokens, minLength, false, temperature, topK, topP, repetitionPenalty);
        }

        /** New tokens for a batch whose (padded) prompts are {@code promptLength} long: HF counts max_length with the prompt. */
        int maxNewTokens(int promptLength, boolean seq2seq) {
            if (maxNewTokens != null) {
                return maxNewTokens;
            }
            int n = maxLength - (seq2seq ? 1 : promptLength);
            if (n < 1) {
                throw new IllegalArgumentException("gen_kwargs.max_length = " + maxLength + " leaves no room after a prompt of "
                        + promptLength + " tokens; set max_new_tokens instead");
            }
            return n;
        }

        int minNewTokens(int promptLength, boolean seq2seq, int maxNew) {
            int fromLength = minLength == null ? 0 : minLength - (seq2seq ? 1 : promptLength);
            return Math.min(maxNew, Math.max(minNewTokens, Math.max(0, fromLength)));
        }
    }

    private final LanguageModel policy;
    private final Tokenizer tokenizer;
    private final List<Integer> eos;
    private final int padId;
    private final List<String> stopSequences;
    private final int maxPromptLength;
    private final PromptFitter promptFitter;
    private final int forwardBatch;

    /**
     * @param eos ids that end a response (the model's EOS, plus a {@code stop_token_id})
     * @param maxPromptLength prompts are fitted into this many tokens as SFT fitted them ({@link PromptFitter})
     * @param truncationSide which end of a too-long document is cut ({@code tokenizer.truncation_side})
     */
    Sampler(LanguageModel policy, Tokenizer tokenizer, List<Integer> eos, int padId, List<String> stopSequences, int maxPromptLength,
            Side truncationSide, int forwardBatch) {
        if (eos.isEmpty()) {
            throw new IllegalArgumentException("the policy has no EOS token (eos_token_id in config.json or the tokenizer):"
                    + " responses could never end");
        }
        this.policy = policy;
        this.tokenizer = tokenizer;
        this.eos = List.copyOf(eos);
        this.padId = padId;
        this.stopSequences = List.copyOf(stopSequences);
        this.maxPromptLength = maxPromptLength;
        this.promptFitter = new PromptFitter(tokenizer, policy instanceof Seq2SeqLm, truncationSide == Side.LEFT);
        this.forwardBatch = forwardBatch;
    }

    int padId() {
        return padId;
    }

    /**
     * Prompt ids as the policy reads them, fitted into {@code maxPromptLength} tokens the way SFT fitted its
     * prompts: the document is cut on the truncation side, a summarisation prompt keeps its "TL;DR:".
     */
    long[] encodePrompt(String prompt) {
        long[] ids = promptFitter.fit(prompt, maxPromptLength);
        if (ids.length == 0) {
            throw new IllegalArgumentException("a prompt encodes to no tokens: \"" + prompt + "\"");
        }
        return ids;
    }

    /**
     * Generates one response per prompt.
     *
     * @param references reference summaries (may hold nulls), kept with the samples
     * @param seed seed of this call's sampling (each forward batch derives its own)
     */
    Samples sample(List<String> prompts, List<String> references, Settings settings, long seed) {
        return sample(policy, prompts, references, settings, seed);
    }

    /** {@link #sample} with another model of the same vocabulary (the reference, for the final report). */
    Samples sample(LanguageModel model, List<String> prompts, List<String> references, Settings settings, long seed) {
        boolean seq2seq = model instanceof Seq2SeqLm;
        List<long[]> queries = new ArrayList<>();
        List<long[]> responses = new ArrayList<>();
        List<String> texts = new ArrayList<>();
        List<float[]> logprobs = new ArrayList<>();
        boolean[] ended = new boolean[prompts.size()];
        for (int from = 0; from < prompts.size(); from += forwardBatch) {
            int to = Math.min(prompts.size(), from + forwardBatch);
            List<long[]> chunk = new ArrayList<>();
            for (int i = from; i < to; i++) {
                chunk.add(encodePrompt(prompts.get(i)));
            }
            int promptLength = chunk.stream().mapToInt(c -> c.length).max().orElse(0);
            int maxNew = settings.maxNewTokens(promptLength, seq2seq);
            GenerationConfig config = GenerationConfig.greedy(model.config(), maxNew)
                    .withEos(eos).withPad(padId)
                    .withSampling(settings.doSample(), settings.temperature(), settings.topK(), settings.topP())
                    .withMinNewTokens(settings.minNewTokens(promptLength, seq2seq, maxNew))
                    .withRepetitionPenalty(settings.repetitionPenalty())
                    .withSeed(seed * 31 + from);
            GenerationOutput out = Generator.generate(model, chunk, config);
            for (int i = 0; i < chunk.size(); i++) {
                long[] response = out.response(i);
                float[] lp = Arrays.copyOf(out.logprobs()[i], response.length);
                boolean done = out.finished()[i];
                String text = tokenizer.decode(done ? Arrays.copyOf(response, response.length - 1) : response, true);
                int[] stop = findStop(response, done);
                if (stop != null) {
                    response = Arrays.copyOf(response, stop[0]);
                    lp = Arrays.copyOf(lp, stop[0]);
                    text = text.substring(0, stop[1]);
                    done = true;
                }
                queries.add(chunk.get(i));
                responses.add(response);
                logprobs.add(lp);
                texts.add(text);
                ended[from + i] = done;
            }
        }
        List<String> refs = references == null ? java.util.Collections.nCopies(prompts.size(), null) : references;
        return new Samples(List.copyOf(prompts), refs, queries, responses, texts, ended, logprobs);
    }

    /**
     * The first stop sequence in a response: {tokens to keep, characters of the decoded text before the
     * sequence}, or null. The kept tokens end with the one whose decoding completes the sequence.
     */
    int[] findStop(long[] response, boolean endsWithEos) {
        if (stopSequences.isEmpty()) {
            return null;
        }
        int usable = endsWithEos ? response.length - 1 : response.length;
        String full = tokenizer.decode(Arrays.copyOf(response, usable), true);
        int at = -1;
        String hit = null;
        for (String s : stopSequences) {
            int i = full.indexOf(s);
            if (i >= 0 && (at < 0 || i < at)) {
                at = i;
                hit = s;
            }
        }
        if (at < 0) {
            return null;
        }
        for (int n = 1; n <= usable; n++) {
            String prefix = tokenizer.decode(Arrays.copyOf(response, n), true);
            if (prefix.indexOf(hit) >= 0) {
                return new int[] {n, prefix.indexOf(hit)};
            }
        }
        return new int[] {usable, at};
    }
}
