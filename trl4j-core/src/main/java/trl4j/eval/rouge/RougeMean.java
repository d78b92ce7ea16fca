package trl4j.eval.rouge;

import java.util.EnumMap;
import java.util.Map;

/**
 * The plain mean of per-example precision, recall and F1, summed in order then divided by the count.
 *
 * <p>Hugging Face {@code evaluate} reports the median of an unseeded bootstrap of this mean, which
 * differs in the last digits from run to run; the mean itself is exact and reproducible.
 */
public final class RougeMean {

    private final Map<RougeType, double[]> sums = new EnumMap<>(RougeType.class);
    private int count;

    public void add(Map<RougeType, Score> scores) {
        scores.forEach((type, s) -> {
            double[] sum = sums.computeIfAbsent(type, t -> new double[3]);
            sum[0] += s.precision();
            sum[1] += s.recall();
            sum[2] += s.fmeasure();
        });
        count++;
    }

    public int count() {
        return count;
    }

    /** Mean per type; empty when nothing was added. */
    public Map<RougeType, Score> mean() {
        Map<RougeType, Score> out = new EnumMap<>(RougeType.class);
        if (count == 0) {
            return out;
        }
        sums.forEach((type, s) -> out.put(type, new Score(s[0] / count, s[1] / count, s[2] / count)));
        return out;
    }
}
