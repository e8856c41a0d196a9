package dev.uqabench.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.uqabench.tensor.Tensors;
import java.util.SplittableRandom;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;

class DropoutTest {

    /** Whether element {@code i} of the mask of {@code seed} is kept, worked out from the definition. */
    private static boolean kept(long seed, long i, double p) {
        long lane = (Dropout.word(seed, i / 4) >>> (16 * (i % 4))) & 0xFFFF;
        return lane >= Dropout.threshold(p);
    }

    private static float[] floats(Tensor t) {
        Tensor c = t.detach().to(ScalarType.Float).contiguous().reshape(-1);
        float[] out = new float[(int) c.numel()];
        c.data_ptr_float().get(out);
        return out;
    }

    @Test
    void theWordsAreSplittableRandomsStream() {
        SplittableRandom random = new SplittableRandom(12345);
        for (long j = 0; j < 100; j++) {
            assertEquals(random.nextLong(), Dropout.word(12345, j), "word " + j);
        }
    }

    @Test
    void everyElementFollowsItsLaneAndTheScaleIsUnbiased() {
        try (PointerScope scope = new PointerScope()) {
            double p = 0.1;
            long seed = 987654321L;
            Tensor mask = Dropout.mask(new long[] {3, 7, 11}, ScalarType.Float, p, seed);   // 231: not a multiple of 4
            float[] values = floats(mask);
            double scale = 65536.0 / (65536 - Dropout.threshold(p));
            for (int i = 0; i < values.length; i++) {
                assertEquals(kept(seed, i, p) ? (float) scale : 0f, values[i], "element " + i);
            }
            assertEquals(1.0, scale * (1 - Dropout.threshold(p) / 65536.0), 1e-15);
        }
    }

    @Test
    void theMaskIsTheSameInEveryDtypeAndAcrossByteBufferWindows() {
        try (PointerScope scope = new PointerScope()) {
            long seed = 42;
            double p = 0.3;
            long n = 2 * Dropout.WINDOW + 5;                         // past two windows, and a tail
            Tensor bf16 = Dropout.mask(new long[] {n}, ScalarType.BFloat16, p, seed);
            Tensor zerosBf16 = bf16.eq(new Scalar(0)).nonzero().reshape(-1);
            Tensor f32 = Dropout.mask(new long[] {n}, ScalarType.Float, p, seed);
            assertTrue(torch.equal(zerosBf16, f32.eq(new Scalar(0)).nonzero().reshape(-1)));
            Tensor f64 = Dropout.mask(new long[] {n}, ScalarType.Double, p, seed);
            assertTrue(torch.equal(zerosBf16, f64.eq(new Scalar(0)).nonzero().reshape(-1)));
            Tensor f16 = Dropout.mask(new long[] {n}, ScalarType.Half, p, seed);
            assertTrue(torch.equal(zerosBf16, f16.eq(new Scalar(0)).nonzero().reshape(-1)));
            float[] tail = floats(f32.narrow(0, 2 * Dropout.WINDOW - 3, 8));
            for (int i = 0; i < tail.length; i++) {
                long at = 2 * Dropout.WINDOW - 3 + i;
                assertEquals(kept(seed, at, p), tail[i] != 0f, "element " + at);
            }
            double keptShare = f32.ne(new Scalar(0)).to(ScalarType.Double).mean().item_double();
            double sd = Math.sqrt(0.7 * 0.3 / n);
            assertEquals(0.7, keptShare, 5 * sd, "the share kept is 1 - p");
        }
    }

    @Test
    void moreIntraOpThreadsWriteTheSameMask() {
        int before = torch.get_num_threads();
        try (PointerScope scope = new PointerScope()) {
            long[] shape = {3, Dropout.WINDOW + 7};                 // four windows, the last one short
            torch.set_num_threads(1);
            Tensor one = Dropout.mask(shape, ScalarType.BFloat16, 0.1, 99);
            torch.set_num_threads(3);
            Tensor three = Dropout.mask(shape, ScalarType.BFloat16, 0.1, 99);
            assertTrue(torch.equal(one, three));
            assertEquals(kept(99, 3 * Dropout.WINDOW + 20, 0.1), three.reshape(-1).get(3 * Dropout.WINDOW + 20)
                    .item_double() != 0);
        } finally {
            torch.set_num_threads(before);
        }
    }

    @Test
    void theGlobalSeedRepeatsAMaskAndGradientsFlowThroughIt() {
        try (PointerScope scope = new PointerScope()) {
            Tensor x = torch.randn(64, 33).requires_grad_(true);
            torch.manual_seed(7);
            Tensor first = Dropout.apply(x, 0.25, true);
            torch.manual_seed(7);
            Tensor again = Dropout.apply(x, 0.25, true);
            Tensor next = Dropout.apply(x, 0.25, true);
            assertTrue(torch.equal(first, again), "same global seed, same mask");
            assertFalse(torch.equal(again, next), "the next call draws another mask");
            first.sum().backward();
            Tensor mask = first.detach().div(x.detach());
            assertTrue(torch.allclose(x.grad(), mask, 1e-5, 1e-6, false), "the gradient is the scaled mask");
            assertEquals(ScalarType.Float, Tensors.scalarType(first));
        }
    }

    @Test
    void aProbabilityThatRoundsToOneStillKeepsAFiniteScale() {
        try (PointerScope scope = new PointerScope()) {
            assertEquals(65535, Dropout.threshold(0.9999999));
            assertEquals(0, Dropout.threshold(1e-6));
            float[] values = floats(Dropout.mask(new long[] {4096}, ScalarType.Float, 0.9999999, 3));
            for (float v : values) {
                assertTrue(v == 0f || v == 65536f, "0 or the scale of one kept lane value in 65536, got " + v);
            }
        }
    }

    @Test
    void offOrZeroIsTheInputAndBadArgumentsAreRefused() {
        try (PointerScope scope = new PointerScope()) {
            Tensor x = torch.randn(5, 4);
            assertSame(x, Dropout.apply(x, 0.5, false));
            assertSame(x, Dropout.apply(x, 0.0, true));
            IllegalArgumentException high = assertThrows(IllegalArgumentException.class,
                    () -> Dropout.apply(x, 1.0, true));
            assertTrue(high.getMessage().contains("[0, 1)"), high.getMessage());
            assertThrows(IllegalArgumentException.class, () -> Dropout.apply(x, Double.NaN, true));
            IllegalArgumentException ints = assertThrows(IllegalArgumentException.class,
                    () -> Dropout.apply(x.to(ScalarType.Long), 0.5, true));
            assertTrue(ints.getMessage().contains("floating-point"), ints.getMessage());
        }
    }

    @Test
    void aTensorOffTheCpuGoesToLibtorchsDropout() {
        try (PointerScope scope = new PointerScope()) {
            // the meta device holds shapes and no data: the CPU mask could not be multiplied into it
            Tensor x = torch.empty(new long[] {3, 5}, new org.bytedeco.pytorch.TensorOptions(
                    new org.bytedeco.pytorch.Device("meta")), new org.bytedeco.pytorch.MemoryFormatOptional());
            assertFalse(x.is_cpu());
            Tensor y = Dropout.apply(x, 0.5, true);
            assertFalse(y.is_cpu());
            assertEquals(15, y.numel());
        }
    }
}
