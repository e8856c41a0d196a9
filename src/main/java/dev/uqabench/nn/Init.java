package dev.uqabench.nn;

import dev.uqabench.nn.Linear;
import static org.bytedeco.pytorch.global.torch.empty;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.GeneratorOptional;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.ScalarOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * Weight initialisers drawing from an explicit, seeded generator (libtorch's {@code nn::init}
 * functions read the global one), so that one seed gives one model.
 */
public final class Init {

    private Init() {
    }

    /** A CPU generator for one model build. */
    public static Generator generator(long seed) {
        return torch.createCPUGenerator(seed);
    }

    /** N(0, std^2) entries. */
    public static Tensor normal(Generator generator, double std, long... shape) {
        return scoped(() -> empty(shape).normal_(0.0, std, new GeneratorOptional(generator)));
    }

    /**
     * N(0, std^2) truncated to two standard deviations, as the reference initialises embedding
     * tables; values outside are redrawn a few times, then clamped (the remainder is ~1e-6).
     */
    public static Tensor truncatedNormal(Generator generator, double std, long... shape) {
        return scoped(() -> truncatedNormalUnscoped(generator, std, shape));
    }

    private static Tensor truncatedNormalUnscoped(Generator generator, double std, long... shape) {
        // in place, each round's temporaries freed before the next one's: at most the table, one redraw and a mask
        // (a 512 MB item table once peaked at ~14 table-sized temporaries); the draws and values are unchanged
        Tensor x = empty(shape).normal_(0.0, 1.0, new GeneratorOptional(generator));
        for (int round = 0; round < 4; round++) {
            try (PointerScope scope = new PointerScope()) {
                Tensor magnitude = x.abs();
                Tensor outside = magnitude.gt(new Scalar(2.0));
                magnitude.close();
                Tensor redraw = empty(shape).normal_(0.0, 1.0, new GeneratorOptional(generator));
                torch.where_out(x, outside, redraw, x);
            }
        }
        x.clamp_(new ScalarOptional(new Scalar(-2.0)), new ScalarOptional(new Scalar(2.0)));
        return x.mul_(new Scalar(std)).contiguous();
    }

    /** U(-bound, bound) entries. */
    public static Tensor uniform(Generator generator, double bound, long... shape) {
        return scoped(() -> empty(shape).uniform_(-bound, bound, new GeneratorOptional(generator)));
    }

    /**
     * Runs an initialiser in its own pointer scope, so its temporaries (several table-sized ones
     * for the truncated normal) are freed at once rather than whenever the GC runs; the result is
     * kept alive past the scope.
     */
    private static Tensor scoped(java.util.function.Supplier<Tensor> initialiser) {
        try (PointerScope scope = new PointerScope()) {
            // a new owning handle: in-place ops return references to temporaries of this scope
            Tensor result = new Tensor(initialiser.get());
            // survives the scope's release; the GC frees it once unreachable
            result.retainReference();
            return result;
        }
    }

    /** Glorot/Xavier uniform for a {@code [out, in]} weight. */
    public static Tensor xavierUniform(Generator generator, long out, long in) {
        return uniform(generator, Math.sqrt(6.0 / (in + out)), out, in);
    }

    /** PyTorch's default {@code nn.Linear} weight init: U(-1/sqrt(in), 1/sqrt(in)). */
    public static Tensor linearDefault(Generator generator, long out, long in) {
        return uniform(generator, 1.0 / Math.sqrt(in), out, in);
    }

    public static Tensor zeros(long... shape) {
        return torch.zeros(shape);
    }

    public static Tensor ones(long... shape) {
        return torch.ones(shape);
    }
}
