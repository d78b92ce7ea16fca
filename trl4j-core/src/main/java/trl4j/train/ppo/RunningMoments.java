package trl4j.train.ppo;

/**
 * Running mean and standard deviation of the scores of all rollouts so far, merged batch by batch with
 * Chan et al.'s parallel update, as trlX's {@code RunningMoments} (used by {@code scale_reward: running}):
 * the starting state is mean 0, variance 1, count 1e-24, and the std is the unbiased one.
 */
public final class RunningMoments {

    private double mean = 0;
    private double var = 1;
    private double std = 1;
    private double count = 1e-24;

    /** A batch's own mean and (unbiased) std, returned by {@link #update}. */
    public record Batch(double mean, double std) {}

    /** Merges a batch of values; returns the batch's own mean and unbiased std. */
    public Batch update(double[] xs) {
        if (xs.length == 0) {
            throw new IllegalArgumentException("no values to update the running moments with");
        }
        double n = xs.length;
        double batchMean = 0;
        for (double x : xs) {
            batchMean += x;
        }
        batchMean /= n;
        double batchVar = 0; // biased, as torch.var_mean(unbiased=False)
        for (double x : xs) {
            batchVar += (x - batchMean) * (x - batchMean);
        }
        batchVar /= n;
        double delta = batchMean - mean;
        double total = count + n;
        double newSum = batchVar * n;
        double oldSum = var * count + delta * delta * count * n / total;
        mean += delta * n / total;
        var = (oldSum + newSum) / total;
        std = Math.sqrt(var * total / (total - 1));
        count = total;
        return new Batch(batchMean, n > 1 ? Math.sqrt(batchVar * n / (n - 1)) : 0);
    }

    public double mean() {
        return mean;
    }

    public double std() {
        return std;
    }

    public double variance() {
        return var;
    }

    public double count() {
        return count;
    }

    /** Restores the state of a resumed run. */
    public void restore(double mean, double var, double std, double count) {
        this.mean = mean;
        this.var = var;
        this.std = std;
        this.count = count;
    }
}
