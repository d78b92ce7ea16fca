package trl4j.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

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

    /** Resident mebibytes, or NaN where unknown. */
    public static double mebibytes() {
        long b = bytes();
        return b < 0 ? Double.NaN : b / (1024.0 * 1024.0);
    }
}
