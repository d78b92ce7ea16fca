package trl4j.train.reward;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import trl4j.config.TokenizerSettings.Side;
import trl4j.data.PromptFitter;
import trl4j.tokenizer.Tokenizer;

/**
 * How a reward model turns text into token ids: the one convention shared by training, evaluation,
 * {@code reward score} and PPO's scoring.
 *
 * <p><b>Decoder-only models</b> read one sequence: {@code tokenizer(prompt + response)} (the data
 * convention: the prompt ends with {@code TL;DR:} and the response starts with one space), then the
 * EOS token unless the ids already end with it (TRL's reward trainer appends it too), so every
 * response is scored at its end marker. That is exactly what a Hugging Face
 * {@code *ForSequenceClassification} model computes for {@code tokenizer(prompt + response + eos_token)}.
 * (When the model's pad id equals its EOS id, as with GPT-2 and no pad token, Hugging Face's
 * last-non-pad rule stops at the first EOS, so the score is read at the response's last token;
 * trl4j applies the same rule, so scores still equal transformers'.)
 *
 * <p><b>Encoder–decoder models</b> (T5) read the prompt with the encoder ({@code tokenizer(prompt)},
 * which ends with {@code </s>}) and {@code decoder_start_token_id} + {@code tokenizer(response)}
 * with the decoder; the score is read at the decoder's last token ({@code </s>}).
 *
 * <p><b>Texts scored as-is</b> ({@link #text}): {@code tokenizer(text)} with nothing added and nothing
 * cut, as {@code model(**tokenizer(text))} scores it.
 *
 * <p><b>Truncation.</b> A sequence longer than {@code max_length} loses prompt tokens on the
 * {@code truncation_side} (right: the document's end; left: its start) as SFT cut them
 * ({@link PromptFitter}: a summarisation prompt keeps its "TL;DR:"), never the response, unless the response alone would leave the prompt less than half of
 * {@code max_length}: then the response is cut at its end too (its final EOS kept).
 */
public final class RewardEncoder {

    /**
     * Token ids of one scored item.
     *
     * @param input decoder-only: the whole sequence; encoder–decoder: the encoder input (the prompt)
     * @param decoder encoder–decoder: {@code decoder_start_token_id} + response ids; null for decoder-only
     */
    public record Encoded(int[] input, int[] decoder) {

        /** Tokens the model processes (encoder + decoder). */
        public int tokens() {
            return input.length + (decoder == null ? 0 : decoder.length);
        }

        /** Same ids (so the same score). */
        public boolean sameIds(Encoded o) {
            return Arrays.equals(input, o.input) && Arrays.equals(decoder, o.decoder);
        }
    }

    private final Tokenizer tokenizer;
    private final boolean encoderDecoder;
    private final int decoderStartTokenId;
    private final int maxLength;
    private final Side truncationSide;
    private final PromptFitter promptFitter;
    private final boolean appendEos;
    private final Integer eos;
    private final long[] templatePrefix;

    /**
     * @param decoderStartTokenId first decoder id (encoder–decoder models only)
     * @param maxLength most tokens of a sequence (per stack for encoder–decoders)
     * @param appendEos end (prompt, response) sequences with EOS
     */
    public RewardEncoder(Tokenizer tokenizer, boolean encoderDecoder, int decoderStartTokenId, int maxLength,
            Side truncationSide, boolean appendEos) {
        if (maxLength < 2) {
            throw new IllegalArgumentException("max_length must be >= 2 to hold a prompt and a response, got " + maxLength);
        }
        this.tokenizer = tokenizer;
        this.encoderDecoder = encoderDecoder;
        this.decoderStartTokenId = decoderStartTokenId;
        this.maxLength = maxLength;
        this.truncationSide = truncationSide;
        this.promptFitter = new PromptFitter(tokenizer, false, truncationSide == Side.LEFT);
        this.appendEos = appendEos;
        this.eos = tokenizer.eosId();
        this.templatePrefix = tokenizer.templatePrefix();
        if (appendEos && eos == null) {
            throw new IllegalArgumentException(tokenizer.dir() + ": the tokenizer names no EOS token; set append_eos_token: false"
                    + " or add eos_token to its special_tokens_map.json");
        }
    }

    public int maxLength() {
        return maxLength;
    }

    public Side truncationSide() {
        return truncationSide;
    }

    public boolean appendsEos() {
        return appendEos;
    }

    /** (prompt, response) pairs, tokenized in one batch call. */
    public List<Encoded> pairs(List<String> prompts, List<String> responses) {
        if (prompts.size() != responses.size()) {
            throw new IllegalArgumentException(prompts.size() + " prompts but " + responses.size() + " responses");
        }
        List<Encoded> out = new ArrayList<>(prompts.size());
        if (prompts.isEmpty()) {
            return out;
        }
        if (encoderDecoder) {
            long[][] enc = tokenizer.encodeBatch(prompts, true);
            long[][] dec = tokenizer.encodeBatch(responses, true);
            for (int i = 0; i < enc.length; i++) {
                out.add(new Encoded(cutEncoderInput(enc[i]), decoderInput(dec[i])));
            }
            return out;
        }
        List<String> texts = new ArrayList<>(prompts.size());
        for (int i = 0; i < prompts.size(); i++) {
            texts.add(prompts.get(i) + responses.get(i));
        }
        long[][] ids = tokenizer.encodeBatch(texts, true);
        // The prompts of too-long sequences are tokenised again to be cut: once each (a pair's two sequences
        // share theirs) and in batch calls, which took the start of a debian-tldr reward run from 91 s to 57 s.
        Map<String, Integer> cutPrompts = new LinkedHashMap<>();
        long[][] sequences = new long[ids.length][];
        for (int i = 0; i < ids.length; i++) {
            sequences[i] = withEos(ids[i]);
            if (sequences[i].length > maxLength) {
                cutPrompts.putIfAbsent(prompts.get(i), cutPrompts.size());
            }
        }
        List<String> toCut = new ArrayList<>(cutPrompts.keySet());
        long[][] promptIds = toCut.isEmpty() ? new long[0][] : tokenizer.encodeBatch(toCut, true);
        List<PromptFitter.Pieces> pieces = promptFitter.pieces(toCut);
        for (int i = 0; i < sequences.length; i++) {
            long[] seq = sequences[i];
            Integer k = seq.length <= maxLength ? null : cutPrompts.get(prompts.get(i));
            out.add(new Encoded(k == null ? toInt(seq) : truncate(seq, promptIds[k], pieces.get(k)), null));
        }
        return out;
    }

    public Encoded pair(String prompt, String response) {
        return pairs(List.of(prompt), List.of(response)).get(0);
    }

    /** Texts scored as-is (decoder-only models): {@code tokenizer(text)}, nothing added or cut. */
    public List<Encoded> texts(List<String> texts) {
        if (encoderDecoder) {
            throw new IllegalArgumentException("an encoder-decoder reward model reads (prompt, summary) pairs, not single texts;"
                    + " give --pairs or --prompt with --response");
        }
        List<Encoded> out = new ArrayList<>(texts.size());
        if (texts.isEmpty()) {
            return out;
        }
        for (long[] ids : tokenizer.encodeBatch(texts, true)) {
            if (ids.length == 0) {
                throw new IllegalArgumentException("an empty text has no token to score");
            }
            out.add(new Encoded(toInt(ids), null));
        }
        return out;
    }

    private long[] withEos(long[] ids) {
        if (!appendEos || (ids.length > 0 && ids[ids.length - 1] == eos)) {
            return ids;
        }
        long[] out = Arrays.copyOf(ids, ids.length + 1);
        out[ids.length] = eos;
        return out;
    }

    /**
     * Cuts a too-long decoder-only sequence. The prompt part is the longest common prefix of the
     * sequence and {@code promptIds = tokenizer(prompt)} (where BPE merges across the boundary, the merged
     * token counts as response); {@code pieces} are the prompt's, for {@link PromptFitter}.
     */
    private int[] truncate(long[] seq, long[] promptIds, PromptFitter.Pieces pieces) {
        int p = 0;
        while (p < promptIds.length && p < seq.length && promptIds[p] == seq[p]) {
            p++;
        }
        int response = seq.length - p;
        int keepPrompt = Math.max(maxLength - response, Math.min(p, maxLength / 2));
        int keepResponse = maxLength - keepPrompt;
        long[] promptPart;
        if (p == promptIds.length && keepPrompt > 0) {
            // A clean boundary: fit the prompt as SFT fitted it (the document is cut, "TL;DR:" stays).
            // The fitter takes the prompt's own ids and adds the template's prefix itself (Llama's <s> once).
            int template = startsWith(seq, templatePrefix) ? templatePrefix.length : 0;
            promptPart = promptFitter.fit(Arrays.copyOfRange(seq, template, p), keepPrompt, () -> pieces);
        } else {
            int from = truncationSide == Side.LEFT ? p - keepPrompt : 0;
            promptPart = Arrays.copyOfRange(seq, from, from + keepPrompt);
        }
        int[] out = new int[promptPart.length + keepResponse];
        for (int i = 0; i < promptPart.length; i++) {
            out[i] = (int) promptPart[i];
        }
        for (int i = 0; i < keepResponse; i++) {
            out[promptPart.length + i] = (int) seq[p + i];
        }
        if (keepResponse < response && appendEos) {
            out[out.length - 1] = eos; // the response was cut: it still ends with its marker
        }
        return out;
    }

    /** The encoder input cut to max_length on the truncation side, a final EOS kept (HF cuts before adding it). */
    private int[] cutEncoderInput(long[] ids) {
        if (ids.length <= maxLength) {
            return toInt(ids);
        }
        boolean endsWithEos = eos != null && ids[ids.length - 1] == eos;
        int body = endsWithEos ? ids.length - 1 : ids.length;
        int keep = endsWithEos ? maxLength - 1 : maxLength;
        int from = truncationSide == Side.LEFT ? body - keep : 0;
        int[] out = new int[maxLength];
        for (int i = 0; i < keep; i++) {
            out[i] = (int) ids[from + i];
        }
        if (endsWithEos) {
            out[maxLength - 1] = eos;
        }
        return out;
    }

    /** decoder_start_token_id + the response ids (+ EOS), cut at max_length with the EOS kept. */
    private int[] decoderInput(long[] response) {
        long[] ids = withEos(response);
        int n = Math.min(ids.length, maxLength - 1);
        int[] out = new int[n + 1];
        out[0] = decoderStartTokenId;
        for (int i = 0; i < n; i++) {
            out[i + 1] = (int) ids[i];
        }
        if (n < ids.length && eos != null && ids[ids.length - 1] == eos) {
            out[n] = eos;
        }
        return out;
    }

    private static boolean startsWith(long[] ids, long[] prefix) {
        return ids.length >= prefix.length && Arrays.equals(ids, 0, prefix.length, prefix, 0, prefix.length);
    }

    private static int[] toInt(long[] ids) {
        int[] out = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            out[i] = (int) ids[i];
        }
        return out;
    }
}
