package trl4j.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;

class LengthStatsTest {

    @Test
    void nearestRankPercentilesAndBuckets() {
        int[] lengths = {9, 1, 8, 2, 7, 3, 6, 4, 5, 10}; // 1..10
        LengthStats s = LengthStats.of(lengths, 3, 6);
        assertEquals(10, s.count());
        assertEquals(5.5, s.mean());
        assertEquals(1, s.min());
        assertEquals(1, s.p10());  // ceil(0.10 × 10) = 1st value
        assertEquals(3, s.p25());  // ceil(2.5) = 3rd
        assertEquals(5, s.p50());
        assertEquals(8, s.p75());  // ceil(7.5) = 8th
        assertEquals(9, s.p90());
        assertEquals(10, s.p95()); // ceil(9.5) = 10th
        assertEquals(10, s.max());
        assertEquals(Map.of("1–3", 3, "4–6", 3, "7+", 4), s.buckets());
        assertEquals(0, LengthStats.of(new int[0]).p50());
    }
}
