package trl4j.train.ppo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import trl4j.model.CausalLm;
import trl4j.model.LanguageModel;
import trl4j.model.Seq2SeqLm;
import trl4j.tensor.AttentionMasks;
import trl4j.tensor.LogProbs;
import trl4j.tensor.Scalars;

/**
 * The teacher-forced passes of PPO over (prompt, response) batches: log-probabilities of the response
 * tokens under the policy and the reference, and the values before each of them.
 *
 * <p>Decoder-only: input = left-padded prompt ‖ response (pad after the end), attention mask 0 on
 * padding, position ids {@code cumsum(mask) − 1} as Hugging Face's generation used them (trlX, TRL);
 * the hidden states at positions Q−1 … Q+R−2 predict the R response tokens and carry their values.
 * Encoder–decoder: encoder = prompt, decoder = [decoder_start] + response[:−1]. Logits are divided by the
 * sampling temperature (TRL), so these are the distributions the tokens were sampled from.
 */
final class Forward {

    /**
     * A policy pass.
     *
     * @param logprobs (B, R) log π(response token)
     * @param values (B, R) values of the head on the policy trunk, or null with a separate critic
     * @param logSoftmax (B, R, V) log-softmax of the temperature-scaled logits of the response positions
     * @param hydraInput (B, T, H) input of the reference branch's first block (hydra), or null
     * @param encoded (B, S, H) encoder output (encoder–decoders), or null
     */
    record Policy(NDArray logprobs, NDArray values, NDArray logSoftmax, NDArray hydraInput, NDArray encoded) {

        /** Per-position entropy of the policy (B, R), from the log-softmax already computed. */
        NDArray entropy() {
            return logSoftmax.exp().mul(logSoftmax).sum(new int[] {-1}).neg();
        }
    }

    private final PpoModels models;
    private final float temperature;
    private final boolean seq2seq;

    Forward(PpoModels models, double temperature) {
        this.models = models;
        this.temperature = (float) temperature;
        this.seq2seq = models.policy() instanceof Seq2SeqLm;
    }

    boolean seq2seq() {
        return seq2seq;
    }

    /**
     * The policy over a batch (with gradients when grad mode is on).
     *
     * @param queries (B, Q) prompt ids (left-padded for decoder-only models)
     * @param queryMask (B, Q) 0/1
     * @param responses (B, R) response ids
     * @param mask (B, R) float 1 on response tokens
     */
    Policy policy(NDArray queries, NDArray queryMask, NDArray responses, NDArray mask) {
        int branch = models.branchLayer();
        List<NDArray> collect = branch >= 0 ? new ArrayList<>() : null;
        NDArray hidden; // (B, R, H): the state before each response token
        NDArray encoded = null;
        if (seq2seq) {
            Seq2SeqLm s2s = (Seq2SeqLm) models.policy();
            encoded = s2s.encode(queries, queryMask, null);
            hidden = s2s.decode(decoderInput(responses, s2s.decoderStartTokenId()), encoded, queryMask, null, collect);
        } else {
            Causal in = causal(queries, queryMask, responses, mask);
            hidden = responsePositions(((CausalLm) models.policy()).hidden(in.tokens, in.attention, in.positions, null, collect),
                    queries, responses);
        }
        NDArray logSoftmax = scaled(models.policy().lmHead(hidden)).logSoftmax(-1); // (B, R, V)
        NDArray logprobs = logSoftmax.gather(responses.expandDims(-1), -1).squeeze(-1); // (B, R)
        NDArray values = models.critic() == null ? models.valueHead().values(hidden) : null;
        return new Policy(logprobs, values, logSoftmax, collect == null ? null : collect.get(branch), encoded);
    }

    /** log π_ref(response token) (B, R): the hydra branch continues {@code policy}'s pass, a full copy runs alone. */
    NDArray reference(NDArray queries, NDArray queryMask, NDArray responses, NDArray mask, Policy policy) {
        LanguageModel ref = models.reference();
        int branch = models.branchLayer();
        NDArray hidden;
        if (seq2seq) {
            Seq2SeqLm s2s = (Seq2SeqLm) ref;
            if (branch >= 0) {
                hidden = s2s.decodeFrom(branch, policy.hydraInput(), policy.encoded(), queryMask);
            } else {
                NDArray encoded = s2s.encode(queries, queryMask, null);
                hidden = s2s.decode(decoderInput(responses, s2s.decoderStartTokenId()), encoded, queryMask, null, null);
            }
        } else {
            Causal in = causal(queries, queryMask, responses, mask);
            NDArray full = branch >= 0 ? ((CausalLm) ref).hiddenFrom(branch, policy.hydraInput(), in.attention, in.positions)
                    : ((CausalLm) ref).hidden(in.tokens, in.attention, in.positions, null, null);
            hidden = responsePositions(full, queries, responses);
        }
        return LogProbs.gather(scaled(ref.lmHead(hidden)), responses);
    }

    /** Values (B, R) of the separate critic (same inputs as the policy). */
    NDArray criticValues(NDArray queries, NDArray queryMask, NDArray responses, NDArray mask) {
        LanguageModel critic = models.critic();
        NDArray hidden;
        if (critic instanceof Seq2SeqLm s2s) {
            NDArray encoded = s2s.encode(queries, queryMask, null);
            hidden = s2s.decode(decoderInput(responses, s2s.decoderStartTokenId()), encoded, queryMask, null, null);
        } else {
            Causal in = causal(queries, queryMask, responses, mask);
            hidden = responsePositions(((CausalLm) critic).hidden(in.tokens, in.attention, in.positions, null, null), queries, responses);
        }
        return models.valueHead().values(hidden);
    }

    /** Values from wherever the value function lives. */
    NDArray values(NDArray queries, NDArray queryMask, NDArray responses, NDArray mask, Policy policy) {
        return models.critic() == null ? policy.values() : criticValues(queries, queryMask, responses, mask);
    }

    private NDArray scaled(NDArray logits) {
        // Scalars, not div(float): in training the logits are in the autograd graph (see Scalars).
        return temperature == 1f ? logits : logits.div(Scalars.of(logits, temperature));
    }

    private record Causal(NDArray tokens, NDArray attention, NDArray positions) {}

    private static Causal causal(NDArray queries, NDArray queryMask, NDArray responses, NDArray mask) {
        NDArray tokens = queries.concat(responses, 1); // (B, Q + R)
        NDArray attention = queryMask.toType(DataType.INT64, false).concat(mask.toType(DataType.INT64, false), 1);
        return new Causal(tokens, attention, AttentionMasks.positionIds(attention));
    }

    /** (B, Q + R, H) → (B, R, H): positions Q−1 … Q+R−2, each predicting the next (response) token. */
    private static NDArray responsePositions(NDArray hidden, NDArray queries, NDArray responses) {
        long q = queries.getShape().get(1);
        long r = responses.getShape().get(1);
        return hidden.get(":, {}:{}, :", q - 1, q + r - 1);
    }

    /** [decoder_start] ‖ responses[:, :−1]: teacher forcing of the decoder (B, R). */
    static NDArray decoderInput(NDArray responses, int startId) {
        NDManager m = responses.getManager();
        long batch = responses.getShape().get(0);
        NDArray start = m.full(new Shape(batch, 1), startId, DataType.INT64);
        return start.concat(responses.get(":, :-1"), 1);
    }
}
