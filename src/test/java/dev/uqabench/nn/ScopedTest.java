package dev.uqabench.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.uqabench.tensor.Tensors;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;

class ScopedTest {

    @Test
    void intermediatesAreFreedOutputAndGradientsSurvive() {
        List<Tensor> intermediates = new ArrayList<>();
        Tensor y;
        try (PointerScope step = new PointerScope()) {
            Tensor x = Tensors.fromFloats(new float[] {0.5f, -1f, 2f}, 3);
            x.set_requires_grad(true);
            y = Scoped.apply(h -> {
                Tensor doubled = h.mul(new Scalar(2.0));
                Tensor shifted = doubled.add(new Scalar(1.0));
                intermediates.add(doubled);
                intermediates.add(shifted);
                return shifted.sigmoid();
            }, x);
            for (Tensor t : intermediates) {
                assertTrue(t.isNull(), "an intermediate outlived its block");
            }
            // sigmoid saved its output, which autograd still holds: backward works after the block's handles are gone
            y.sum().backward();
            float[] out = Tensors.toFloats(y.detach());
            float[] grad = Tensors.toFloats(x.grad());
            for (int i = 0; i < 3; i++) {
                assertArrayEquals(new float[] {2 * out[i] * (1 - out[i])}, new float[] {grad[i]}, 1e-6f);
            }
            assertFalse(y.isNull(), "the output belongs to the caller's scope");
        }
        assertTrue(y.isNull(), "the caller's scope frees the output");
    }
}
