package trl4j.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

/**
 * Keys and values of past positions for incremental decoding, per layer, preallocated and written in
 * place: appending T positions copies only those T (concatenation would copy the whole cache every
 * step). Capacity doubles when exceeded. Encoder–decoders also keep cross-attention keys/values,
 * computed once from the encoder output.
 *
 * <p>Buffers live in this cache's own manager, closed with it. A forward pass writes every layer's
 * new positions with {@link #append} and then calls {@link #advance} once.
 */
public final class KvCache implements AutoCloseable {

    private final NDManager manager;
    private final NDArray[] keys;   // (B, Hkv, capacity, D)
    private final NDArray[] values; // (B, Hkv, capacity, D)
    private final NDArray[] crossKeys;
    private final NDArray[] crossValues;
    private int length;
    private int capacity;

    public KvCache(NDManager parent, int layers, int initialCapacity) {
        this.manager = parent.newSubManager();
        this.keys = new NDArray[layers];
        this.values = new NDArray[layers];
        this.crossKeys = new NDArray[layers];
        this.crossValues = new NDArray[layers];
        this.capacity = Math.max(1, initialCapacity);
    }

    /** Positions already cached (the {@code past} of the next forward pass). */
    public int length() {
        return length;
    }

    public int layers() {
        return keys.length;
    }

    /**
     * Writes the keys/values of T new positions of one layer and returns views over all
     * {@code length + T} positions.
     *
     * @param k (B, Hkv, T, D)
     * @param v (B, Hkv, T, D)
     * @return {keys, values}, each (B, Hkv, length + T, D)
     */
    public NDArray[] append(int layer, NDArray k, NDArray v) {
        Shape s = k.getShape();
        int t = (int) s.get(2);
        ensureCapacity(layer, k, length + t);
        NDIndex slot = new NDIndex(":, :, {}:{}", length, length + t);
        keys[layer].set(slot, k);
        values[layer].set(slot, v);
        NDIndex upTo = new NDIndex(":, :, :{}", length + t);
        return new NDArray[] {keys[layer].get(upTo), values[layer].get(upTo)};
    }

    private void ensureCapacity(int layer, NDArray like, int needed) {
        Shape s = like.getShape();
        if (keys[layer] != null && needed <= keys[layer].getShape().get(2)) {
            return;
        }
        int newCapacity = Math.max(capacity, needed);
        if (keys[layer] != null) {
            newCapacity = Math.max(newCapacity, (int) keys[layer].getShape().get(2) * 2);
        }
        Shape full = new Shape(s.get(0), s.get(1), newCapacity, s.get(3));
        NDArray nk = manager.zeros(full, like.getDataType());
        NDArray nv = manager.zeros(full, nk.getDataType());
        NDScope.unregister(nk, nv); // the cache outlives the scope of the forward pass that grew it
        if (keys[layer] != null && length > 0) {
            NDIndex old = new NDIndex(":, :, :{}", length);
            nk.set(old, keys[layer].get(old));
            nv.set(old, values[layer].get(old));
            keys[layer].close();
            values[layer].close();
        }
        keys[layer] = nk;
        values[layer] = nv;
        capacity = newCapacity;
    }

    /**
     * A new cache holding this cache's positions with the batch repeated {@code times} (rows 0..B−1,
     * then 0..B−1 again, …), so several continuations of each cached prefix run in one pass (a reward
     * model scores a chosen and a rejected response after one shared prompt). The copy is made by
     * differentiable ops, so gradients reach the prefix through it; this cache is not changed.
     * Self-attention only (decoder-only models).
     */
    public KvCache tiled(int times) {
        if (times < 1) {
            throw new IllegalArgumentException("times must be >= 1, got " + times);
        }
        KvCache out = new KvCache(manager.getParentManager(), keys.length, Math.max(1, length));
        NDIndex cached = new NDIndex(":, :, :{}", length);
        for (int layer = 0; layer < keys.length; layer++) {
            if (keys[layer] == null) {
                continue;
            }
            out.keys[layer] = tile(keys[layer].get(cached), times, out.manager);
            out.values[layer] = tile(values[layer].get(cached), times, out.manager);
        }
        out.length = length;
        return out;
    }

    private static NDArray tile(NDArray a, int times, NDManager into) {
        NDList copies = new NDList(times);
        for (int i = 0; i < times; i++) {
            copies.add(a);
        }
        NDArray t = NDArrays.concat(copies, 0); // (times·B, Hkv, length, D)
        t.attach(into);
        NDScope.unregister(t);
        return t;
    }

    /** Marks {@code t} more positions as cached, after every layer has appended them. */
    public void advance(int t) {
        length += t;
    }

    public boolean hasCross(int layer) {
        return crossKeys[layer] != null;
    }

    public NDArray crossKeys(int layer) {
        return crossKeys[layer];
    }

    public NDArray crossValues(int layer) {
        return crossValues[layer];
    }

    /** Stores cross-attention keys/values (computed once from the encoder output). */
    public void setCross(int layer, NDArray k, NDArray v) {
        k.attach(manager);
        v.attach(manager);
        NDScope.unregister(k, v);
        crossKeys[layer] = k;
        crossValues[layer] = v;
    }

    public NDManager manager() {
        return manager;
    }

    @Override
    public void close() {
        manager.close();
    }
}
