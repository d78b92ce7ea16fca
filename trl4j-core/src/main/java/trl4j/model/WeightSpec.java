package trl4j.model;

import java.util.Arrays;

/**
 * One tensor of a Hugging Face checkpoint as a model expects it: the state-dict name, the shape in the
 * file, and whether our in-memory layout is the file's transposed (GPT-2 Conv1D weights are stored
 * (in, out); we keep (out, in) so every architecture multiplies with {@code linear}).
 */
public record WeightSpec(String name, long[] fileShape, boolean transposed) {

    public static WeightSpec of(String name, long... fileShape) {
        return new WeightSpec(name, fileShape, false);
    }

    public static WeightSpec transposed(String name, long... fileShape) {
        return new WeightSpec(name, fileShape, true);
    }

    /** Shape of the array in memory. */
    public long[] memoryShape() {
        if (!transposed) {
            return fileShape;
        }
        return new long[] {fileShape[1], fileShape[0]};
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof WeightSpec w && name.equals(w.name) && Arrays.equals(fileShape, w.fileShape)
                && transposed == w.transposed;
    }

    @Override
    public int hashCode() {
        return name.hashCode();
    }

    @Override
    public String toString() {
        return name + Arrays.toString(fileShape) + (transposed ? "ᵀ" : "");
    }
}
