package trl4j.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Our safetensors reader/writer: dtypes, layout, validation errors naming file and tensor, atomic writes. */
class SafeTensorsTest {

    /** Writes a file with a hand-made header (no validation) and the given data bytes. */
    static Path rawFile(Path dir, String header, int dataBytes) throws IOException {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h);
        Path p = dir.resolve("t.safetensors");
        Files.write(p, b.array());
        return p;
    }

    @Test
    void roundTripsEveryDtype(@TempDir Path tmp) {
        float[] values = {1.5f, -2.25f, 0.1f, 65504f, 1e-6f, -0.0f};
        Path p = tmp.resolve("x.safetensors");
        SafeTensorsWriter.write(p, List.of(
                SafeTensorsWriter.floats("f32", new long[] {2, 3}, values, DType.F32),
                SafeTensorsWriter.floats("f16", new long[] {6}, values, DType.F16),
                SafeTensorsWriter.floats("bf16", new long[] {6}, values, DType.BF16),
                SafeTensorsWriter.longs("i64", new long[] {3}, new long[] {1L << 40, -5, 0})), Map.of("format", "pt"));
        try (SafeTensorsFile f = SafeTensorsFile.open(p)) {
            assertArrayEquals(values, f.readFloats("f32"));
            // F16: 0.1 rounds to the nearest half (0.0999755859375); 1e-6 is a subnormal half.
            float[] half = f.readFloats("f16");
            assertEquals(0.0999755859375f, half[2]);
            assertEquals(65504f, half[3]);
            assertEquals(1.0132789611816406e-06f, half[4]);
            float[] bf = f.readFloats("bf16");
            assertEquals(1.5f, bf[0]);
            assertEquals(0.10009765625f, bf[2]); // round-to-nearest-even of 0.1 in bfloat16
            assertEquals(65536f, bf[3]);
            assertArrayEquals(new long[] {1L << 40, -5, 0}, f.readLongs("i64"));
            assertEquals("pt", f.metadata().get("format"));
            // Larger elements first, then by name: what the Rust library (and save_pretrained) writes.
            assertEquals(List.of("i64", "f32", "bf16", "f16"), List.copyOf(f.names()));
        }
    }

    @Test
    void headerIsPaddedToEightBytes(@TempDir Path tmp) throws IOException {
        Path p = tmp.resolve("x.safetensors");
        SafeTensorsWriter.write(p, List.of(SafeTensorsWriter.floats("a", new long[] {1}, new float[] {1}, DType.F32)), Map.of());
        long headerLen = ByteBuffer.wrap(Files.readAllBytes(p), 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0, headerLen % 8);
    }

    @Test
    void unknownDtypeNamesFileAndTensor(@TempDir Path tmp) throws IOException {
        Path p = rawFile(tmp, "{\"w\":{\"dtype\":\"F8_E4M3\",\"shape\":[2],\"data_offsets\":[0,2]}}", 2);
        var e = assertThrows(CheckpointException.class, () -> SafeTensorsFile.open(p));
        assertTrue(e.getMessage().contains("t.safetensors") && e.getMessage().contains("'w'") && e.getMessage().contains("F8_E4M3"), e.getMessage());
    }

    @Test
    void overlappingOffsetsAreRejected(@TempDir Path tmp) throws IOException {
        Path p = rawFile(tmp, "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 12);
        var e = assertThrows(CheckpointException.class, () -> SafeTensorsFile.open(p));
        assertTrue(e.getMessage().contains("overlap") && e.getMessage().contains("'a'") && e.getMessage().contains("'b'"), e.getMessage());
    }

    @Test
    void outOfRangeOffsetsAreATruncatedFile(@TempDir Path tmp) throws IOException {
        Path p = rawFile(tmp, "{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", 8);
        var e = assertThrows(CheckpointException.class, () -> SafeTensorsFile.open(p));
        assertTrue(e.getMessage().contains("'a'") && e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void shapeThatDoesNotMatchTheByteLength(@TempDir Path tmp) throws IOException {
        Path p = rawFile(tmp, "{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", 8);
        var e = assertThrows(CheckpointException.class, () -> SafeTensorsFile.open(p));
        assertTrue(e.getMessage().contains("'a'") && e.getMessage().contains("[3]") && e.getMessage().contains("12 bytes"), e.getMessage());
    }

    @Test
    void truncatedHeader(@TempDir Path tmp) throws IOException {
        Path p = tmp.resolve("t.safetensors");
        ByteBuffer b = ByteBuffer.allocate(20).order(ByteOrder.LITTLE_ENDIAN).putLong(1000);
        Files.write(p, b.array());
        var e = assertThrows(CheckpointException.class, () -> SafeTensorsFile.open(p));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
        Files.write(p, new byte[3]);
        assertThrows(CheckpointException.class, () -> SafeTensorsFile.open(p));
    }

    @Test
    void sixtyFourBitOffsets(@TempDir Path tmp) throws IOException {
        // A sparse 5 GB file: the tensor lies beyond 4 GB, where 32-bit offsets would wrap.
        long offset = 5L << 30;
        String header = "{\"far\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[" + offset + "," + (offset + 8) + "]}}";
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        Path p = tmp.resolve("big.safetensors");
        try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length);
            f.write(len.array());
            f.write(h);
            f.seek(8 + h.length + offset);
            ByteBuffer data = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putFloat(3.5f).putFloat(-1f);
            f.write(data.array());
        }
        try (SafeTensorsFile st = SafeTensorsFile.open(p)) {
            assertArrayEquals(new float[] {3.5f, -1f}, st.readFloats("far"));
        }
    }

    @Test
    void failedWriteLeavesTheOldFileAndNoTemporaries(@TempDir Path tmp) throws IOException {
        Path p = tmp.resolve("f.txt");
        AtomicFiles.writeString(p, "old");
        assertThrows(IllegalStateException.class, () -> AtomicFiles.write(p, out -> {
            out.write("partial".getBytes(StandardCharsets.UTF_8));
            throw new IllegalStateException("crash in the middle");
        }));
        assertEquals("old", Files.readString(p));
        try (var files = Files.list(tmp)) {
            assertEquals(List.of(p), files.toList());
        }
    }
}
