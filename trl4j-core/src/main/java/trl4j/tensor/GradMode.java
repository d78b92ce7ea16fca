package trl4j.tensor;

import ai.djl.pytorch.jni.JniUtils;

/**
 * Autograd on or off for the current thread, restored on close. PyTorch's grad mode is per thread,
 * so inference code must switch it off explicitly: otherwise every op on a parameter that requires a
 * gradient records a graph and holds its inputs alive.
 *
 * <pre>{@code try (GradMode g = GradMode.disabled()) { ... }}</pre>
 */
public final class GradMode implements AutoCloseable {

    private final boolean previous;

    private GradMode(boolean enabled) {
        previous = JniUtils.isGradMode();
        JniUtils.setGradMode(enabled);
    }

    /** Switches autograd off until {@link #close()}. */
    public static GradMode disabled() {
        return new GradMode(false);
    }

    /** Switches autograd on until {@link #close()}. */
    public static GradMode enabled() {
        return new GradMode(true);
    }

    public static boolean isEnabled() {
        return JniUtils.isGradMode();
    }

    @Override
    public void close() {
        JniUtils.setGradMode(previous);
    }
}
