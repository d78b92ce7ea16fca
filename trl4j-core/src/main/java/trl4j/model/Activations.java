package trl4j.model;

import ai.djl.ndarray.NDArray;
import trl4j.tensor.Scalars;

/** Activation functions with the exact formulas Hugging Face's ACT2FN uses. */
public final class Activations {

    private static final double SQRT_2_OVER_PI = Math.sqrt(2.0 / Math.PI);

    private Activations() {}

    /**
     * {@code gelu_new} (also {@code gelu_pytorch_tanh}, {@code gelu_fast} up to rounding): the tanh
     * approximation {@code 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))}. The exact erf GELU differs
     * by up to 1e-3 in the logits, more than the parity tolerance. x³ is x·x·x, not pow (slower).
     */
    public static NDArray geluNew(NDArray x) {
        NDArray cube = x.mul(x).mul(x);
        // Scalars.of, not mul(float): autograd keeps these operands (see Scalars).
        NDArray inner = x.add(cube.mul(Scalars.of(x, 0.044715f))).mul(Scalars.of(x, (float) SQRT_2_OVER_PI));
        return x.mul(Scalars.of(x, 0.5f)).mul(inner.tanh().add(1f));
    }

    /** Exact GELU ({@code gelu}: x·Φ(x) with erf). */
    public static NDArray gelu(NDArray x) {
        return ai.djl.nn.Activation.gelu(x);
    }

    public static NDArray relu(NDArray x) {
        return ai.djl.nn.Activation.relu(x);
    }

    /** SiLU / swish: x·σ(x). */
    public static NDArray silu(NDArray x) {
        return x.mul(x.getNDArrayInternal().sigmoid());
    }

    /** Applies an activation by its Hugging Face name; unknown names are rejected by configs first. */
    public static NDArray apply(String name, NDArray x) {
        return switch (name) {
            case "gelu_new", "gelu_pytorch_tanh", "gelu_fast" -> geluNew(x);
            case "gelu" -> gelu(x);
            case "relu" -> relu(x);
            case "silu", "swish" -> silu(x);
            default -> throw new IllegalArgumentException("unsupported activation '" + name + "'");
        };
    }

    /** Names {@link #apply} understands. */
    public static boolean isSupported(String name) {
        return switch (name) {
            case "gelu_new", "gelu_pytorch_tanh", "gelu_fast", "gelu", "relu", "silu", "swish" -> true;
            default -> false;
        };
    }
}
