package dev.uqabench.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.bytedeco.pytorch.GeneratorOptional;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.ScalarOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

class InitTest {

    /** The truncated normal as first written, out of place: the in-place version must draw the same values. */
    private static Tensor outOfPlace(long seed, double std, long... shape) {
        var generator = Init.generator(seed);
        Tensor x = torch.empty(shape).normal_(0.0, 1.0, new GeneratorOptional(generator));
        for (int round = 0; round < 4; round++) {
            Tensor outside = x.abs().gt(new Scalar(2.0));
            Tensor redraw = torch.empty(shape).normal_(0.0, 1.0, new GeneratorOptional(generator));
            x = torch.where(outside, redraw, x);
        }
        x = torch.clamp(x, new ScalarOptional(new Scalar(-2.0)), new ScalarOptional(new Scalar(2.0)));
        return x.mul_(new Scalar(std)).contiguous();
    }

    @Test
    void truncatedNormalKeepsItsValuesInPlace() {
        Tensor ours = Init.truncatedNormal(Init.generator(7), 0.02, 3000, 64);
        Tensor reference = outOfPlace(7, 0.02, 3000, 64);
        assertTrue(torch.equal(ours, reference), "the in-place rounds changed the drawn values");
        double largest = ours.abs().max().item_double();
        assertTrue(largest <= 0.04 + 1e-9 && largest > 0.039, "largest |value| " + largest);
        assertEquals(0.02, ours.std().item_double(), 0.003);
    }
}
