package trl4j.checkpoint;

import java.util.Arrays;

/**
 * One entry of a safetensors header: name, element type, shape and byte range relative to the start
 * of the data section.
 */
public record TensorInfo(String name, DType dtype, long[] shape, long begin, long end) {

    public long numElements() {
        long n = 1;
        for (long d : shape) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    public long byteLength() {
        return end - begin;
    }

    public String shapeString() {
        return Arrays.toString(shape);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorInfo t
                && name.equals(t.name)
                && dtype == t.dtype
                && Arrays.equals(shape, t.shape)
                && begin == t.begin
                && end == t.end;
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return name + " " + dtype + " " + shapeString();
    }
}
