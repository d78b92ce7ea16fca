package trl4j.data;

import com.github.luben.zstd.ZstdInputStream;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import org.tukaani.xz.XZInputStream;

/**
 * The compressions a data file may carry. Recognised by the file's first bytes (so a misnamed file
 * still opens), and by its suffix when the container format is derived from the name.
 */
public enum Compression {
    NONE(""),
    GZIP(".gz"),
    XZ(".xz"),
    ZSTD(".zst");

    private static final int BUFFER = 1 << 16;

    private final String suffix;

    Compression(String suffix) {
        this.suffix = suffix;
    }

    public String suffix() {
        return suffix;
    }

    /** The compression named by a file's suffix ({@code .gz}, {@code .xz}, {@code .zst}/{@code .zstd}). */
    public static Compression ofName(String fileName) {
        String name = fileName.toLowerCase(Locale.ROOT);
        if (name.endsWith(".gz") || name.endsWith(".gzip")) {
            return GZIP;
        }
        if (name.endsWith(".xz")) {
            return XZ;
        }
        if (name.endsWith(".zst") || name.endsWith(".zstd")) {
            return ZSTD;
        }
        return NONE;
    }

    /** The file name without its compression suffix ({@code a.jsonl.gz → a.jsonl}). */
    public static String stripSuffix(String fileName) {
        Compression c = ofName(fileName);
        if (c == NONE) {
            return fileName;
        }
        String lower = fileName.toLowerCase(Locale.ROOT);
        int cut = lower.endsWith(".zstd") || lower.endsWith(".gzip") ? 5 : lower.endsWith(".zst") ? 4 : 3;
        return fileName.substring(0, fileName.length() - cut);
    }

    /** Recognises gzip, xz and zstd by their magic numbers. */
    static Compression ofMagic(byte[] head, int n) {
        if (n >= 2 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b) {
            return GZIP;
        }
        if (n >= 6 && (head[0] & 0xff) == 0xfd && head[1] == '7' && head[2] == 'z' && head[3] == 'X' && head[4] == 'Z'
                && head[5] == 0) {
            return XZ;
        }
        if (n >= 4 && (head[0] & 0xff) == 0x28 && (head[1] & 0xff) == 0xb5 && (head[2] & 0xff) == 0x2f
                && (head[3] & 0xff) == 0xfd) {
            return ZSTD;
        }
        return NONE;
    }

    /** Opens a file for streaming reading, decompressing as its first bytes say. */
    public static InputStream open(Path file) throws IOException {
        BufferedInputStream raw = new BufferedInputStream(Files.newInputStream(file), BUFFER);
        try {
            raw.mark(8);
            byte[] head = new byte[6];
            int n = raw.readNBytes(head, 0, head.length);
            raw.reset();
            return switch (ofMagic(head, n)) {
                case NONE -> raw;
                case GZIP -> new BufferedInputStream(new GZIPInputStream(raw, BUFFER), BUFFER);
                case XZ -> new BufferedInputStream(new XZInputStream(raw), BUFFER);
                case ZSTD -> new BufferedInputStream(new ZstdInputStream(raw), BUFFER);
            };
        } catch (IOException | RuntimeException e) {
            raw.close();
            throw e;
        }
    }
}
