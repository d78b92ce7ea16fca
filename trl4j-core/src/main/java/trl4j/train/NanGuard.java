package trl4j.train;

/**
 * Skips optimizer steps whose loss or gradient norm is NaN or infinite, and aborts when that happens
 * {@code maxConsecutive} steps in a row: one bad batch should not destroy a run, a diverged run
 * should stop with a message rather than train on garbage.
 */
public final class NanGuard {

    private final int maxConsecutive;
    private long skipped;
    private int consecutive;

    public NanGuard(int maxConsecutive) {
        if (maxConsecutive < 1) {
            throw new IllegalArgumentException("max_consecutive_nan_steps must be >= 1, got " + maxConsecutive);
        }
        this.maxConsecutive = maxConsecutive;
    }

    /**
     * Whether step {@code step} may update the weights. A non-finite loss or norm is counted and
     * returns false (the caller zeros the gradients and moves on).
     *
     * @throws IllegalStateException after {@code maxConsecutive} non-finite steps in a row
     */
    public boolean admit(long step, double loss, double gradNorm) {
        if (Double.isFinite(loss) && Double.isFinite(gradNorm)) {
            consecutive = 0;
            return true;
        }
        skipped++;
        consecutive++;
        if (consecutive >= maxConsecutive) {
            throw new IllegalStateException("training diverged: " + consecutive + " steps in a row (the last at step "
                    + step + ") had a non-finite loss (" + loss + ") or gradient norm (" + gradNorm
                    + "); lower learning_rate, set max_grad_norm, or check the data");
        }
        return false;
    }

    /** Steps skipped so far in the run. */
    public long skipped() {
        return skipped;
    }

    /** Non-finite steps since the last good one. */
    public int consecutive() {
        return consecutive;
    }

    /** Restores the counters of a resumed run. */
    public void restore(long skippedSteps, int consecutiveSkips) {
        this.skipped = skippedSteps;
        this.consecutive = consecutiveSkips;
    }
}
