package trl4j.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The weights of one model, by Hugging Face parameter name, in state-dict order. Every array lives in
 * the manager this object owns and is closed with it. Tied weights appear once (under the name the
 * checkpoint keeps, e.g. {@code transformer.wte.weight}).
 *
 * <p>Arrays are kept in the layout our forward code wants ({@code nn.Linear}'s (out, in)); a
 * {@link WeightSpec} records where that differs from the file (GPT-2's Conv1D stores (in, out)).
 */
public final class Parameters implements AutoCloseable {

    private final NDManager manager;
    private final Map<String, NDArray> arrays = new LinkedHashMap<>();
    private final Map<String, WeightSpec> specs = new LinkedHashMap<>();

    public Parameters(NDManager manager) {
        this.manager = manager;
    }

    public NDManager manager() {
        return manager;
    }

    /** Adds a parameter; the array is attached to this object's manager. */
    public void put(WeightSpec spec, NDArray array) {
        if (arrays.containsKey(spec.name())) {
            throw new IllegalStateException("parameter '" + spec.name() + "' added twice");
        }
        array.attach(manager);
        NDScope.unregister(array); // parameters outlive any step scope
        array.setName(spec.name());
        arrays.put(spec.name(), array);
        specs.put(spec.name(), spec);
    }

    /**
     * Adds an array owned by another {@link Parameters} (shared weights): it is neither attached to this
     * object's manager nor renamed, so closing this object leaves it alone. Used for views over several
     * models' weights (an optimizer over a policy and its value head) and for a reference that shares the
     * policy's frozen lower layers.
     */
    public void putShared(WeightSpec spec, NDArray array) {
        if (arrays.containsKey(spec.name())) {
            throw new IllegalStateException("parameter '" + spec.name() + "' added twice");
        }
        arrays.put(spec.name(), array);
        specs.put(spec.name(), spec);
    }

    /** The array of a parameter; fails naming it when absent (a bug in a weight table). */
    public NDArray get(String name) {
        NDArray a = arrays.get(name);
        if (a == null) {
            throw new IllegalStateException("no parameter '" + name + "'");
        }
        return a;
    }

    public boolean contains(String name) {
        return arrays.containsKey(name);
    }

    public WeightSpec spec(String name) {
        return specs.get(name);
    }

    public Set<String> names() {
        return Collections.unmodifiableSet(arrays.keySet());
    }

    public Map<String, NDArray> asMap() {
        return Collections.unmodifiableMap(arrays);
    }

    /** Total number of elements. */
    public long count() {
        long n = 0;
        for (NDArray a : arrays.values()) {
            n += a.getShape().size();
        }
        return n;
    }

    /** Names of parameters selected by a predicate, in order. */
    public List<String> select(Predicate<String> which) {
        List<String> out = new ArrayList<>();
        for (String n : arrays.keySet()) {
            if (which.test(n)) {
                out.add(n);
            }
        }
        return out;
    }

    /** Turns gradient recording on for the named parameters and off for every other one. */
    public void setTrainable(Predicate<String> which) {
        arrays.forEach((n, a) -> a.setRequiresGradient(which.test(n)));
    }

    /** Sets every gradient to zero in place (also clears NaN/Inf left by a skipped step). */
    public void zeroGradients() {
        for (NDArray a : arrays.values()) {
            if (a.hasGradient()) {
                JniUtils.zeroGrad((PtNDArray) a);
            }
        }
    }

    @Override
    public void close() {
        manager.close();
    }
}
