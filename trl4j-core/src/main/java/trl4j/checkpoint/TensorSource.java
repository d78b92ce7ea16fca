package trl4j.checkpoint;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.Map;
import java.util.Set;

/** Named tensors that can be read one at a time: one safetensors file or a sharded checkpoint. */
public interface TensorSource extends AutoCloseable {

    /** Tensor names in file order. */
    Set<String> names();

    /** Header entry of a tensor; throws {@link CheckpointException} when absent. */
    TensorInfo info(String name);

    /** The file a tensor lives in, for error messages. */
    String fileOf(String name);

    /** Header metadata (of the first file for a sharded checkpoint). */
    Map<String, String> metadata();

    /**
     * Reads a tensor into a new array of {@code manager}: floating types as float32, integer types
     * as int64, bool/u8 as int64 too. The array owns its memory (never a mapping of the file).
     */
    NDArray read(String name, NDManager manager);

    /** Reads a floating tensor widened to float32. */
    float[] readFloats(String name);

    /** Reads an integer tensor widened to int64. */
    long[] readLongs(String name);

    @Override
    void close();
}
