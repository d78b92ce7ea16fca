package trl4j.train.ppo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import java.util.ArrayList;
import java.util.List;
import trl4j.tensor.GradMode;

/**
 * The scoring passes of a rollout batch: with the weights that generated the responses and autograd
 * off, the policy's log-probabilities and values, and the reference's log-probabilities, in forward
 * batches. The arrays live in the caller's manager.
 */
final class Rollouts {

    private final Forward forward;
    private final int forwardBatch;
    private final int padId;

    Rollouts(Forward forward, int forwardBatch, int padId) {
        this.forward = forward;
        this.forwardBatch = forwardBatch;
        this.padId = padId;
    }

    /** Scores {@code samples}; {@code scores} (B) are the shaped sequence scores. */
    Rollout score(NDManager manager, Samples samples, double[] scores) {
        NDArray[] padded = Rollout.pad(manager, samples, !forward.seq2seq(), padId);
        NDArray queries = padded[0];
        NDArray queryMask = padded[1];
        NDArray responses = padded[2];
        NDArray mask = padded[3];
        NDList logprobs = new NDList();
        NDList refLogprobs = new NDList();
        NDList values = new NDList();
        try (GradMode noGrad = GradMode.disabled()) {
            for (int from = 0; from < samples.size(); from += forwardBatch) {
                int[] rows = range(from, Math.min(samples.size(), from + forwardBatch));
                try (NDScope scope = new NDScope()) {
                    NDArray[] b = Rollout.select(rows, !forward.seq2seq(), queries, queryMask, mask, List.of(responses, mask));
                    NDArray rb = b[2]; // responses of these rows, trimmed to their longest
                    NDArray mb = b[3];
                    Forward.Policy p = forward.policy(b[0], b[1], rb, mb);
                    NDArray ref = forward.reference(b[0], b[1], rb, mb, p);
                    NDArray v = forward.values(b[0], b[1], rb, mb, p);
                    int width = (int) responses.getShape().get(1);
                    logprobs.add(keep(widen(p.logprobs(), width)));
                    refLogprobs.add(keep(widen(ref, width)));
                    values.add(keep(widen(v, width)));
                }
            }
        }
        NDArray lp = NDArrays.concat(logprobs, 0).mul(mask);
        NDArray rlp = NDArrays.concat(refLogprobs, 0).mul(mask);
        NDArray val = NDArrays.concat(values, 0).mul(mask);
        logprobs.close();
        refLogprobs.close();
        values.close();
        NDArray scoreArray = manager.create(toFloats(scores));
        return new Rollout(queries, queryMask, responses, mask, lp, rlp, val, scoreArray, samples);
    }

    /** Pads (b, r) to (b, width) with zeros (rows of a forward batch may be shorter than the longest). */
    private static NDArray widen(NDArray x, int width) {
        long r = x.getShape().get(1);
        if (r == width) {
            return x;
        }
        NDArray pad = x.getManager().zeros(new ai.djl.ndarray.types.Shape(x.getShape().get(0), width - r), x.getDataType());
        return x.concat(pad, 1);
    }

    private static NDArray keep(NDArray x) {
        NDScope.unregister(x);
        return x;
    }

    static int[] range(int from, int to) {
        int[] out = new int[to - from];
        for (int i = 0; i < out.length; i++) {
            out[i] = from + i;
        }
        return out;
    }

    static float[] toFloats(double[] xs) {
        float[] out = new float[xs.length];
        for (int i = 0; i < xs.length; i++) {
            out[i] = (float) xs[i];
        }
        return out;
    }

    static List<Integer> indices(int n) {
        List<Integer> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(i);
        }
        return out;
    }
}
