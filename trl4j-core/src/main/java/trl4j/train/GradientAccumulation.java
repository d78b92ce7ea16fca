package trl4j.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import java.util.ArrayList;
import java.util.List;
import trl4j.tensor.Scalars;
import trl4j.tensor.TokenLoss;

/**
 * Loss scaling for gradient accumulation, so that the gradients summed over micro-batches are those
 * of one big batch:
 *
 * <ul>
 *   <li>a loss that is a mean over rows: weight each micro-batch's mean by rows / total rows
 *       ({@link #rowWeight}); with equal micro-batches that is 1 / accumulation steps;
 *   <li>a loss that is a mean over tokens (language modelling): divide each micro-batch's token
 *       loss <em>sum</em> by the token count of the whole accumulated batch ({@link #tokenMean}). A
 *       mean of per-micro-batch means would weight the tokens of short micro-batches more (the bug
 *       Hugging Face fixed in transformers 4.46).
 * </ul>
 */
public final class GradientAccumulation {

    private GradientAccumulation() {}

    /** Row ranges {@code [from, to)} of micro-batches of at most {@code microBatchSize} rows. */
    public static List<int[]> microBatches(int rows, int microBatchSize) {
        if (rows < 1 || microBatchSize < 1) {
            throw new IllegalArgumentException("micro-batches need rows >= 1 and a size >= 1, got " + rows + " and " + microBatchSize);
        }
        List<int[]> out = new ArrayList<>();
        for (int from = 0; from < rows; from += microBatchSize) {
            out.add(new int[] {from, Math.min(rows, from + microBatchSize)});
        }
        return out;
    }

    /** Weight of a micro-batch's row-mean loss within the accumulated batch. */
    public static double rowWeight(long microBatchRows, long totalRows) {
        if (microBatchRows < 0 || totalRows < 1 || microBatchRows > totalRows) {
            throw new IllegalArgumentException("row weight needs 0 <= micro-batch rows <= total rows, got "
                    + microBatchRows + " of " + totalRows);
        }
        return (double) microBatchRows / totalRows;
    }

    /** Labels that count in a token loss (not {@link TokenLoss#IGNORE_INDEX}), over (already shifted) label arrays. */
    public static long countTargets(List<NDArray> labels) {
        long n = 0;
        for (NDArray l : labels) {
            try (NDArray valid = l.neq(TokenLoss.IGNORE_INDEX); NDArray count = valid.toType(DataType.INT64, false).sum()) {
                n += count.getLong();
            }
        }
        return n;
    }

    /**
     * A micro-batch's share of the accumulated token-mean loss: its token-loss sum (from
     * {@link TokenLoss#sumAndCount}) divided by the accumulated batch's total count.
     */
    public static NDArray tokenMean(NDArray tokenLossSum, long totalTargets) {
        // Scalars.of, not div(float): autograd keeps the divisor for backward (see Scalars).
        return tokenLossSum.div(Scalars.of(tokenLossSum, (float) Math.max(1, totalTargets)));
    }
}
