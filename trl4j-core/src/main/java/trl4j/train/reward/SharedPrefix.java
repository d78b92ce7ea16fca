package trl4j.train.reward;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.List;
import trl4j.model.CausalLm;
import trl4j.model.KvCache;
import trl4j.model.ScoreModel;
import trl4j.model.SequenceClassifier;
import trl4j.tensor.AttentionMasks;
import trl4j.train.reward.EncodedComparisons.Pair;

/**
 * Scores the chosen and the rejected sequence of decoder-only pairs with their common token prefix
 * (the prompt, and any words both responses start with) computed once: a pass over the prefixes
 * (left-padded, keys and values kept), then one pass over both continuations with the cache repeated
 * for them. On debian-tldr, where a document is ~10× longer than a summary, that is almost half the
 * tokens of the plain pass over both full sequences; the scores are the same (a causal model's states
 * at a position depend only on the tokens up to it) and so are the gradients, which flow back through
 * the cached keys and values.
 *
 * <p>Used when every sequence is scored at its last token, i.e. contains no pad id (true unless the
 * pad id is the EOS the encoder appends, where Hugging Face's rule stops at the EOS; then the plain
 * pass is used).
 */
final class SharedPrefix {

    private SharedPrefix() {}

    /** Whether the pairs can be scored this way by {@code model}. */
    static boolean applies(ScoreModel model, List<Pair> pairs) {
        if (!(model instanceof SequenceClassifier sc) || sc.padTokenId() == null) {
            return false;
        }
        int pad = sc.padTokenId();
        int maxPrefix = 0;
        int maxRest = 0;
        for (Pair p : pairs) {
            if (contains(p.chosen().input(), pad) || contains(p.rejected().input(), pad)) {
                return false;
            }
            int l = prefixLength(p);
            maxPrefix = Math.max(maxPrefix, l);
            maxRest = Math.max(maxRest, Math.max(p.chosen().input().length, p.rejected().input().length) - l);
        }
        int context = model.config().maxPositions();
        return maxPrefix > 0 && (context == 0 || maxPrefix + maxRest <= context);
    }

    /**
     * Scores (2n): the chosen sequences of the pairs, then the rejected ones; differentiable when grad
     * mode is on. Inputs are created in {@code manager}.
     */
    static NDArray scores(SequenceClassifier model, NDManager manager, List<Pair> pairs) {
        int n = pairs.size();
        int pad = model.padTokenId();
        int[] prefix = new int[n];
        int p = 0;
        int r = 0;
        for (int b = 0; b < n; b++) {
            prefix[b] = prefixLength(pairs.get(b));
            p = Math.max(p, prefix[b]);
            r = Math.max(r, Math.max(pairs.get(b).chosen().input().length, pairs.get(b).rejected().input().length) - prefix[b]);
        }
        long[] prefixIds = new long[n * p];
        long[] prefixMask = new long[n * p];
        long[] restIds = new long[2 * n * r];
        long[] mask = new long[2 * n * (p + r)]; // keys of the second pass: the prefix, then the continuation
        long[] positions = new long[2 * n * r];
        long[] last = new long[2 * n];
        Arrays.fill(prefixIds, pad);
        Arrays.fill(restIds, pad);
        for (int b = 0; b < n; b++) {
            int[] seq = pairs.get(b).chosen().input();
            int offset = p - prefix[b]; // left padding
            for (int t = 0; t < prefix[b]; t++) {
                prefixIds[b * p + offset + t] = seq[t];
                prefixMask[b * p + offset + t] = 1;
            }
            for (int half = 0; half < 2; half++) {
                int row = half * n + b;
                int[] s = half == 0 ? seq : pairs.get(b).rejected().input();
                int len = s.length - prefix[b];
                for (int t = 0; t < p; t++) {
                    mask[row * (p + r) + t] = prefixMask[b * p + t];
                }
                for (int t = 0; t < len; t++) {
                    restIds[row * r + t] = s[prefix[b] + t];
                    mask[row * (p + r) + p + t] = 1;
                }
                for (int t = 0; t < r; t++) {
                    positions[row * r + t] = prefix[b] + t; // right pads get positions too; nothing reads them
                }
                last[row] = len - 1;
            }
        }
        CausalLm trunk = model.trunk();
        NDArray pm = manager.create(prefixMask, new Shape(n, p));
        try (KvCache cache = trunk.newCache(p)) {
            trunk.hidden(manager.create(prefixIds, new Shape(n, p)), pm, AttentionMasks.positionIds(pm), cache, null);
            try (KvCache both = cache.tiled(2)) {
                NDArray hidden = trunk.hidden(manager.create(restIds, new Shape(2 * n, r)), manager.create(mask, new Shape(2 * n, p + r)),
                        manager.create(positions, new Shape(2 * n, r)), both, null); // (2n, r, H)
                return model.scoresAt(hidden, last).get(":, 0"); // (2n)
            }
        }
    }

    /** Tokens both sequences start with, leaving each at least its last token to score. */
    static int prefixLength(Pair pair) {
        int[] c = pair.chosen().input();
        int[] r = pair.rejected().input();
        int max = Math.min(c.length, r.length) - 1;
        int l = 0;
        while (l < max && c[l] == r[l]) {
            l++;
        }
        return l;
    }

    private static boolean contains(int[] ids, int id) {
        for (int x : ids) {
            if (x == id) {
                return true;
            }
        }
        return false;
    }
}
