package trl4j.generate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.Random;
import trl4j.model.CausalLm;
import trl4j.model.KvCache;
import trl4j.model.LanguageModel;
import trl4j.model.Seq2SeqLm;
import trl4j.tensor.AttentionMasks;
import trl4j.tensor.GradMode;

/**
 * Batched generation with a KV cache for causal and encoder–decoder models, as Hugging Face's
 * {@code generate} does it: causal prompts are left-padded (position ids {@code cumsum(mask) − 1}),
 * each step appends one token per row, rows that emitted EOS continue with the pad id and do not
 * grow, and generation stops when every row has ended or after {@code max_new_tokens}.
 *
 * <p>Greedy decoding takes the first maximum (ties → lowest id, as torch's argmax). Sampling draws
 * in Java from one seeded stream per row, so a seed reproduces the same samples on any machine.
 */
public final class Generator {

    private Generator() {}

    /** Generates continuations of unpadded prompts. */
    public static GenerationOutput generate(LanguageModel model, List<long[]> prompts, GenerationConfig config) {
        return generate(model, prompts, config, false);
    }

    /**
     * @param keepScores also return the raw logits of every step (memory B·S·V floats; for tests)
     */
    public static GenerationOutput generate(LanguageModel model, List<long[]> prompts, GenerationConfig config, boolean keepScores) {
        if (prompts.isEmpty()) {
            throw new IllegalArgumentException("no prompts to generate from");
        }
        int vocab = model.config().vocabSize();
        for (int i = 0; i < prompts.size(); i++) {
            for (long id : prompts.get(i)) {
                if (id < 0 || id >= vocab) {
                    throw new IllegalArgumentException("prompt " + i + " has token id " + id
                            + ", outside the model's vocabulary of " + vocab + " (tokenizer and model do not match?)");
                }
            }
        }
        try (NDManager manager = model.parameters().manager().newSubManager();
                GradMode noGrad = GradMode.disabled();
                StepDecoder decoder = model instanceof Seq2SeqLm s2s ? new Seq2SeqDecoder(s2s, prompts, manager, config)
                        : new CausalDecoder((CausalLm) model, prompts, manager, config)) {
            // What the repetition penalty counts as "already in the row": HF's input_ids, i.e. the
            // prompt for decoder-only models and the decoder's own tokens for encoder–decoders.
            List<long[]> history = model instanceof Seq2SeqLm s2s
                    ? java.util.Collections.nCopies(prompts.size(), new long[] {s2s.decoderStartTokenId()}) : prompts;
            return run(decoder, history, prompts, decoder.maxSteps(), config, keepScores, manager);
        }
    }

    private static GenerationOutput run(StepDecoder decoder, List<long[]> history, List<long[]> sources, int maxSteps, GenerationConfig config,
            boolean keepScores, NDManager manager) {
        int batch = history.size();
        java.util.BitSet[] seen = new java.util.BitSet[batch];
        // What encoder_repetition_penalty favours: the prompt's tokens (HF's encoder input ids; for
        // decoder-only models the prompt itself). Null when the penalty is off.
        java.util.BitSet[] source = config.encoderRepetitionPenalty() == 1.0 ? null : new java.util.BitSet[batch];
        for (int i = 0; i < batch; i++) {
            seen[i] = new java.util.BitSet();
            for (long id : history.get(i)) {
                seen[i].set((int) id);
            }
            if (source != null) {
                source[i] = new java.util.BitSet();
                for (long id : sources.get(i)) {
                    source[i].set((int) id);
                }
            }
        }
        long[][] responses = new long[batch][maxSteps];
        float[][] logprobs = new float[batch][maxSteps];
        float[][][] scores = keepScores ? new float[batch][maxSteps][] : null;
        int[] lengths = new int[batch];
        boolean[] finished = new boolean[batch];
        Random[] rngs = new Random[batch];
        for (int i = 0; i < batch; i++) {
            rngs[i] = new Random(config.seed() * 1_000_003L + i);
        }
        int steps = 0;
        long[] next = null;
        for (int step = 0; step < maxSteps; step++) {
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                NDArray logits = step == 0 ? decoder.first() : decoder.next(manager.create(next, new Shape(batch, 1))); // (B, V)
                if (keepScores) {
                    float[] flat = logits.toFloatArray();
                    int vocab = flat.length / batch;
                    for (int i = 0; i < batch; i++) {
                        scores[i][step] = java.util.Arrays.copyOfRange(flat, i * vocab, (i + 1) * vocab);
                    }
                }
                Choice choice = config.doSample()
                        ? Sampling.sample(logits, config, step, rngs, seen, source)
                        : Sampling.greedy(logits, config, step, seen, source);
                next = new long[batch];
                for (int i = 0; i < batch; i++) {
                    if (finished[i]) {
                        next[i] = config.padTokenId();
                        responses[i][step] = config.padTokenId();
                        continue;
                    }
                    next[i] = choice.tokens()[i];
                    seen[i].set((int) next[i]);
                    responses[i][step] = next[i];
                    logprobs[i][step] = choice.logprobs()[i];
                    lengths[i] = step + 1;
                    if (config.isEos(next[i])) {
                        finished[i] = true;
                    }
                }
            }
            steps = step + 1;
            if (allTrue(finished)) {
                break;
            }
        }
        return trim(responses, lengths, logprobs, finished, scores, steps);
    }

    private static GenerationOutput trim(long[][] responses, int[] lengths, float[][] logprobs, boolean[] finished,
            float[][][] scores, int steps) {
        int batch = responses.length;
        long[][] r = new long[batch][];
        float[][] l = new float[batch][];
        float[][][] s = scores == null ? null : new float[batch][][];
        for (int i = 0; i < batch; i++) {
            r[i] = java.util.Arrays.copyOf(responses[i], steps);
            l[i] = java.util.Arrays.copyOf(logprobs[i], steps);
            if (s != null) {
                s[i] = java.util.Arrays.copyOf(scores[i], steps);
            }
        }
        return new GenerationOutput(r, lengths, l, finished, s);
    }

    private static boolean allTrue(boolean[] a) {
        for (boolean b : a) {
            if (!b) {
                return false;
            }
        }
        return true;
    }

    /** Tokens chosen at one step and their log-probabilities. */
    record Choice(long[] tokens, float[] logprobs) {}

    /** Produces next-token logits (B, V) step by step. */
    private interface StepDecoder extends AutoCloseable {
        int maxSteps();

        NDArray first();

        NDArray next(NDArray tokens);

        @Override
        void close();
    }

    /** Left-pads prompts; returns {ids (B, P), mask (B, P)} as Java arrays. */
    static long[][][] leftPad(List<long[]> prompts, int pad) {
        int width = prompts.stream().mapToInt(p -> p.length).max().orElse(0);
        long[][] ids = new long[prompts.size()][width];
        long[][] mask = new long[prompts.size()][width];
        for (int i = 0; i < prompts.size(); i++) {
            long[] p = prompts.get(i);
            int offset = width - p.length;
            java.util.Arrays.fill(ids[i], 0, offset, pad);
            System.arraycopy(p, 0, ids[i], offset, p.length);
            java.util.Arrays.fill(mask[i], offset, width, 1);
        }
        return new long[][][] {ids, mask};
    }

    static NDArray matrix(NDManager m, long[][] rows) {
        int b = rows.length;
        int w = rows[0].length;
        long[] flat = new long[b * w];
        for (int i = 0; i < b; i++) {
            System.arraycopy(rows[i], 0, flat, i * w, w);
        }
        return m.create(flat, new Shape(b, w));
    }

    /** Decoder-only: prefill the left-padded prompts, then one token per step with the cache. */
    private static final class CausalDecoder implements StepDecoder {
        private final CausalLm model;
        private final KvCache cache;
        private final NDArray mask;     // (B, P + maxSteps): prompt mask, then ones for generated tokens
        private final NDArray promptIds;
        private NDArray positions;      // (B, 1) position of the last fed token
        private final int promptLength;
        private final int maxSteps;
        private int fed;

        CausalDecoder(CausalLm model, List<long[]> prompts, NDManager manager, GenerationConfig config) {
            this.model = model;
            for (int i = 0; i < prompts.size(); i++) {
                if (prompts.get(i).length == 0) {
                    throw new IllegalArgumentException("prompt " + i + " is empty: a decoder-only model needs at least one token");
                }
            }
            long[][][] padded = leftPad(prompts, config.padTokenId());
            promptLength = padded[0][0].length;
            int context = model.config().maxPositions();
            if (context > 0 && promptLength >= context) {
                throw new IllegalArgumentException("prompt of " + promptLength + " tokens does not fit the model's context of "
                        + context + " positions");
            }
            // Absolute-position models cannot go past their context: generation stops there.
            maxSteps = context > 0 ? Math.min(config.maxNewTokens(), context - promptLength) : config.maxNewTokens();
            promptIds = matrix(manager, padded[0]);
            NDArray promptMask = matrix(manager, padded[1]);
            mask = promptMask.concat(manager.ones(new Shape(prompts.size(), maxSteps), DataType.INT64), 1);
            cache = model.newCache(promptLength + maxSteps);
            positions = AttentionMasks.positionIds(promptMask);
        }

        @Override
        public int maxSteps() {
            return maxSteps;
        }

        @Override
        public NDArray first() {
            NDArray hidden = model.hidden(promptIds, mask.get(new NDIndex(":, :{}", promptLength)), positions, cache, null);
            positions = positions.get(new NDIndex(":, -1:"));
            NDScope.unregister(positions);
            fed = promptLength;
            return lastLogits(hidden);
        }

        @Override
        public NDArray next(NDArray tokens) {
            NDArray nextPositions = positions.add(1);
            NDScope.unregister(nextPositions);
            positions.close();
            positions = nextPositions;
            fed++;
            NDArray hidden = model.hidden(tokens, mask.get(new NDIndex(":, :{}", fed)), positions, cache, null);
            return lastLogits(hidden);
        }

        private NDArray lastLogits(NDArray hidden) {
            long t = hidden.getShape().get(1);
            // The head only on the last position: with a large vocabulary it is the biggest matmul.
            return model.lmHead(hidden.get(new NDIndex(":, {}:", t - 1))).squeeze(1); // (B, V)
        }

        @Override
        public void close() {
            cache.close();
        }
    }

    /** Encoder–decoder: encode once, then decode from decoder_start_token_id with the cache. */
    private static final class Seq2SeqDecoder implements StepDecoder {
        private final Seq2SeqLm model;
        private final KvCache cache;
        private final NDArray encoderHidden;
        private final NDArray encoderMask;
        private final NDArray start;
        private final int maxSteps;

        Seq2SeqDecoder(Seq2SeqLm model, List<long[]> prompts, NDManager manager, GenerationConfig config) {
            this.model = model;
            // Right padding, as T5 tokenizers pad; relative position bias makes the side irrelevant.
            int width = prompts.stream().mapToInt(p -> p.length).max().orElse(0);
            if (width == 0) {
                throw new IllegalArgumentException("every encoder input is empty");
            }
            long[][] ids = new long[prompts.size()][width];
            long[][] mask = new long[prompts.size()][width];
            for (int i = 0; i < prompts.size(); i++) {
                long[] p = prompts.get(i);
                java.util.Arrays.fill(ids[i], config.padTokenId());
                System.arraycopy(p, 0, ids[i], 0, p.length);
                java.util.Arrays.fill(mask[i], 0, p.length, 1);
            }
            encoderMask = matrix(manager, mask);
            encoderHidden = model.encode(matrix(manager, ids), encoderMask, null);
            long[] starts = new long[prompts.size()];
            java.util.Arrays.fill(starts, model.decoderStartTokenId());
            start = manager.create(starts, new Shape(prompts.size(), 1));
            maxSteps = config.maxNewTokens();
            cache = model.newCache(maxSteps + 1);
        }

        @Override
        public int maxSteps() {
            return maxSteps;
        }

        @Override
        public NDArray first() {
            return next(start);
        }

        @Override
        public NDArray next(NDArray tokens) {
            NDArray hidden = model.decode(tokens, encoderHidden, encoderMask, cache, null); // (B, 1, H)
            return model.lmHead(hidden).squeeze(1); // (B, V)
        }

        @Override
        public void close() {
            cache.close();
        }
    }
}
