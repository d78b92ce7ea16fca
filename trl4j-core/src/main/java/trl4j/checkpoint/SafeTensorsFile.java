package trl4j.checkpoint;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reader of one {@code .safetensors} file (format: 8-byte little-endian header length, a JSON header
 * of {@code name → {dtype, shape, data_offsets}}, then the raw little-endian data).
 *
 * <p>The header is validated completely when the file is opened, so a corrupt checkpoint fails before
 * any weight is used: unknown dtype, negative or non-integer shapes, offsets out of range or
 * overlapping, byte length not matching the shape, a data section shorter than the header claims.
 * Tensors are read with positional reads into memory we own; the file is never mapped into an
 * NDArray (a mapped read-only file that torch writes to crashes the JVM).
 */
public final class SafeTensorsFile implements TensorSource {

    /** The reference implementation refuses headers above 100 MB; so do we. */
    static final long MAX_HEADER_BYTES = 100L * 1024 * 1024;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path path;
    private final FileChannel channel;
    private final long dataStart;
    private final Map<String, TensorInfo> tensors;
    private final Map<String, String> metadata;

    private SafeTensorsFile(Path path, FileChannel channel, long dataStart,
            Map<String, TensorInfo> tensors, Map<String, String> metadata) {
        this.path = path;
        this.channel = channel;
        this.dataStart = dataStart;
        this.tensors = tensors;
        this.metadata = metadata;
    }

    /** Opens and validates a safetensors file. */
    public static SafeTensorsFile open(Path path) {
        FileChannel channel;
        try {
            channel = FileChannel.open(path, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new CheckpointException(path + ": no such file");
        } catch (IOException e) {
            throw new CheckpointException(path + ": cannot open (" + e.getMessage() + ")", e);
        }
        try {
            return parse(path, channel);
        } catch (RuntimeException e) {
            closeQuietly(channel);
            throw e;
        }
    }

    private static SafeTensorsFile parse(Path path, FileChannel channel) {
        try {
            long fileSize = channel.size();
            if (fileSize < 8) {
                throw new CheckpointException(path + ": truncated safetensors file (" + fileSize
                        + " bytes, no header length)");
            }
            ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(channel, lenBuf, 0);
            long headerLen = lenBuf.flip().getLong();
            if (headerLen < 2 || headerLen > MAX_HEADER_BYTES) {
                throw new CheckpointException(path + ": invalid safetensors header length " + headerLen);
            }
            if (8 + headerLen > fileSize) {
                throw new CheckpointException(path + ": truncated safetensors file (header of "
                        + headerLen + " bytes, file of " + fileSize + " bytes)");
            }
            ByteBuffer headerBuf = ByteBuffer.allocate((int) headerLen);
            readFully(channel, headerBuf, 8);
            String headerText = new String(headerBuf.array(), StandardCharsets.UTF_8);
            JsonNode header;
            try {
                header = JSON.readTree(headerText);
            } catch (JsonProcessingException e) {
                throw new CheckpointException(path + ": safetensors header is not valid JSON ("
                        + e.getOriginalMessage() + ")");
            }
            if (header == null || !header.isObject()) {
                throw new CheckpointException(path + ": safetensors header is not a JSON object");
            }
            long dataStart = 8 + headerLen;
            long dataSize = fileSize - dataStart;
            Map<String, TensorInfo> tensors = new LinkedHashMap<>();
            Map<String, String> metadata = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getKey().equals("__metadata__")) {
                    if (!e.getValue().isObject()) {
                        throw new CheckpointException(path + ": __metadata__ is not an object");
                    }
                    e.getValue().fields().forEachRemaining(m -> metadata.put(m.getKey(), m.getValue().asText()));
                    continue;
                }
                tensors.put(e.getKey(), parseEntry(path, e.getKey(), e.getValue()));
            }
            validateLayout(path, tensors, dataSize);
            return new SafeTensorsFile(path, channel, dataStart,
                    Collections.unmodifiableMap(tensors), Collections.unmodifiableMap(metadata));
        } catch (IOException e) {
            throw new CheckpointException(path + ": read error (" + e.getMessage() + ")", e);
        }
    }

    private static TensorInfo parseEntry(Path path, String name, JsonNode node) {
        String where = path + ": tensor '" + name + "'";
        if (!node.isObject()) {
            throw new CheckpointException(where + ": header entry is not an object");
        }
        JsonNode dt = node.get("dtype");
        if (dt == null || !dt.isTextual()) {
            throw new CheckpointException(where + ": missing dtype");
        }
        DType dtype = DType.parse(dt.asText());
        if (dtype == null) {
            throw new CheckpointException(where + ": unsupported dtype '" + dt.asText()
                    + "' (supported: F32, F16, BF16, F64, I64, I32, I8, U8, BOOL)");
        }
        JsonNode sh = node.get("shape");
        if (sh == null || !sh.isArray()) {
            throw new CheckpointException(where + ": missing shape");
        }
        long[] shape = new long[sh.size()];
        for (int i = 0; i < shape.length; i++) {
            JsonNode d = sh.get(i);
            if (!d.isIntegralNumber() || d.asLong() < 0) {
                throw new CheckpointException(where + ": invalid shape " + sh);
            }
            shape[i] = d.asLong();
        }
        JsonNode off = node.get("data_offsets");
        if (off == null || !off.isArray() || off.size() != 2
                || !off.get(0).isIntegralNumber() || !off.get(1).isIntegralNumber()) {
            throw new CheckpointException(where + ": missing or invalid data_offsets");
        }
        // 64-bit offsets: files above 4 GB are common for real checkpoints.
        long begin = off.get(0).asLong();
        long end = off.get(1).asLong();
        if (begin < 0 || end < begin) {
            throw new CheckpointException(where + ": invalid data_offsets [" + begin + ", " + end + "]");
        }
        TensorInfo info = new TensorInfo(name, dtype, shape, begin, end);
        long expected;
        try {
            expected = Math.multiplyExact(info.numElements(), dtype.bytes());
        } catch (ArithmeticException e) {
            throw new CheckpointException(where + ": shape " + info.shapeString() + " is too large");
        }
        if (expected != end - begin) {
            throw new CheckpointException(where + ": shape " + info.shapeString() + " of " + dtype
                    + " needs " + expected + " bytes but data_offsets span " + (end - begin));
        }
        return info;
    }

    private static void validateLayout(Path path, Map<String, TensorInfo> tensors, long dataSize) {
        List<TensorInfo> sorted = new ArrayList<>(tensors.values());
        sorted.sort(Comparator.comparingLong(TensorInfo::begin).thenComparingLong(TensorInfo::end));
        TensorInfo previous = null;
        for (TensorInfo t : sorted) {
            if (t.end() > dataSize) {
                throw new CheckpointException(path + ": tensor '" + t.name() + "' ends at byte "
                        + t.end() + " but the data section has only " + dataSize
                        + " bytes (truncated or corrupt file)");
            }
            if (previous != null && t.begin() < previous.end() && t.byteLength() > 0
                    && previous.byteLength() > 0) {
                throw new CheckpointException(path + ": tensors '" + previous.name() + "' and '"
                        + t.name() + "' overlap in the data section");
            }
            if (t.byteLength() > 0) {
                previous = t;
            }
        }
    }

    public Path path() {
        return path;
    }

    @Override
    public Set<String> names() {
        return tensors.keySet();
    }

    @Override
    public TensorInfo info(String name) {
        TensorInfo info = tensors.get(name);
        if (info == null) {
            throw new CheckpointException(path + ": no tensor named '" + name + "'");
        }
        return info;
    }

    @Override
    public String fileOf(String name) {
        return path.toString();
    }

    @Override
    public Map<String, String> metadata() {
        return metadata;
    }

    /** Raw little-endian bytes of a tensor, in a direct buffer. */
    public ByteBuffer readRaw(String name) {
        TensorInfo info = info(name);
        if (info.byteLength() > Integer.MAX_VALUE) {
            throw new CheckpointException(path + ": tensor '" + name + "' is larger than 2 GB");
        }
        ByteBuffer buf = ByteBuffer.allocateDirect((int) info.byteLength()).order(ByteOrder.LITTLE_ENDIAN);
        try {
            readFully(channel, buf, dataStart + info.begin());
        } catch (IOException e) {
            throw new CheckpointException(path + ": cannot read tensor '" + name + "' (" + e.getMessage() + ")", e);
        }
        return buf.flip();
    }

    @Override
    public NDArray read(String name, NDManager manager) {
        TensorInfo info = info(name);
        Shape shape = new Shape(info.shape());
        ByteBuffer raw = readRaw(name);
        if (info.dtype() == DType.F32) {
            return manager.create(raw.order(ByteOrder.nativeOrder()), shape, DataType.FLOAT32);
        }
        if (info.dtype() == DType.I64) {
            return manager.create(raw.order(ByteOrder.nativeOrder()), shape, DataType.INT64);
        }
        if (info.dtype().isFloating()) {
            return manager.create(toFloatBuffer(info, raw), shape, DataType.FLOAT32);
        }
        return manager.create(toLongBuffer(info, raw), shape, DataType.INT64);
    }

    @Override
    public float[] readFloats(String name) {
        TensorInfo info = info(name);
        if (!info.dtype().isFloating()) {
            throw new CheckpointException(path + ": tensor '" + name + "' is " + info.dtype() + ", not floating point");
        }
        ByteBuffer f = toFloatBuffer(info, readRaw(name));
        float[] out = new float[(int) info.numElements()];
        f.asFloatBuffer().get(out);
        return out;
    }

    @Override
    public long[] readLongs(String name) {
        TensorInfo info = info(name);
        if (info.dtype().isFloating()) {
            throw new CheckpointException(path + ": tensor '" + name + "' is " + info.dtype() + ", not an integer type");
        }
        ByteBuffer l = toLongBuffer(info, readRaw(name));
        long[] out = new long[(int) info.numElements()];
        l.asLongBuffer().get(out);
        return out;
    }

    /** Widens any floating dtype to a direct, native-order float32 buffer. */
    private static ByteBuffer toFloatBuffer(TensorInfo info, ByteBuffer raw) {
        int n = (int) info.numElements();
        ByteBuffer out = ByteBuffer.allocateDirect(n * 4).order(ByteOrder.nativeOrder());
        raw.order(ByteOrder.LITTLE_ENDIAN);
        switch (info.dtype()) {
            case F32 -> {
                for (int i = 0; i < n; i++) {
                    out.putFloat(raw.getFloat());
                }
            }
            case F16 -> {
                for (int i = 0; i < n; i++) {
                    out.putFloat(DType.halfToFloat(raw.getShort()));
                }
            }
            case BF16 -> {
                for (int i = 0; i < n; i++) {
                    out.putFloat(DType.bf16ToFloat(raw.getShort()));
                }
            }
            case F64 -> {
                for (int i = 0; i < n; i++) {
                    out.putFloat((float) raw.getDouble());
                }
            }
            default -> throw new IllegalStateException("not floating: " + info.dtype());
        }
        return out.flip();
    }

    private static ByteBuffer toLongBuffer(TensorInfo info, ByteBuffer raw) {
        int n = (int) info.numElements();
        ByteBuffer out = ByteBuffer.allocateDirect(n * 8).order(ByteOrder.nativeOrder());
        raw.order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            long v = switch (info.dtype()) {
                case I64 -> raw.getLong();
                case I32 -> raw.getInt();
                case I8 -> raw.get();
                case U8, BOOL -> raw.get() & 0xff;
                default -> throw new IllegalStateException("not integer: " + info.dtype());
            };
            out.putLong(v);
        }
        return out.flip();
    }

    private static void readFully(FileChannel channel, ByteBuffer buf, long position) throws IOException {
        long pos = position;
        while (buf.hasRemaining()) {
            int n = channel.read(buf, pos);
            if (n < 0) {
                throw new IOException("unexpected end of file at byte " + pos);
            }
            pos += n;
        }
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // already failing; the original error matters more
        }
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** True when the path looks like a safetensors file by name. */
    public static boolean isSafeTensors(Path p) {
        return Files.isRegularFile(p) && p.getFileName().toString().endsWith(".safetensors");
    }
}
