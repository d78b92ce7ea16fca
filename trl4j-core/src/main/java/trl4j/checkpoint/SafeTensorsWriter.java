package trl4j.checkpoint;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes {@code .safetensors} files the way the Rust {@code safetensors} library (and so
 * {@code save_pretrained}) lays them out: {@code __metadata__} first, tensors ordered by decreasing
 * element size then by name, compact JSON header padded with spaces to a multiple of 8. Writes are
 * atomic ({@link AtomicFiles}).
 */
public final class SafeTensorsWriter {

    private static final ObjectMapper JSON = new ObjectMapper();

    private SafeTensorsWriter() {}

    /** One tensor to write: its bytes are already encoded little-endian in {@code dtype}. */
    public record Entry(String name, DType dtype, long[] shape, ByteBuffer data) {
        public Entry {
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            if (n * dtype.bytes() != data.remaining()) {
                throw new IllegalArgumentException("tensor '" + name + "': " + data.remaining()
                        + " bytes do not match shape " + java.util.Arrays.toString(shape) + " of " + dtype);
            }
        }
    }

    /** Encodes float values as F32, F16 or BF16. */
    public static Entry floats(String name, long[] shape, float[] values, DType as) {
        ByteBuffer buf = ByteBuffer.allocate(values.length * as.bytes()).order(ByteOrder.LITTLE_ENDIAN);
        switch (as) {
            case F32 -> {
                for (float v : values) {
                    buf.putFloat(v);
                }
            }
            case F16 -> {
                for (float v : values) {
                    buf.putShort(DType.floatToHalf(v));
                }
            }
            case BF16 -> {
                for (float v : values) {
                    buf.putShort(DType.floatToBf16(v));
                }
            }
            default -> throw new IllegalArgumentException("tensor '" + name + "': cannot write floats as " + as);
        }
        return new Entry(name, as, shape, buf.flip());
    }

    /** Encodes int64 values. */
    public static Entry longs(String name, long[] shape, long[] values) {
        ByteBuffer buf = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) {
            buf.putLong(v);
        }
        return new Entry(name, DType.I64, shape, buf.flip());
    }

    /** Encodes an NDArray (float32 → {@code as}; int64 → I64). */
    public static Entry array(String name, NDArray array, DType as) {
        long[] shape = array.getShape().getShape();
        if (array.getDataType() == DataType.INT64) {
            return longs(name, shape, array.toLongArray());
        }
        if (array.getDataType() != DataType.FLOAT32) {
            throw new IllegalArgumentException("tensor '" + name + "': cannot write " + array.getDataType());
        }
        if (as == DType.F32) {
            ByteBuffer src = array.toByteBuffer().order(ByteOrder.nativeOrder());
            ByteBuffer buf = ByteBuffer.allocate(src.remaining()).order(ByteOrder.LITTLE_ENDIAN);
            buf.asFloatBuffer().put(src.asFloatBuffer());
            return new Entry(name, DType.F32, shape, buf);
        }
        return floats(name, shape, array.toFloatArray(), as);
    }

    /** Orders entries as the Rust library does: larger element size first, then by name. */
    public static List<Entry> canonicalOrder(List<Entry> entries) {
        List<Entry> sorted = new ArrayList<>(entries);
        sorted.sort(Comparator.comparingInt((Entry e) -> -e.dtype().bytes()).thenComparing(Entry::name));
        return sorted;
    }

    /** Writes one file atomically. */
    public static void write(Path path, List<Entry> entries, Map<String, String> metadata) {
        List<Entry> ordered = canonicalOrder(entries);
        Set<String> seen = new HashSet<>();
        ObjectNode header = JSON.createObjectNode();
        if (metadata != null && !metadata.isEmpty()) {
            ObjectNode meta = header.putObject("__metadata__");
            metadata.forEach(meta::put);
        }
        long offset = 0;
        for (Entry e : ordered) {
            if (!seen.add(e.name())) {
                throw new IllegalArgumentException(path + ": duplicate tensor name '" + e.name() + "'");
            }
            ObjectNode t = header.putObject(e.name());
            t.put("dtype", e.dtype().name());
            ArrayNode shape = t.putArray("shape");
            for (long d : e.shape()) {
                shape.add(d);
            }
            ArrayNode offs = t.putArray("data_offsets");
            offs.add(offset);
            offset += e.data().remaining();
            offs.add(offset);
        }
        byte[] headerBytes;
        try {
            headerBytes = JSON.writeValueAsString(header).getBytes(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        int padded = (headerBytes.length + 7) / 8 * 8;
        byte[] headerPadded = new byte[padded];
        System.arraycopy(headerBytes, 0, headerPadded, 0, headerBytes.length);
        for (int i = headerBytes.length; i < padded; i++) {
            headerPadded[i] = ' ';
        }
        AtomicFiles.write(path, out -> {
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded);
            out.write(len.array());
            out.write(headerPadded);
            for (Entry e : ordered) {
                writeBuffer(out, e.data().duplicate());
            }
        });
    }

    private static void writeBuffer(OutputStream out, ByteBuffer buf) throws IOException {
        if (buf.hasArray()) {
            out.write(buf.array(), buf.arrayOffset() + buf.position(), buf.remaining());
            return;
        }
        byte[] chunk = new byte[1 << 16];
        while (buf.hasRemaining()) {
            int n = Math.min(chunk.length, buf.remaining());
            buf.get(chunk, 0, n);
            out.write(chunk, 0, n);
        }
    }
}
