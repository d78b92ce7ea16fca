package trl4j.data.debian;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeterministicGzipTest {

    @TempDir
    Path dir;

    @Test
    void standardGzipWithFixedHeaderAndSameBytesEveryTime() throws IOException {
        byte[] content = "{\"id\": \"0ad\"}\n".repeat(1000).getBytes(StandardCharsets.UTF_8);
        Path a = dir.resolve("a.gz");
        Path b = dir.resolve("b.gz");
        DeterministicGzip.write(a, content);
        DeterministicGzip.write(b, content);
        assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b));
        byte[] bytes = Files.readAllBytes(a);
        assertArrayEquals(new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 255}, Arrays.copyOf(bytes, 10));
        try (GZIPInputStream in = new GZIPInputStream(Files.newInputStream(a))) {
            assertArrayEquals(content, in.readAllBytes()); // CRC and length trailer checked by the JDK
        }
    }
}
