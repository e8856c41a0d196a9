package dev.uqabench.train;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

/**
 * Global gradient-norm clipping (Pascanu et al. 2013): when the L2 norm of all gradients together
 * exceeds {@code maxNorm}, every gradient is scaled by {@code maxNorm / norm}. Parameters without a
 * gradient are skipped.
 */
public final class GradientClip {

    private GradientClip() {
    }

    /**
     * Clips the gradients of {@code parameters} to a global norm of {@code maxNorm} (libtorch's
     * {@code clip_grad_norm_}, so the numbers are PyTorch's), or only measures them when
     * {@code maxNorm} is 0.
     *
     * @return the global norm before clipping (0 when no parameter has a gradient)
     */
    public static double clip(TensorVector parameters, double maxNorm) {
        if (maxNorm < 0 || Double.isNaN(maxNorm)) {
            throw new IllegalArgumentException("maxNorm must be >= 0, got " + maxNorm);
        }
        return maxNorm > 0 ? torch.clip_grad_norm_(parameters, maxNorm) : norm(parameters);
    }

    /** The L2 norm of all gradients of {@code parameters} together, computed as libtorch does (a norm of norms). */
    public static double norm(TensorVector parameters) {
        try (PointerScope scope = new PointerScope(); NoGradGuard noGrad = new NoGradGuard()) {
            TensorVector norms = new TensorVector();
            for (long i = 0; i < parameters.size(); i++) {
                Tensor grad = parameters.get(i).grad();
                if (grad.defined()) {
                    norms.push_back(torch.linalg_vector_norm(grad));
                }
            }
            if (norms.size() == 0) {
                return 0;
            }
            return norms.size() == 1 ? norms.get(0).item_double()
                    : torch.linalg_vector_norm(torch.stack(norms)).item_double();
        }
    }

    /**
     * {@link #clip} for gradients held outside their parameters (e.g. embedding-row gradients summed over the
     * ranks of a group): the same global norm and the same factor {@code min(1, maxNorm / (norm + 1e-6))} as
     * libtorch's {@code clip_grad_norm_}, applied in place.
     */
    public static double clipGradients(java.util.List<Tensor> gradients, double maxNorm) {
        if (maxNorm < 0 || Double.isNaN(maxNorm)) {
            throw new IllegalArgumentException("maxNorm must be >= 0, got " + maxNorm);
        }
        try (PointerScope scope = new PointerScope(); NoGradGuard noGrad = new NoGradGuard()) {
            TensorVector norms = new TensorVector();
            gradients.forEach(g -> norms.push_back(torch.linalg_vector_norm(g)));
            if (norms.size() == 0) {
                return 0;
            }
            double norm = torch.linalg_vector_norm(torch.stack(norms)).item_double();
            if (maxNorm > 0) {
                double factor = Math.min(1.0, maxNorm / (norm + 1e-6));
                gradients.forEach(g -> g.mul_(new org.bytedeco.pytorch.Scalar(factor)));
            }
            return norm;
        }
    }
}
