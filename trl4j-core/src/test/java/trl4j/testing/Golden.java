package trl4j.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import ai.djl.ndarray.NDArray;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.util.Arrays;
import trl4j.checkpoint.SafeTensorsFile;

/**
 * Access to the golden vectors copied from {@code ../shared/golden} into test resources, and the
 * comparison rule their README gives: {@code max|got − want| ≤ tol · max(1, max|want|)} per tensor.
 */
public final class Golden {

    /** The suggested parity tolerance (relative to the tensor's largest magnitude). */
    public static final double TOLERANCE = 1e-4;

    private Golden() {}

    /** Path of a resource under {@code src/test/resources/golden}. */
    public static Path path(String relative) {
        URL url = Golden.class.getResource("/golden/" + relative);
        if (url == null) {
            fail("missing test resource golden/" + relative);
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    public static Path model(String name) {
        return path("models/" + name);
    }

    public static SafeTensorsFile expected(String model) {
        return SafeTensorsFile.open(model(model).resolve("expected.safetensors"));
    }

    /** Asserts closeness over all elements. */
    public static void assertClose(String what, float[] want, float[] got) {
        assertClose(what, want, got, null, TOLERANCE);
    }

    public static void assertClose(String what, NDArray want, NDArray got) {
        assertShape(what, want, got);
        assertClose(what, want.toFloatArray(), got.toFloatArray(), null, TOLERANCE);
    }

    /**
     * Asserts closeness on selected rows only. {@code rowValid[i]} says whether the i-th row of
     * {@code rowWidth} elements is compared (e.g. positions whose attention mask is 1).
     */
    public static void assertClose(String what, float[] want, float[] got, boolean[] rowValid, double tol) {
        if (want.length != got.length) {
            fail(what + ": " + got.length + " elements, expected " + want.length);
        }
        int rows = rowValid == null ? 1 : rowValid.length;
        int width = want.length / rows;
        double maxWant = 0;
        double maxDiff = 0;
        int worst = -1;
        for (int i = 0; i < want.length; i++) {
            if (rowValid != null && !rowValid[i / width]) {
                continue;
            }
            maxWant = Math.max(maxWant, Math.abs(want[i]));
            double diff = Math.abs(got[i] - want[i]);
            if (!(diff <= maxDiff)) { // NaN counts as a failure
                maxDiff = Double.isNaN(diff) ? Double.POSITIVE_INFINITY : diff;
                worst = i;
            }
        }
        double allowed = tol * Math.max(1, maxWant);
        assertTrue(maxDiff <= allowed, what + ": max |diff| " + maxDiff + " > " + allowed
                + (worst >= 0 ? " at element " + worst + " (want " + want[worst] + ", got " + got[worst] + ")" : ""));
    }

    public static void assertShape(String what, NDArray want, NDArray got) {
        if (!want.getShape().equals(got.getShape())) {
            fail(what + ": shape " + got.getShape() + ", expected " + want.getShape());
        }
    }

    /** Row validity from a (B, T) attention mask: one row per position. */
    public static boolean[] validPositions(long[] mask) {
        boolean[] v = new boolean[mask.length];
        for (int i = 0; i < mask.length; i++) {
            v[i] = mask[i] == 1;
        }
        return v;
    }

    /** For hidden states (L, B, T, H): repeats the position validity for every layer. */
    public static boolean[] repeat(boolean[] valid, int times) {
        boolean[] out = new boolean[valid.length * times];
        for (int i = 0; i < times; i++) {
            System.arraycopy(valid, 0, out, i * valid.length, valid.length);
        }
        return out;
    }

    public static String str(long[] a) {
        return Arrays.toString(a);
    }
}
