package trl4j.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.Map;
import trl4j.model.Parameters;
import trl4j.model.WeightSpec;

/** Test helpers: small Parameters and gradients set to chosen values. */
final class Grads {

    private Grads() {}

    /** Parameters named and shaped as given, requiring gradients. */
    static Parameters parameters(NDManager parent, Map<String, float[]> values, Map<String, long[]> shapes) {
        Parameters params = new Parameters(parent.newSubManager());
        values.forEach((name, v) -> params.put(WeightSpec.of(name, shapes.get(name)),
                params.manager().create(v, new Shape(shapes.get(name)))));
        params.setTrainable(n -> true);
        return params;
    }

    /** Sets each parameter's gradient to the given values: backward of Σ p ⊙ G gives exactly G. */
    static void set(Parameters params, Map<String, float[]> grads) {
        params.zeroGradients();
        try (NDScope scope = new NDScope(); GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray loss = null;
            for (Map.Entry<String, float[]> e : grads.entrySet()) {
                NDArray p = params.get(e.getKey());
                NDArray term = p.mul(p.getManager().create(e.getValue(), p.getShape())).sum();
                loss = loss == null ? term : loss.add(term);
            }
            gc.backward(loss);
        }
    }

    static float[] values(Parameters params, String name) {
        return params.get(name).toFloatArray();
    }

    static float[] gradient(Parameters params, String name) {
        try (NDArray g = params.get(name).getGradient()) {
            return g.toFloatArray();
        }
    }
}
