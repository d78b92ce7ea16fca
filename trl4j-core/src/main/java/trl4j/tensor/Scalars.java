package trl4j.tensor;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Scalar operands that are safe in a differentiable computation.
 *
 * <p>DJL's {@code NDArray.mul(Number)} (likewise div, pow, maximum, …) wraps the number in a tensor
 * over a Java direct buffer (torch {@code from_blob}, no copy) and closes that tensor right after the
 * op. Autograd keeps the scalar for the backward pass (mul, div and pow save it), but nothing on the
 * Java side keeps its buffer: once the garbage collector frees it, backward reads freed memory and
 * the gradients are garbage, rarely and at random. {@link #of} returns a scalar that torch allocates
 * and reference-counts, so it lives as long as the graph needs it. Use it for any scalar multiplied,
 * divided or raised into a tensor that requires a gradient; adding or subtracting a number is safe
 * (their backward saves no operand).
 */
public final class Scalars {

    private Scalars() {}

    /** A 0-dimensional tensor of {@code value}, with the data type and manager of {@code like}. */
    public static NDArray of(NDArray like, float value) {
        return like.getManager().full(new Shape(), value, like.getDataType());
    }
}
