package trl4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ResidentMemoryTest {

    @Test
    void measuresTheResidentSetAfterHandingBackWhatTheCHeapCached() {
        // A 256 MiB tensor, written and freed: with the test JVM's malloc settings (as the launcher's) glibc
        // keeps those pages; measure() hands them back, so the resident set it reports is below the peak.
        double peak;
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray big = manager.ones(new Shape(64, 1024, 1024));
            assertEquals(64 * 1024 * 1024, big.sum().getFloat(), 0f);
            peak = ResidentMemory.mebibytes();
        }
        Map<String, Double> m = ResidentMemory.measureNow();
        assertEquals(java.util.List.of("memory/rss_mb", "memory/released_mb", "memory/java_heap_mb"), java.util.List.copyOf(m.keySet()));
        assertTrue(m.get("memory/rss_mb") > 0, m.toString());
        assertTrue(m.get("memory/released_mb") >= 0, m.toString());
        assertTrue(m.get("memory/java_heap_mb") > 0, m.toString());
        assertTrue(m.get("memory/rss_mb") < peak - 128, "peak " + peak + " MiB, after measure() " + m);
    }
}
