package trl4j.train.ppo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import trl4j.model.RewardFunction;
import trl4j.model.SequenceClassifier;
import trl4j.model.registry.Models;
import trl4j.tensor.GradMode;
import trl4j.tokenizer.Tokenizer;

/**
 * A reward model folder (a decoder-only {@code *ForSequenceClassification} checkpoint, {@code num_labels}
 * 1) as a {@link RewardFunction}: each pair is scored as {@code tokenizer(prompt + response)} followed by
 * EOS (unless already there), at Hugging Face's last-non-pad position — the text convention of trl4j's
 * reward stage and TRL's reward trainer. Sequences longer than the model's context keep their end (the
 * response and the prompt's "TL;DR:"). No gradients; batches of {@code batchSize}.
 */
public final class ClassifierReward implements RewardFunction, AutoCloseable {

    private final SequenceClassifier model;
    private final Tokenizer tokenizer;
    private final int pad;
    private final Integer eos;
    private final int batchSize;
    private final NDManager manager;

    private ClassifierReward(SequenceClassifier model, Tokenizer tokenizer, int pad, int batchSize, NDManager manager) {
        this.model = model;
        this.tokenizer = tokenizer;
        this.pad = pad;
        this.eos = tokenizer.eosId();
        this.batchSize = batchSize;
        this.manager = manager;
    }

    /** A reward function over a classifier already in memory (its weights stay the caller's). */
    public static ClassifierReward of(SequenceClassifier model, Tokenizer tokenizer, int batchSize) {
        Integer pad = model.padTokenId() != null ? model.padTokenId() : tokenizer.padId() != null ? tokenizer.padId() : tokenizer.eosId();
        if (pad == null) {
            throw new IllegalArgumentException("the reward model has no pad id and the tokenizer no pad or EOS token: cannot batch");
        }
        return new ClassifierReward(new SequenceClassifier(model.trunk(), model.numLabels(), pad), tokenizer, pad, batchSize,
                model.parameters().manager().newSubManager());
    }

    /**
     * Loads a reward model folder with its own tokenizer (or {@code fallbackTokenizer} when it has none).
     */
    public static ClassifierReward load(Path dir, Tokenizer fallbackTokenizer, NDManager parent, int batchSize) {
        NDManager manager = parent.newSubManager();
        SequenceClassifier c;
        try {
            if (!Models.check(dir).classifier()) {
                throw new IllegalArgumentException(dir + ": not a reward model (a *ForSequenceClassification folder with score.weight)");
            }
            c = Models.loadClassifier(dir, manager, 1, 0);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
        if (c.numLabels() != 1) {
            manager.close();
            throw new IllegalArgumentException(dir + ": a reward model has one label, this one has " + c.numLabels());
        }
        Tokenizer tokenizer = java.nio.file.Files.isRegularFile(dir.resolve("tokenizer.json")) ? Tokenizer.load(dir) : fallbackTokenizer;
        Integer pad = c.padTokenId() != null ? c.padTokenId() : tokenizer.padId() != null ? tokenizer.padId() : tokenizer.eosId();
        if (pad == null) {
            manager.close();
            throw new IllegalArgumentException(dir + ": no pad_token_id and a tokenizer without pad or EOS token: cannot batch");
        }
        return new ClassifierReward(new SequenceClassifier(c.trunk(), 1, pad), tokenizer, pad, batchSize, manager);
    }

    @Override
    public double[] score(List<String> prompts, List<String> responses) {
        if (prompts.size() != responses.size()) {
            throw new IllegalArgumentException(prompts.size() + " prompts but " + responses.size() + " responses");
        }
        double[] out = new double[prompts.size()];
        int context = model.trunk().config().maxPositions();
        for (int from = 0; from < prompts.size(); from += batchSize) {
            int to = Math.min(prompts.size(), from + batchSize);
            long[][] rows = new long[to - from][];
            int width = 1;
            for (int i = from; i < to; i++) {
                long[] ids = tokenizer.encode(prompts.get(i) + responses.get(i));
                if (eos != null && (ids.length == 0 || ids[ids.length - 1] != eos)) {
                    ids = Arrays.copyOf(ids, ids.length + 1);
                    ids[ids.length - 1] = eos;
                }
                if (context > 0 && ids.length > context) {
                    ids = Arrays.copyOfRange(ids, ids.length - context, ids.length);
                }
                rows[i - from] = ids;
                width = Math.max(width, ids.length);
            }
            long[] flat = new long[rows.length * width];
            long[] mask = new long[flat.length];
            Arrays.fill(flat, pad);
            for (int r = 0; r < rows.length; r++) {
                System.arraycopy(rows[r], 0, flat, r * width, rows[r].length);
                Arrays.fill(mask, r * width, r * width + rows[r].length, 1);
            }
            try (NDManager m = manager.newSubManager(); GradMode noGrad = GradMode.disabled()) {
                NDArray scores = model.scores(m.create(flat, new Shape(rows.length, width)), m.create(mask, new Shape(rows.length, width)));
                float[] s = scores.toFloatArray();
                for (int r = 0; r < rows.length; r++) {
                    out[from + r] = s[r];
                }
            }
        }
        return out;
    }

    @Override
    public void close() {
        manager.close();
    }
}
