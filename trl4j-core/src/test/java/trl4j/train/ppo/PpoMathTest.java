package trl4j.train.ppo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** PPO's pure functions against numbers computed by hand (worked in the comments). */
class PpoMathTest {

    static NDManager m;

    @BeforeAll
    static void open() {
        m = NDManager.newBaseManager();
    }

    @AfterAll
    static void close() {
        m.close();
    }

    static NDArray row(float... xs) {
        return m.create(xs, new Shape(1, xs.length));
    }

    @Test
    void klEstimators() {
        NDArray logp = row(-1f, -2f);
        NDArray ref = row(-1.5f, -1f);
        // k1 = logp − ref.
        assertArrayEquals(new float[] {0.5f, -1f}, Kl.k1(logp, ref).toFloatArray(), 1e-6f);
        // k3 with log r = ref − logp = (−0.5, 1): e^−0.5 − 1 + 0.5 = 0.10653066; e − 1 − 1 = 0.71828183.
        assertArrayEquals(new float[] {0.10653066f, 0.71828183f}, Kl.k3(logp, ref).toFloatArray(), 1e-6f);
        assertArrayEquals(Kl.k3(logp, ref).toFloatArray(), Kl.estimate(Kl.Estimator.K3, logp, ref).toFloatArray(), 0f);
    }

    @Test
    void gaeByHand() {
        // γ = 0.9, λ = 0.8 (γλ = 0.72). Row A ends after 2 tokens; its third value and reward are padding.
        //   δ1 = 1.0 + 0.9·0 − 2.0 = −1.0;  δ0 = 0.5 + 0.9·2.0 − 1.0 = 1.3
        //   A1 = −1.0;  A0 = 1.3 + 0.72·(−1.0) = 0.58;  R = A + V = (1.58, 1.0, 0)
        // Row B, 3 tokens: δ2 = 2 − 1 = 1;  δ1 = 0 + 0.9·1 + 0.5 = 1.4;  δ0 = 0.9·(−0.5) − 0.5 = −0.95
        //   A2 = 1;  A1 = 1.4 + 0.72 = 2.12;  A0 = −0.95 + 0.72·2.12 = 0.5764;  R = (1.0764, 1.62, 2.0)
        NDArray values = m.create(new float[] {1f, 2f, 5f, 0.5f, -0.5f, 1f}, new Shape(2, 3));
        NDArray rewards = m.create(new float[] {0.5f, 1f, 7f, 0f, 0f, 2f}, new Shape(2, 3));
        NDArray mask = m.create(new float[] {1, 1, 0, 1, 1, 1}, new Shape(2, 3));
        Advantages.Estimate e = Advantages.gae(values, rewards, mask, 0.9, 0.8);
        assertArrayEquals(new float[] {0.58f, -1f, 0f, 0.5764f, 2.12f, 1f}, e.advantages().toFloatArray(), 1e-5f);
        assertArrayEquals(new float[] {1.58f, 1f, 0f, 1.0764f, 1.62f, 2f}, e.returns().toFloatArray(), 1e-5f);
    }

    @Test
    void vectorisedGaeEqualsThePlainLoop() {
        Random r = new Random(7);
        int batch = 5;
        int steps = 17;
        float[] v = new float[batch * steps];
        float[] rw = new float[batch * steps];
        float[] mk = new float[batch * steps];
        int[] lengths = new int[batch];
        for (int b = 0; b < batch; b++) {
            lengths[b] = 1 + r.nextInt(steps);
            for (int t = 0; t < steps; t++) {
                v[b * steps + t] = (float) r.nextGaussian();
                rw[b * steps + t] = (float) r.nextGaussian();
                mk[b * steps + t] = t < lengths[b] ? 1 : 0;
            }
        }
        double gamma = 0.99;
        double lam = 0.95;
        Advantages.Estimate e = Advantages.gae(m.create(v, new Shape(batch, steps)), m.create(rw, new Shape(batch, steps)),
                m.create(mk, new Shape(batch, steps)), gamma, lam);
        float[] got = e.advantages().toFloatArray();
        float[] gotReturns = e.returns().toFloatArray();
        for (int b = 0; b < batch; b++) {
            // trlX's loop over one episode of lengths[b] tokens.
            double last = 0;
            for (int t = lengths[b] - 1; t >= 0; t--) {
                double next = t < lengths[b] - 1 ? v[b * steps + t + 1] : 0;
                double delta = rw[b * steps + t] + gamma * next - v[b * steps + t];
                last = delta + gamma * lam * last;
                assertEquals(last, got[b * steps + t], 1e-5, "advantage " + b + "," + t);
                assertEquals(last + v[b * steps + t], gotReturns[b * steps + t], 1e-5, "return " + b + "," + t);
            }
            for (int t = lengths[b]; t < steps; t++) {
                assertEquals(0f, got[b * steps + t], "padding gets no advantage");
            }
        }
    }

    @Test
    void clippedPolicyLossAndItsGradientByHand() {
        // Tokens 0–2 count (mask 1,1,1,0), ε = 0.2.
        //   log ρ = (0.2, −0.5, 0.1): ρ = (1.2214028, 0.6065307, 1.1051709)
        //   −A·ρ       = (−1.2214028, 1.2130613, −0.5525855)
        //   −A·clip(ρ) = (−1.2,       1.6,       −0.5525855)     (clip to [0.8, 1.2])
        //   max        = (−1.2,       1.6,       −0.5525855) → sum −0.1525855, mean −0.0508618
        //   clipped term larger on tokens 0 and 1 → clipfrac 2/3; approx KL ½·(0.04 + 0.25 + 0.01)/3 = 0.05
        //   mean ρ = 0.9777015. Gradient: tokens 0, 1 sit on the flat clipped branch → 0;
        //   token 2: d(−A·ρ)/dlogp / 3 = −0.5·1.1051709/3 = −0.1841952; masked token 3 → 0.
        NDArray logp = row(-1f, -2f, -0.5f, 3f);
        NDArray old = row(-1.2f, -1.5f, -0.6f, 0f);
        NDArray adv = row(1f, -2f, 0.5f, 10f);
        NDArray mask = row(1, 1, 1, 0);
        logp.setRequiresGradient(true);
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            PpoLoss.Policy p = PpoLoss.policy(logp, old, adv, mask, 0.2, PpoLoss.tokens(mask));
            assertEquals(-0.0508618, p.loss().getFloat(), 1e-6);
            assertEquals(2.0 / 3, p.clipfrac(), 1e-6);
            assertEquals(0.05, p.approxKl(), 1e-6);
            assertEquals(0.9777015, p.ratio(), 1e-6);
            gc.backward(p.loss());
        }
        assertArrayEquals(new float[] {0f, 0f, -0.1841952f, 0f}, logp.getGradient().toFloatArray(), 1e-6f);
    }

    @Test
    void clippedValueLossAndItsGradientByHand() {
        // ε_v = 0.2, tokens 0–2 count.
        //   token 0: V 1.0, old 0.5 → clip 0.7; R 2.0: (V−R)² = 1, (Vc−R)² = 1.69 → 1.69, clipped
        //   token 1: V 2.0, old 2.1 → 2.0 (inside); R 1.5: 0.25 both
        //   token 2: V 0.0, old 0.0; R −1: 1 both
        //   loss = ½·(1.69 + 0.25 + 1)/3 = 0.49; clipfrac 1/3
        //   gradient: token 0 on the clipped (flat) branch → 0; token 1 (V−R)/3 = 0.1666667; token 2 1/3.
        NDArray values = row(1f, 2f, 0f, 9f);
        NDArray old = row(0.5f, 2.1f, 0f, 0f);
        NDArray returns = row(2f, 1.5f, -1f, 0f);
        NDArray mask = row(1, 1, 1, 0);
        values.setRequiresGradient(true);
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            PpoLoss.Value v = PpoLoss.value(values, old, returns, mask, 0.2, 3);
            assertEquals(0.49, v.loss().getFloat(), 1e-6);
            assertEquals(1.0 / 3, v.clipfrac(), 1e-6);
            gc.backward(v.loss());
        }
        assertArrayEquals(new float[] {0f, 0.1666667f, 0.3333333f, 0f}, values.getGradient().toFloatArray(), 1e-6f);
    }

    @Test
    void perTokenRewardsPutTheScoreOnTheLastToken() {
        // β = 0.1: −β·KL on every response token, score on the last one (row 0 has 2 tokens).
        NDArray kl = m.create(new float[] {1f, 2f, 3f, 0.5f, -1f, 4f}, new Shape(2, 3));
        NDArray mask = m.create(new float[] {1, 1, 0, 1, 1, 1}, new Shape(2, 3));
        NDArray scores = m.create(new float[] {10f, -3f});
        float[] r = Rewards.perToken(kl, mask, scores, 0.1).toFloatArray();
        assertArrayEquals(new float[] {-0.1f, -0.2f + 10f, 0f, -0.05f, 0.1f, -0.4f - 3f}, r, 1e-6f);
    }

    @Test
    void adaptiveKlControllerFollowsZiegler() {
        // KL above target: error clipped to +0.2 → β·(1 + 0.2·128/10000); below: −0.2.
        KlController c = KlController.adaptive(0.2, 6, 10000);
        c.update(9, 128);
        assertEquals(0.2 * 1.00256, c.value(), 1e-12);
        c.update(3, 128);
        assertEquals(0.2 * 1.00256 * 0.99744, c.value(), 1e-12);
        c.update(6.6, 100); // error 0.1
        assertEquals(0.2 * 1.00256 * 0.99744 * 1.001, c.value(), 1e-12);
        KlController fixed = KlController.fixed(0.05);
        fixed.update(100, 128);
        assertEquals(0.05, fixed.value());
    }

    @Test
    void runningMomentsMergeBatches() {
        RunningMoments r = new RunningMoments();
        RunningMoments.Batch b = r.update(new double[] {1, 2, 3});
        assertEquals(2, b.mean(), 1e-12);
        assertEquals(1, b.std(), 1e-12);
        assertEquals(2, r.mean(), 1e-12);
        assertEquals(1, r.std(), 1e-9);
        r.update(new double[] {5});
        // All of 1, 2, 3, 5: mean 2.75, unbiased variance 8.75 / 3.
        assertEquals(2.75, r.mean(), 1e-12);
        assertEquals(Math.sqrt(8.75 / 3), r.std(), 1e-9);
    }

    @Test
    void scoresAreBaselinedPenalisedClippedAndScaledInOrder() {
        ScoreShaping s = new ScoreShaping(ScoreShaping.Scale.REF, 3.0, 1.0, null, null);
        // raw − baseline = (4, −1, 0.5); row 1 did not end: −1 − 1 = −2; clip to ±3: (3, −2, 0.5)
        // ref std of the first batch = std(3, −2, 0.5) (unbiased) = 2.5; scaled = (1.2, −0.8, 0.2)
        ScoreShaping.Scores out = s.apply(new double[] {5, 0, 1}, new double[] {1, 1, 0.5}, new boolean[] {true, false, true});
        assertArrayEquals(new double[] {4, -2, 0.5}, out.penalized(), 1e-12);
        assertEquals(2.5, s.refStd(), 1e-12);
        assertArrayEquals(new double[] {1.2, -0.8, 0.2}, out.shaped(), 1e-12);
        // The reference std stays; later batches are divided by it.
        assertArrayEquals(new double[] {0.4}, s.apply(new double[] {1}, null, new boolean[] {true}).shaped(), 1e-12);
        assertThrows(IllegalStateException.class, () -> s.apply(new double[] {Double.NaN}, null, new boolean[] {true}));
    }
}
