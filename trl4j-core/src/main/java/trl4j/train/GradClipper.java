package trl4j.train;

import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDScope;
import java.util.List;
import trl4j.model.Parameters;
import trl4j.tensor.GradMode;

/**
 * Global-norm gradient clipping as {@code torch.nn.utils.clip_grad_norm_} (L2): the norm of the
 * per-tensor gradient norms, and, when it exceeds {@code max_norm}, every gradient scaled by
 * {@code max_norm / (norm + 1e-6)}.
 */
public final class GradClipper {

    private GradClipper() {}

    /** Total L2 norm over the gradients of {@code names} (float32 as torch computes it; NaN/Inf pass through). */
    public static double globalNorm(Parameters params, List<String> names) {
        try (GradMode noGrad = GradMode.disabled(); NDScope scope = new NDScope()) {
            NDList norms = new NDList(names.size());
            for (String name : names) {
                // Flattened first: torch reduces a gradient in memory order, and a gradient autograd
                // created fresh (after a resume) can have other strides than one accumulated into an
                // existing buffer; the same values must give the same norm for an exact resume.
                norms.add(params.get(name).getGradient().reshape(-1).norm());
            }
            return NDArrays.stack(norms).norm().getFloat();
        }
    }

    /**
     * Scales the gradients so their global norm is at most {@code maxNorm}, given their norm (from
     * {@link #globalNorm}). torch computes the factor on a float32 tensor as
     * {@code max_norm / (norm + 1e-6)}, i.e. {@code (1 / (norm + 1e-6)) · max_norm}, clamped at 1.
     *
     * @return the factor applied (1 when the gradients were left alone)
     */
    public static float scaleToNorm(Parameters params, List<String> names, double norm, double maxNorm) {
        float reciprocal = 1f / ((float) norm + 1e-6f);
        float factor = Math.min(1f, reciprocal * (float) maxNorm);
        if (factor < 1f) {
            try (GradMode noGrad = GradMode.disabled(); NDScope scope = new NDScope()) {
                for (String name : names) {
                    params.get(name).getGradient().muli(factor);
                }
            }
        }
        return factor;
    }

    /** {@code clip_grad_norm_}: clips in place and returns the norm before clipping. */
    public static double clip(Parameters params, List<String> names, double maxNorm) {
        double norm = globalNorm(params, names);
        if (Double.isFinite(norm)) {
            scaleToNorm(params, names, norm, maxNorm);
        }
        return norm;
    }
}
