package trl4j.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import trl4j.model.Activations;

/**
 * Gradients stay right when the garbage collector runs between forward and backward. With DJL's
 * {@code mul(Number)} the saved scalar lives in a Java buffer the collector frees; these passes
 * collect and overwrite freed native memory before backward, which turned such gradients into
 * garbage (e.g. 1.35e38 for d(sum(p / 3))/dp).
 */
class ScalarsTest {

    /** Runs the collector and refills freed direct memory with other values. */
    private static void collectAndScribble() throws InterruptedException {
        List<ByteBuffer> junk = new ArrayList<>();
        for (int round = 0; round < 3; round++) {
            System.gc();
            Thread.sleep(20);
            for (int i = 0; i < 5000; i++) {
                ByteBuffer b = ByteBuffer.allocateDirect(4);
                b.putFloat(0, 1234.5f);
                junk.add(b);
            }
        }
    }

    @Test
    void aScalarDivisorSurvivesCollectionBeforeBackward() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray p = m.create(new float[] {1, 2, 3, 4});
            p.setRequiresGradient(true);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray y = p.div(Scalars.of(p, 3f)).sum();
                collectAndScribble();
                gc.backward(y);
            }
            float third = 1f / 3f;
            assertEquals(List.of(third, third, third, third), toList(p.getGradient().toFloatArray()));
        }
    }

    @Test
    void geluGradientSurvivesCollectionBeforeBackward() throws Exception {
        float[] xs = {-2f, -0.5f, 0f, 0.7f, 3f};
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(xs);
            x.setRequiresGradient(true);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray y = Activations.geluNew(x).sum();
                collectAndScribble();
                gc.backward(y);
            }
            float[] got = x.getGradient().toFloatArray();
            for (int i = 0; i < xs.length; i++) {
                // d/dx 0.5·x·(1 + tanh u), u = c(x + a x³): 0.5(1 + tanh u) + 0.5·x·(1 − tanh² u)·c(1 + 3a x²)
                double c = Math.sqrt(2 / Math.PI);
                double a = 0.044715;
                double t = Math.tanh(c * (xs[i] + a * xs[i] * xs[i] * xs[i]));
                double want = 0.5 * (1 + t) + 0.5 * xs[i] * (1 - t * t) * c * (1 + 3 * a * xs[i] * xs[i]);
                assertEquals(want, got[i], 1e-6, "gelu_new'(" + xs[i] + ")");
            }
        }
    }

    private static List<Float> toList(float[] values) {
        List<Float> out = new ArrayList<>();
        for (float v : values) {
            out.add(v);
        }
        return out;
    }
}
