package trl4j.data;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A length distribution (in words or tokens): mean, nearest-rank percentiles and counts per bucket
 * (the upper bounds given are inclusive; the last bucket is open; no bounds, no buckets).
 */
public record LengthStats(int count, double mean, int min, int p10, int p25, int p50, int p75, int p90, int p95,
        int p99, int max, Map<String, Integer> buckets) {

    public LengthStats {
        buckets = Collections.unmodifiableMap(new LinkedHashMap<>(buckets));
    }

    public static LengthStats of(int[] lengths, int... upperBounds) {
        int[] sorted = lengths.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        long sum = 0;
        for (int v : sorted) {
            sum += v;
        }
        Map<String, Integer> buckets = new LinkedHashMap<>();
        if (upperBounds.length == 0) {
            return stats(sorted, sum, buckets);
        }
        int lower = n == 0 ? 0 : Math.min(sorted[0], upperBounds[0]);
        for (int i = 0; i <= upperBounds.length; i++) {
            int lo = i == 0 ? lower : upperBounds[i - 1] + 1;
            boolean last = i == upperBounds.length;
            int hi = last ? Integer.MAX_VALUE : upperBounds[i];
            int c = 0;
            for (int v : sorted) {
                if (v >= lo && v <= hi) {
                    c++;
                }
            }
            buckets.put(last ? lo + "+" : lo + "–" + hi, c);
        }
        return stats(sorted, sum, buckets);
    }

    private static LengthStats stats(int[] sorted, long sum, Map<String, Integer> buckets) {
        int n = sorted.length;
        return new LengthStats(n, n == 0 ? 0 : (double) sum / n, n == 0 ? 0 : sorted[0], rank(sorted, 10),
                rank(sorted, 25), rank(sorted, 50), rank(sorted, 75), rank(sorted, 90), rank(sorted, 95), rank(sorted, 99),
                n == 0 ? 0 : sorted[n - 1], buckets);
    }

    /** Nearest-rank percentile: the smallest value with at least p% of the data at or below it. */
    public static int rank(int[] sorted, int p) {
        if (sorted.length == 0) {
            return 0;
        }
        long r = ((long) p * sorted.length + 99) / 100; // ceil(p% of n) in integers: no rounding surprises
        return sorted[(int) Math.max(0, r - 1)];
    }
}
