package trl4j.data;

import java.util.Arrays;
import trl4j.tokenizer.Tokenizer;

/**
 * Fits a prompt into a token budget the same way in every stage, so a policy is prompted at PPO and
 * evaluation time exactly as SFT trained it. A summarisation prompt ("document\nTL;DR:") keeps its
 * {@code TL;DR:} ending whatever is cut, and the document loses tokens on the {@code truncation_side}
 * (right, the default of trlX and Hugging Face: its end). A model that never saw a prompt without the
 * marker, or with positions beyond its training length, would otherwise be asked something it never
 * learnt to answer. Encoder inputs end with the EOS, as T5's tokenizer adds {@code </s>}.
 */
public final class PromptFitter {

    private final Tokenizer tokenizer;
    private final boolean encoderInput;
    private final boolean cutDocumentStart;
    private final long eos;

    /**
     * @param encoderInput prompts are encoder inputs (encoder–decoders): the EOS is appended
     * @param cutDocumentStart cut the document's start ({@code truncation_side: left}) instead of its end
     */
    public PromptFitter(Tokenizer tokenizer, boolean encoderInput, boolean cutDocumentStart) {
        if (encoderInput && tokenizer.eosId() == null) {
            throw new IllegalArgumentException(tokenizer.dir() + ": the tokenizer declares no eos_token; encoder inputs end with it");
        }
        this.tokenizer = tokenizer;
        this.encoderInput = encoderInput;
        this.cutDocumentStart = cutDocumentStart;
        this.eos = encoderInput ? tokenizer.eosId() : -1;
    }

    /** The prompt's ids (with the EOS for an encoder) in at most {@code budget} tokens. */
    public long[] fit(String prompt, int budget) {
        return fit(prompt, tokenizer.encode(prompt, false), budget);
    }

    /** As {@link #fit(String, int)} with the prompt already tokenised (without special tokens). */
    public long[] fit(String prompt, long[] ids, int budget) {
        if (budget < (encoderInput ? 2 : 1)) {
            throw new IllegalArgumentException("a prompt budget of " + budget + " tokens leaves no room for the prompt");
        }
        long[] full = encoderInput ? append(ids, eos) : ids;
        if (full.length <= budget) {
            return full;
        }
        String tail = tailOf(prompt);
        long[] tailIds = tail.isEmpty() ? new long[0] : tokenizer.encode(tail, false);
        if (encoderInput) {
            tailIds = append(tailIds, eos);
        }
        if (tail.isEmpty() || tailIds.length >= budget) {
            // Nothing to protect (or no room for it): cut the whole prompt on the truncation side.
            return encoderInput ? append(cut(ids, budget - 1), eos) : cut(ids, budget);
        }
        long[] body = cut(tokenizer.encode(prompt.substring(0, prompt.length() - tail.length()), false), budget - tailIds.length);
        return concat(body, tailIds);
    }

    /**
     * The ending a summarisation prompt must keep: from the line break before {@code TL;DR:} (or the
     * marker alone when it shares the document's line); empty for other prompts.
     */
    public static String tailOf(String prompt) {
        if (!TldrFormat.endsWithMarker(prompt)) {
            return "";
        }
        int marker = prompt.lastIndexOf(TldrFormat.MARKER);
        int lineBreak = prompt.lastIndexOf('\n', marker);
        return prompt.substring(lineBreak >= 0 ? lineBreak : marker);
    }

    private long[] cut(long[] ids, int keep) {
        if (ids.length <= keep) {
            return ids;
        }
        int k = Math.max(0, keep);
        return cutDocumentStart ? Arrays.copyOfRange(ids, ids.length - k, ids.length) : Arrays.copyOf(ids, k);
    }

    private static long[] append(long[] ids, long id) {
        long[] out = Arrays.copyOf(ids, ids.length + 1);
        out[ids.length] = id;
        return out;
    }

    private static long[] concat(long[] a, long[] b) {
        long[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
