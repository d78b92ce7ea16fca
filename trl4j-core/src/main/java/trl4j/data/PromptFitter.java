package trl4j.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import trl4j.tokenizer.Tokenizer;

/**
 * Fits a prompt into a token budget the same way in every stage, so a policy is prompted at PPO and
 * evaluation time exactly as SFT trained it. A summarisation prompt ("document\nTL;DR:") keeps its
 * {@code TL;DR:} ending whatever is cut, and the document loses tokens on the {@code truncation_side}
 * (right, the default of trlX and Hugging Face: its end). A model that never saw a prompt without the
 * marker, or with positions beyond its training length, would otherwise be asked something it never
 * learnt to answer.
 *
 * <p>Special tokens are placed as {@code tokenizer(prompt)} in transformers places them (and TRL's trainers
 * feed them): the tokenizer's template prefix first (Llama's {@code <s>}; none for GPT-2 and Qwen2), and
 * for encoder inputs its suffix last (T5's {@code </s>}; the EOS where the tokenizer has no template, as
 * for the BPE tokenizers trl4j trains). They count against the budget and are never cut.
 */
public final class PromptFitter {

    private final Tokenizer tokenizer;
    private final boolean cutDocumentStart;
    private final long[] prefix;
    private final long[] suffix;

    /**
     * @param encoderInput prompts are encoder inputs (encoder–decoders): they end with the template's suffix or the EOS
     * @param cutDocumentStart cut the document's start ({@code truncation_side: left}) instead of its end
     */
    public PromptFitter(Tokenizer tokenizer, boolean encoderInput, boolean cutDocumentStart) {
        this.tokenizer = tokenizer;
        this.cutDocumentStart = cutDocumentStart;
        this.prefix = tokenizer.templatePrefix();
        long[] templateSuffix = tokenizer.templateSuffix();
        if (encoderInput && templateSuffix.length == 0 && tokenizer.eosId() == null) {
            throw new IllegalArgumentException(tokenizer.dir() + ": the tokenizer declares no eos_token; encoder inputs end with it");
        }
        this.suffix = !encoderInput ? new long[0] : templateSuffix.length > 0 ? templateSuffix : new long[] {tokenizer.eosId()};
    }

    /** How many special tokens a fitted prompt carries besides the text's own. */
    public int specialTokens() {
        return prefix.length + suffix.length;
    }

    /** The prompt's ids (with its special tokens) in at most {@code budget} tokens. */
    public long[] fit(String prompt, int budget) {
        return fit(prompt, tokenizer.encode(prompt, false), budget);
    }

    /** As {@link #fit(String, int)} with the prompt already tokenised (without special tokens). */
    public long[] fit(String prompt, long[] ids, int budget) {
        return fit(ids, budget, () -> pieces(List.of(prompt)).get(0));
    }

    /**
     * As {@link #fit(String, long[], int)}, with the prompt's {@link Pieces} asked of {@code pieces} only when
     * the prompt must be cut (callers that fit many prompts tokenise their pieces in batches, once each).
     */
    public long[] fit(long[] ids, int budget, Supplier<Pieces> pieces) {
        int room = budget - specialTokens();
        if (room < 1) {
            throw new IllegalArgumentException("a prompt budget of " + budget + " tokens leaves no room for the prompt"
                    + (specialTokens() > 0 ? " besides its " + specialTokens() + " special token(s)" : ""));
        }
        if (ids.length <= room) {
            return concat(prefix, ids, suffix);
        }
        Pieces p = pieces.get();
        if (p.tail().length == 0 || p.tail().length >= room) {
            // Nothing to protect (or no room for it): cut the whole prompt on the truncation side.
            return concat(prefix, cut(ids, room), suffix);
        }
        return concat(prefix, cut(p.body(), room - p.tail().length), p.tail(), suffix);
    }

    /**
     * What cutting a prompt works on, tokenised without special tokens: the document ({@code body}) and the
     * ending a summarisation prompt keeps ({@code tail}, from {@link #tailOf}). For other prompts the tail is
     * empty and the body is not needed (null).
     */
    public record Pieces(long[] body, long[] tail) {}

    /** The pieces of many prompts: one batch call for their documents, one for their distinct endings. */
    public List<Pieces> pieces(List<String> prompts) {
        List<String> bodies = new ArrayList<>();
        Map<String, Integer> tails = new LinkedHashMap<>();
        for (String prompt : prompts) {
            String tail = tailOf(prompt);
            if (!tail.isEmpty()) {
                bodies.add(prompt.substring(0, prompt.length() - tail.length()));
                tails.putIfAbsent(tail, tails.size());
            }
        }
        long[][] bodyIds = bodies.isEmpty() ? new long[0][] : tokenizer.encodeBatch(bodies, false);
        long[][] tailIds = tails.isEmpty() ? new long[0][] : tokenizer.encodeBatch(new ArrayList<>(tails.keySet()), false);
        List<Pieces> out = new ArrayList<>(prompts.size());
        int b = 0;
        for (String prompt : prompts) {
            String tail = tailOf(prompt);
            out.add(tail.isEmpty() ? new Pieces(null, new long[0]) : new Pieces(bodyIds[b++], tailIds[tails.get(tail)]));
        }
        return out;
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

    private static long[] concat(long[]... parts) {
        int n = 0;
        for (long[] p : parts) {
            n += p.length;
        }
        long[] out = new long[n];
        int at = 0;
        for (long[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }
}
