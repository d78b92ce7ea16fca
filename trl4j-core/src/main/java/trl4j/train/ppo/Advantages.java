package trl4j.train.ppo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Generalised advantage estimation (Schulman et al. 2016) over the response tokens of a batch:
 *
 * <pre>
 * δ_t = r_t + γ·V_{t+1} − V_t            (V_{t+1} = 0 after a row's last token)
 * A_t = Σ_{s ≥ t} (γλ)^{s−t} · δ_s        returns R_t = A_t + V_t
 * </pre>
 *
 * Rows end at different lengths: values and rewards past a row's end are masked to 0, so δ = 0 there and
 * each row gets exactly the advantages of its own episode (what trlX computes row by row). The reverse
 * scan is done as one matrix product with the (T, T) discount matrix W[s, t] = (γλ)^{s−t} for s ≥ t, which
 * equals the plain backwards loop (tested).
 */
public final class Advantages {

    /** Advantages and returns, both (B, T), zero past each row's end. */
    public record Estimate(NDArray advantages, NDArray returns) {}

    private Advantages() {}

    /**
     * @param values (B, T) V(s_t), the value of the state before response token t
     * @param rewards (B, T) per-token rewards (−β·KL, plus the score at the last token)
     * @param mask (B, T) float 1 on response tokens, 0 after the end
     */
    public static Estimate gae(NDArray values, NDArray rewards, NDArray mask, double gamma, double lam) {
        if (!(gamma >= 0 && gamma <= 1) || !(lam >= 0 && lam <= 1)) {
            throw new IllegalArgumentException("gamma and lam must be in [0, 1], got " + gamma + " and " + lam);
        }
        int steps = (int) values.getShape().get(1);
        NDArray v = values.mul(mask);
        NDArray r = rewards.mul(mask);
        NDArray next = v.get(":, 1:").concat(v.getManager().zeros(new Shape(v.getShape().get(0), 1)), 1); // V_{t+1}, (B, T)
        NDArray delta = r.add(next.mul((float) gamma)).sub(v);
        NDArray advantages = delta.matMul(discounts(v.getManager(), steps, gamma * lam)).mul(mask);
        NDArray returns = advantages.add(v);
        return new Estimate(advantages, returns);
    }

    /** W (T, T) with W[s, t] = d^(s−t) for s ≥ t, else 0: (δ·W)_t = Σ_{s ≥ t} d^(s−t)·δ_s. */
    static NDArray discounts(NDManager manager, int steps, double d) {
        float[] w = new float[steps * steps];
        for (int s = 0; s < steps; s++) {
            double p = 1;
            for (int t = s; t >= 0; t--) {
                w[s * steps + t] = (float) p;
                p *= d;
            }
        }
        return manager.create(w, new Shape(steps, steps));
    }
}
