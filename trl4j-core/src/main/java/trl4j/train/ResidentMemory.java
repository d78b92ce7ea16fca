package trl4j.train;

import com.sun.jna.Function;
import com.sun.jna.NativeLibrary;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The process's resident set size (native and Java memory together), from {@code /proc/self/status}:
 * what a leak of native tensors makes grow while the Java heap looks flat. Logged by trainers as
 * {@code memory/rss_mb} so a long run shows whether memory stays flat.
 */
public final class ResidentMemory {

    private static final Path STATUS = Path.of("/proc/self/status");

    private ResidentMemory() {}

    /** Resident bytes, or -1 where /proc is not available (not Linux). */
    public static long bytes() {
        try {
            for (String line : Files.readAllLines(STATUS)) {
                if (line.startsWith("VmRSS:")) {
                    String[] parts = line.substring(6).trim().split("\\s+");
                    return Long.parseLong(parts[0]) * 1024L; // reported in kB
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    /**
     * Hands memory that the C heap holds but no tensor uses back to the operating system (glibc's
     * {@code malloc_trim}). The launcher tells glibc to keep freed memory (so that training steps do not
     * page-fault their activations in again), which leaves the resident set at the largest peak seen so far:
     * an evaluation's generation batch, say. Trainers call this after such a peak so that the resident set
     * shows the training working set again, and a leak stays visible. Returns whether anything was
     * released; a no-op where glibc is not the C library.
     */
    public static boolean releaseFreedNativeMemory() {
        Function trim = MallocTrim.FUNCTION;
        if (trim == null) {
            return false;
        }
        try {
            return trim.invokeInt(new Object[] {0}) == 1;
        } catch (RuntimeException | UnsatisfiedLinkError e) {
            return false;
        }
    }

    /** glibc's {@code int malloc_trim(size_t pad)}, looked up once; null on other C libraries. */
    private static final class MallocTrim {
        static final Function FUNCTION = lookUp();

        private static Function lookUp() {
            try {
                return NativeLibrary.getInstance("c").getFunction("malloc_trim");
            } catch (RuntimeException | UnsatisfiedLinkError e) {
                return null;
            }
        }
    }

    /**
     * Seconds between two releases by {@link #measure} (system property {@code trl4j.memory.releaseSeconds},
     * default 60): the step after a release page-faults its activations in again, so releasing at every
     * logging step slows short steps down noticeably.
     */
    private static final long RELEASE_INTERVAL_NANOS = Long.getLong("trl4j.memory.releaseSeconds", 60L) * 1_000_000_000L;
    private static long lastRelease = System.nanoTime() - RELEASE_INTERVAL_NANOS; // the first call releases

    /**
     * The metrics a trainer logs about memory, at most once per release interval (an empty map in between):
     * {@code memory/rss_mb}, the resident set once the C heap's cache of freed blocks is handed back
     * ({@link #releaseFreedNativeMemory}), so that it follows live memory (what a leak makes grow) rather than
     * the largest step so far; {@code memory/released_mb}, how much that cache held; and
     * {@code memory/java_heap_mb}, the committed Java heap.
     */
    public static synchronized Map<String, Double> measure() {
        long now = System.nanoTime();
        if (now - lastRelease < RELEASE_INTERVAL_NANOS) {
            return Map.of();
        }
        lastRelease = now;
        return measureNow();
    }

    /** {@link #measure} without the interval: release, then measure. */
    static Map<String, Double> measureNow() {
        double cached = mebibytes();
        releaseFreedNativeMemory();
        double resident = mebibytes();
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("memory/rss_mb", resident);
        m.put("memory/released_mb", Math.max(0, cached - resident));
        // The Java heap is part of the resident set and grows as the collector sees fit: log it apart.
        m.put("memory/java_heap_mb", Runtime.getRuntime().totalMemory() / (1024.0 * 1024.0));
        return m;
    }

    /** Resident mebibytes, or NaN where unknown. */
    public static double mebibytes() {
        long b = bytes();
        return b < 0 ? Double.NaN : b / (1024.0 * 1024.0);
    }
}
