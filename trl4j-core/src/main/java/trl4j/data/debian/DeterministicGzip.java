package trl4j.data.debian;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Writes a gzip file whose bytes depend only on its content: the header is fixed by us (no time stamp,
 * no file name, OS byte 255 "unknown") rather than by the JDK, and the body is raw deflate at zlib's
 * default level 6 (level 9 saves 0.3% here for 30% more time), so rebuilding the dataset reproduces
 * the committed files byte for byte.
 */
public final class DeterministicGzip {

    private static final byte[] HEADER = {
        0x1f, (byte) 0x8b, // magic
        8,                 // deflate
        0,                 // flags: no name, no comment, no extra field
        0, 0, 0, 0,        // mtime 0: "no time stamp available"
        0,                 // extra flags: neither fastest nor maximum compression
        (byte) 255         // OS: unknown
    };

    private static final int LEVEL = 6;

    private DeterministicGzip() {}

    public static void write(Path file, byte[] content) throws IOException {
        Deflater deflater = new Deflater(LEVEL, true);
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(HEADER);
            deflater.setInput(content);
            deflater.finish();
            byte[] buffer = new byte[1 << 16];
            while (!deflater.finished()) {
                int n = deflater.deflate(buffer);
                out.write(buffer, 0, n);
            }
            CRC32 crc = new CRC32();
            crc.update(content);
            writeLittleEndianInt(out, (int) crc.getValue());
            writeLittleEndianInt(out, content.length); // ISIZE: length modulo 2^32
        } finally {
            deflater.end();
        }
    }

    private static void writeLittleEndianInt(OutputStream out, int v) throws IOException {
        out.write(v & 0xff);
        out.write((v >>> 8) & 0xff);
        out.write((v >>> 16) & 0xff);
        out.write((v >>> 24) & 0xff);
    }
}
