package trl4j.train.ppo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.List;

/**
 * A scored rollout batch: B prompts, their sampled responses and everything PPO needs about them,
 * computed once with the weights that generated them. Q = longest prompt, R = longest response.
 *
 * @param queries (B, Q) int64 prompt ids: left-padded for decoder-only policies (Hugging Face's
 *     generation layout), right-padded for encoder–decoders
 * @param queryMask (B, Q) int64 0/1
 * @param responses (B, R) int64 response ids, pad id after each row's end
 * @param mask (B, R) float32 1 on response tokens (EOS / stop token included)
 * @param logprobs (B, R) log π_old(token), softmax(logits / T) of the policy's scoring pass
 * @param refLogprobs (B, R) log π_ref(token)
 * @param values (B, R) V_old(s_t), the value before each response token
 * @param scores (B) shaped scores (after baseline, penalty, clipping, scaling)
 * @param samples the texts and ids behind the arrays
 */
public record Rollout(NDArray queries, NDArray queryMask, NDArray responses, NDArray mask, NDArray logprobs,
        NDArray refLogprobs, NDArray values, NDArray scores, Samples samples) {

    public int size() {
        return (int) responses.getShape().get(0);
    }

    /**
     * Pads the prompts and responses of {@code samples} into (B, Q) and (B, R) arrays.
     *
     * @param leftPadQueries true for decoder-only policies
     * @return {queries, queryMask, responses, mask}
     */
    public static NDArray[] pad(NDManager manager, Samples samples, boolean leftPadQueries, int padId) {
        int batch = samples.size();
        int q = samples.queries().stream().mapToInt(x -> x.length).max().orElse(0);
        int r = Math.max(1, samples.maxResponseLength());
        long[] ids = new long[batch * q];
        long[] idsMask = new long[batch * q];
        long[] resp = new long[batch * r];
        float[] respMask = new float[batch * r];
        java.util.Arrays.fill(ids, padId);
        java.util.Arrays.fill(resp, padId);
        for (int b = 0; b < batch; b++) {
            long[] query = samples.queries().get(b);
            int offset = leftPadQueries ? q - query.length : 0;
            System.arraycopy(query, 0, ids, b * q + offset, query.length);
            java.util.Arrays.fill(idsMask, b * q + offset, b * q + offset + query.length, 1);
            long[] response = samples.responses().get(b);
            System.arraycopy(response, 0, resp, b * r, response.length);
            java.util.Arrays.fill(respMask, b * r, b * r + response.length, 1f);
        }
        return new NDArray[] {manager.create(ids, new Shape(batch, q)), manager.create(idsMask, new Shape(batch, q)),
            manager.create(resp, new Shape(batch, r)), manager.create(respMask, new Shape(batch, r))};
    }

    /**
     * The rows {@code rows} of per-row arrays, with columns that are padding in every selected row
     * removed (prompt padding on its padded side, response padding at the end).
     *
     * @param queries (B, Q) and its mask
     * @param responseMask (B, R) float mask whose all-zero trailing columns are dropped
     * @param perToken (B, R) arrays (responses, mask, logprobs, ...), trimmed alike
     * @return {queries, queryMask, perToken...} of the selected rows
     */
    public static NDArray[] select(int[] rows, boolean leftPadQueries, NDArray queries, NDArray queryMask, NDArray responseMask,
            List<NDArray> perToken) {
        NDManager m = queries.getManager();
        NDArray index = m.create(rows);
        NDArray qm = queryMask.get(index);
        long[] columnUse = qm.sum(new int[] {0}).toType(DataType.INT64, false).toLongArray();
        int first = 0;
        int last = columnUse.length; // exclusive
        if (leftPadQueries) {
            while (first < last - 1 && columnUse[first] == 0) {
                first++;
            }
        } else {
            while (last > first + 1 && columnUse[last - 1] == 0) {
                last--;
            }
        }
        long[] responseUse = responseMask.get(index).sum(new int[] {0}).toType(DataType.INT64, false).toLongArray();
        int r = responseUse.length;
        while (r > 1 && responseUse[r - 1] == 0) {
            r--;
        }
        NDArray[] out = new NDArray[2 + perToken.size()];
        out[0] = queries.get(index).get(":, {}:{}", first, last);
        out[1] = qm.get(":, {}:{}", first, last);
        for (int i = 0; i < perToken.size(); i++) {
            out[2 + i] = perToken.get(i).get(index).get(":, :{}", r);
        }
        return out;
    }
}
