package trl4j.train;

import java.util.ArrayList;
import java.util.List;

/**
 * Which rows of a training set each optimizer step uses: every epoch is a fresh shuffle
 * ({@link Seeds#permutation} of the run seed and the epoch), cut into optimizer steps of
 * {@code microBatchSize × accumulation} rows, each cut into micro-batches. It is a pure function of
 * the step, so a resumed run trains on exactly the batches the uninterrupted run would have.
 *
 * <p>Rows that do not fill a whole step at the end of an epoch are left out of that epoch (a
 * different few each epoch), so every step has the same effective batch size.
 *
 * @param rows training rows
 * @param microBatchSize rows per forward/backward pass
 * @param accumulation micro-batches per optimizer step
 * @param seed the run seed
 */
public record BatchPlan(int rows, int microBatchSize, int accumulation, long seed) {

    public BatchPlan {
        if (microBatchSize < 1 || accumulation < 1 || rows < microBatchSize * accumulation) {
            throw new IllegalArgumentException("a training set of " + rows + " rows cannot fill one optimizer step of "
                    + microBatchSize + " × " + accumulation + " rows; lower per_device_train_batch_size or "
                    + "gradient_accumulation_steps, or add data");
        }
    }

    /** Optimizer steps per epoch. */
    public int stepsPerEpoch() {
        return rows / (microBatchSize * accumulation);
    }

    /** The epoch (0-based) that optimizer step {@code step} (1-based) belongs to. */
    public long epochOf(long step) {
        return (step - 1) / stepsPerEpoch();
    }

    /** Epochs completed after step {@code step}, fractional (HF's {@code epoch} in logs). */
    public double epochProgress(long step) {
        return (double) step / stepsPerEpoch();
    }

    /** Micro-batches of the data position after {@code step} steps (for {@link TrainerState#batchesInEpoch}). */
    public long batchesInEpochAfter(long step) {
        return (step % stepsPerEpoch()) * accumulation;
    }

    /** The rows of each micro-batch of optimizer step {@code step} (1-based). */
    public List<int[]> microBatches(long step) {
        if (step < 1) {
            throw new IllegalArgumentException("steps count from 1, got " + step);
        }
        int[] order = Seeds.permutation(rows, seed, epochOf(step));
        int first = (int) ((step - 1) % stepsPerEpoch()) * microBatchSize * accumulation;
        List<int[]> out = new ArrayList<>(accumulation);
        for (int m = 0; m < accumulation; m++) {
            int[] micro = new int[microBatchSize];
            System.arraycopy(order, first + m * microBatchSize, micro, 0, microBatchSize);
            out.add(micro);
        }
        return out;
    }
}
