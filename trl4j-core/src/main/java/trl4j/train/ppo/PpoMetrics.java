package trl4j.train.ppo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import java.util.LinkedHashMap;
import java.util.Map;

/** The metrics of one PPO iteration under TRL's keys (plus trlX's {@code rollout_scores/*}). */
final class PpoMetrics {

    private PpoMetrics() {}

    /**
     * @param kl (B, R) per-token KL estimate used in the rewards (masked)
     * @param klCoef β that priced this rollout
     */
    static Map<String, Double> of(Rollout r, NDArray kl, ScoreShaping.Scores scores, double klCoef, PpoUpdate.Stats u, Integer eosId,
            ScoreShaping shaping) {
        Map<String, Double> m = new LinkedHashMap<>();
        double meanKl = kl.sum(new int[] {1}).mean().getFloat();
        double shaped = Evaluation.mean(scores.shaped());
        m.put("objective/kl", meanKl);
        m.put("objective/entropy", (double) r.logprobs().neg().mul(r.mask()).sum(new int[] {1}).mean().getFloat());
        m.put("objective/non_score_reward", -klCoef * meanKl);
        m.put("objective/rlhf_reward", shaped - klCoef * meanKl);
        m.put("objective/scores", Evaluation.mean(scores.penalized()));
        m.put("objective/raw_scores", Evaluation.mean(scores.raw()));
        m.put("objective/kl_coef", klCoef);
        m.put("policy/approxkl_avg", u.approxKl());
        m.put("policy/clipfrac_avg", u.clipfrac());
        m.put("policy/entropy_avg", u.entropy());
        m.put("loss/policy_avg", u.policyLoss());
        m.put("loss/value_avg", u.valueLoss());
        m.put("loss", u.loss());
        m.put("val/clipfrac_avg", u.valueClipfrac());
        m.put("val/ratio", u.ratio());
        m.put("val/ratio_var", u.ratioVar());
        double eos = eosId == null ? 0 : r.responses().eq(eosId).toType(DataType.FLOAT32, false).mul(r.mask()).sum().getFloat();
        m.put("val/num_eos_tokens", eos);
        m.put("val/response_length", (double) r.mask().sum().getFloat() / r.size());
        int ended = 0;
        for (boolean e : r.samples().ended()) {
            ended += e ? 1 : 0;
        }
        m.put("val/ended_fraction", (double) ended / r.size());
        m.put("rollout_scores/mean", scores.batchMean());
        m.put("rollout_scores/std", scores.batchStd());
        m.put("rollout_scores/running_mean", shaping.running().mean());
        m.put("rollout_scores/running_std", shaping.running().std());
        m.put("grad_norm", u.gradNorm());
        m.put("lr", u.learningRate());
        m.put("train/skipped_steps", (double) u.skipped());
        return m;
    }
}
