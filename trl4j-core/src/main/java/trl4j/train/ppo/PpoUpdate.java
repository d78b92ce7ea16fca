package trl4j.train.ppo;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.training.GradientCollector;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import trl4j.tensor.GradMode;
import trl4j.tensor.Masked;
import trl4j.tensor.Scalars;
import trl4j.train.Seeds;
import trl4j.train.Updater;

/**
 * The optimisation half of a PPO iteration: {@code ppo_epochs} passes over the rollout batch, each a
 * fresh seeded shuffle cut into minibatches; every minibatch is one optimizer step whose loss
 * pg_loss + vf_coef·vf_loss (token means over the minibatch) is accumulated over micro-batches
 * (TRL's and trlX's loop). Statistics are averaged over the optimizer steps, under TRL's keys.
 */
final class PpoUpdate {

    /** Averages over the optimizer steps of one iteration. */
    record Stats(double policyLoss, double valueLoss, double loss, double clipfrac, double approxKl, double valueClipfrac,
            double entropy, double ratio, double ratioVar, double gradNorm, double learningRate, int skipped) {}

    private final Forward forward;
    private final Updater updater;
    private final PpoPlan plan;
    private final PpoMethod method;
    private final long seed;

    PpoUpdate(Forward forward, Updater updater, PpoPlan plan, PpoMethod method, long seed) {
        this.forward = forward;
        this.updater = updater;
        this.plan = plan;
        this.method = method;
        this.seed = seed;
    }

    /**
     * @param iteration the 1-based PPO iteration (fixes the minibatch order and the optimizer step numbers)
     * @param advantages (B, R) (whitened) advantages
     * @param returns (B, R) GAE returns
     */
    Stats run(long iteration, Rollout r, NDArray advantages, NDArray returns) {
        double[] sums = new double[9];
        double[] ratios = new double[plan.ppoEpochs() * plan.miniBatches()];
        int skipped = 0;
        int updates = 0;
        long optimizerStep = (iteration - 1) * plan.optimizerStepsPerIteration();
        List<NDArray> perToken = List.of(r.responses(), r.mask(), r.logprobs(), r.values(), advantages, returns);
        for (int epoch = 0; epoch < plan.ppoEpochs(); epoch++) {
            int[] order = shuffle(r.size(), Seeds.random(seed, "ppo-minibatches", (iteration - 1) * plan.ppoEpochs() + epoch));
            for (int mb = 0; mb < plan.miniBatches(); mb++) {
                int[] rows = Arrays.copyOfRange(order, mb * plan.miniBatchSize(), (mb + 1) * plan.miniBatchSize());
                double tokens = tokens(r.mask(), rows);
                double[] step = new double[8];
                for (int from = 0; from < rows.length; from += plan.microBatchSize()) {
                    int[] micro = Arrays.copyOfRange(rows, from, from + plan.microBatchSize());
                    microStep(r, micro, perToken, tokens, step);
                }
                Updater.Result u = updater.apply(++optimizerStep, step[2]);
                skipped += u.applied() ? 0 : 1;
                for (int i = 0; i < step.length; i++) {
                    sums[i] += step[i];
                }
                sums[8] += u.gradNorm();
                ratios[updates++] = step[7];
            }
        }
        double n = updates;
        double meanRatio = sums[7] / n;
        double ratioVar = Arrays.stream(ratios).map(x -> (x - meanRatio) * (x - meanRatio)).sum() / Math.max(1, n - 1);
        return new Stats(sums[0] / n, sums[1] / n, sums[2] / n, sums[3] / n, sums[4] / n, sums[5] / n, sums[6] / n, meanRatio,
                ratioVar, sums[8] / n, updater.schedule().learningRate(optimizerStep - 1), skipped);
    }

    /** Forward + backward of one micro-batch; adds its share of the minibatch statistics to {@code step}. */
    private void microStep(Rollout r, int[] rows, List<NDArray> perToken, double tokens, double[] step) {
        try (NDScope scope = new NDScope(); GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray[] b = Rollout.select(rows, !forward.seq2seq(), r.queries(), r.queryMask(), r.mask(), perToken);
            NDArray queries = b[0];
            NDArray queryMask = b[1];
            NDArray responses = b[2];
            NDArray mask = b[3];
            Forward.Policy p = forward.policy(queries, queryMask, responses, mask);
            NDArray values = forward.values(queries, queryMask, responses, mask, p);
            PpoLoss.Policy pg = PpoLoss.policy(p.logprobs(), b[4], b[6], mask, method.cliprange(), tokens);
            PpoLoss.Value vf = PpoLoss.value(values, b[5], b[7], mask, method.cliprangeValue(), tokens);
            NDArray loss = pg.loss().add(vf.loss().mul(Scalars.of(vf.loss(), (float) method.vfCoef())));
            gc.backward(loss);
            try (GradMode noGrad = GradMode.disabled()) {
                step[0] += pg.loss().getFloat();
                step[1] += vf.loss().getFloat();
                step[2] += loss.getFloat();
                step[3] += pg.clipfrac();
                step[4] += pg.approxKl();
                step[5] += vf.clipfrac();
                step[6] += Masked.sum(p.entropy(), mask).getFloat() / tokens;
                step[7] += pg.ratio();
            }
        }
    }

    private static double tokens(NDArray mask, int[] rows) {
        try (NDScope scope = new NDScope()) {
            return mask.get(mask.getManager().create(rows)).sum().getFloat();
        }
    }

    /** Fisher–Yates order of {@code n} rows. */
    static int[] shuffle(int n, Random random) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }
}
