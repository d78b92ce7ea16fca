package trl4j.train.sft;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import trl4j.config.TokenizerSettings.Side;
import trl4j.data.PromptCompletion;
import trl4j.data.PromptFitter;
import trl4j.tokenizer.Tokenizer;

/**
 * Prompt/completion pairs → token ids, with the truncation a summariser needs.
 *
 * <ul>
 *   <li>The completion is tokenised without special tokens and gets the EOS appended, so the model
 *       learns to stop; longer than {@code max_completion_length} (EOS included), it is cut at the end.
 *   <li>Causal models read {@code prompt + completion} and may hold {@code max_length} tokens in all;
 *       encoder–decoders read the prompt with its EOS (as T5's tokenizer adds {@code </s>}) in up to
 *       {@code max_length} tokens and write the completion.
 *   <li>A prompt too long for its budget loses document tokens, never its ending: a summarisation
 *       prompt keeps {@code "\nTL;DR:"} and loses the end of the document ({@code truncation_side:
 *       right}, trlX's and HF's default) or its start ({@code left}). Other prompts are cut on that side.
 * </ul>
 *
 * A prompt that fits is tokenised whole, exactly as a user's prompt at generation time.
 */
public final class SftEncoder {

    /**
     * One encoded example.
     *
     * @param prompt causal: the prompt's tokens; encoder–decoder: the encoder input, EOS included
     * @param completion the completion's tokens with the EOS last
     */
    public record Example(long[] prompt, long[] completion) {
        /** Tokens a training step reads for this example. */
        public int tokens() {
            return prompt.length + completion.length;
        }
    }

    private final Tokenizer tokenizer;
    private final boolean seq2seq;
    private final int maxLength;
    private final int maxCompletionLength;
    private final PromptFitter fitter;
    private final long eos;

    /**
     * @param seq2seq whether the model is an encoder–decoder
     * @param maxLength causal: prompt + completion tokens; encoder–decoder: encoder tokens
     * @param maxCompletionLength completion tokens, EOS included
     */
    public SftEncoder(Tokenizer tokenizer, boolean seq2seq, int maxLength, int maxCompletionLength, Side truncationSide) {
        Integer eosId = tokenizer.eosId();
        if (eosId == null) {
            throw new IllegalArgumentException(tokenizer.dir() + ": the tokenizer declares no eos_token; SFT appends it"
                    + " to every completion so the model learns to stop");
        }
        if (!seq2seq && maxLength <= maxCompletionLength) {
            throw new IllegalArgumentException("max_length (" + maxLength + ") must exceed max_completion_length ("
                    + maxCompletionLength + ") for a causal model: prompt and completion share max_length");
        }
        if (seq2seq && maxLength < 2) {
            throw new IllegalArgumentException("max_length must be >= 2 for an encoder-decoder (a token and the EOS)");
        }
        this.tokenizer = tokenizer;
        this.seq2seq = seq2seq;
        this.maxLength = maxLength;
        this.maxCompletionLength = maxCompletionLength;
        this.fitter = new PromptFitter(tokenizer, seq2seq, truncationSide == Side.LEFT);
        this.eos = eosId;
    }

    public boolean seq2seq() {
        return seq2seq;
    }

    public long eosId() {
        return eos;
    }

    /** How many special tokens (template prefix, an encoder input's EOS) a fitted prompt adds to its text's tokens. */
    public int promptSpecialTokens() {
        return fitter.specialTokens();
    }

    /** One example. */
    public Example encode(PromptCompletion row) {
        return build(row.prompt(), tokenizer.encode(row.prompt(), false), tokenizer.encode(row.completion(), false));
    }

    /** Many examples, tokenised in batches by the Rust library. */
    public List<Example> encodeAll(List<PromptCompletion> rows) {
        List<Example> out = new ArrayList<>(rows.size());
        int chunk = 2048;
        for (int from = 0; from < rows.size(); from += chunk) {
            List<PromptCompletion> part = rows.subList(from, Math.min(rows.size(), from + chunk));
            long[][] prompts = tokenizer.encodeBatch(part.stream().map(PromptCompletion::prompt).toList(), false);
            long[][] completions = tokenizer.encodeBatch(part.stream().map(PromptCompletion::completion).toList(), false);
            for (int i = 0; i < part.size(); i++) {
                out.add(build(part.get(i).prompt(), prompts[i], completions[i]));
            }
        }
        return out;
    }

    /**
     * A prompt for generation with up to {@code maxNewTokens} new tokens: causal prompts get
     * {@code max_length − maxNewTokens} tokens, encoder inputs {@code max_length}.
     */
    public long[] encodePrompt(String prompt, int maxNewTokens) {
        int budget = seq2seq ? maxLength : Math.max(1, maxLength - maxNewTokens);
        return prompt(prompt, tokenizer.encode(prompt, false), budget);
    }

    private Example build(String promptText, long[] promptIds, long[] completionIds) {
        int keep = Math.min(completionIds.length, maxCompletionLength - 1);
        long[] completion = Arrays.copyOf(completionIds, keep + 1);
        completion[keep] = eos;
        int budget = seq2seq ? maxLength : maxLength - completion.length;
        return new Example(prompt(promptText, promptIds, budget), completion);
    }

    /** The prompt's ids (with the EOS for an encoder), truncated to {@code budget} tokens. */
    private long[] prompt(String text, long[] ids, int budget) {
        return fitter.fit(text, ids, budget);
    }
}
