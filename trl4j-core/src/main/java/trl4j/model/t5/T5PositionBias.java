package trl4j.model.t5;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.core.Embedding;

/**
 * T5's relative position bias: every (query, key) pair gets a learned per-head scalar looked up by the bucket
 * of {@code key − query}. Half of a direction's buckets hold exact small offsets, the other half offsets
 * growing logarithmically up to {@code max_distance}; beyond it everything shares the last bucket
 * (Raffel et al. 2020 §2.1; HF {@code T5Attention._relative_position_bucket}).
 */
public final class T5PositionBias {

    private T5PositionBias() {}

    /**
     * The bucket of one offset, in double precision (it matches HF's float32 buckets for every offset in
     * ±100000; checked by the golden vectors' authors).
     *
     * @param relativePosition key position − query position
     * @param bidirectional encoder: half of the buckets for positive offsets (added on top); decoder: only
     *     offsets ≤ 0 are distinguished, later keys (masked anyway) share bucket 0
     */
    public static int bucket(long relativePosition, boolean bidirectional, int numBuckets, int maxDistance) {
        int buckets = numBuckets;
        int base = 0;
        long distance;
        if (bidirectional) {
            buckets /= 2;
            if (relativePosition > 0) {
                base = buckets;
            }
            distance = Math.abs(relativePosition);
        } else {
            distance = -Math.min(relativePosition, 0);
        }
        int maxExact = buckets / 2;
        if (distance < maxExact) {
            return base + (int) distance;
        }
        // Truncation toward zero, as torch's .to(long) of a positive float.
        double large = maxExact + Math.log((double) distance / maxExact) / Math.log((double) maxDistance / maxExact)
                * (buckets - maxExact);
        return base + (int) Math.min(large, buckets - 1);
    }

    /**
     * Bucket ids (Q, K) for queries at positions {@code queryStart..queryStart+Q−1} and keys {@code 0..K−1}.
     * Buckets depend only on the offset, so each of the Q + K − 1 offsets is computed once.
     */
    static long[] buckets(T5Config c, boolean bidirectional, int queryStart, int queries, int keys) {
        int minOffset = -(queryStart + queries - 1);
        int[] byOffset = new int[keys - queryStart - minOffset];
        for (int r = minOffset; r < keys - queryStart; r++) {
            byOffset[r - minOffset] = bucket(r, bidirectional, c.relativeAttentionNumBuckets(), c.relativeAttentionMaxDistance());
        }
        long[] out = new long[queries * keys];
        for (int qi = 0; qi < queries; qi++) {
            int query = queryStart + qi;
            for (int k = 0; k < keys; k++) {
                out[qi * keys + k] = byOffset[k - query - minOffset];
            }
        }
        return out;
    }

    /**
     * The bias (1, H, Q, K) HF's {@code compute_bias} gives, restricted to query rows
     * {@code queryStart..queryStart+Q−1} (a cached decoder step is the last rows of the full bias).
     *
     * @param table relative_attention_bias.weight (buckets, H)
     */
    public static NDArray compute(NDManager m, NDArray table, T5Config c, boolean bidirectional, int queryStart,
            int queries, int keys) {
        NDArray ids = m.create(buckets(c, bidirectional, queryStart, queries, keys), new Shape(queries, keys)); // (Q, K)
        NDArray values = Embedding.embedding(ids, table, SparseFormat.DENSE).singletonOrThrow(); // (Q, K, H)
        return values.transpose(2, 0, 1).expandDims(0); // (1, H, Q, K)
    }
}
