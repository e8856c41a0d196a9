package dev.uqabench.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

class LazyZerosTest {

    // That only written pages become resident is the allocator's and the kernel's doing, and holds only when the
    // block is fresh (a process whose heap already has a large free block gets that one, zeroed): measured by
    // PretrainBenchmark's peak RSS (bench/perf/README.md), not asserted here.

    @Test
    void isAFloatTensorOfZerosThatWorksLikeAnyOther() {
        try (PointerScope scope = new PointerScope()) {
            Tensor t = Tensors.lazyZeros(3, 4);
            assertEquals(torch.ScalarType.Float, Tensors.scalarType(t));
            assertArrayEquals(new long[] {3, 4}, Tensors.shape(t));
            assertEquals(0f, t.abs().sum().item_float());
            t.index_copy_(0, Tensors.fromLongs(new long[] {1}, 1), torch.ones(1, 4));
            t.mul_(new Scalar(2.0));
            assertArrayEquals(new float[] {0, 0, 0, 0, 2, 2, 2, 2, 0, 0, 0, 0}, Tensors.toFloats(t), 0f);
        }
        // the blocks go back through the free callback: many of them, made and dropped, leave nothing behind
        for (int i = 0; i < 50; i++) {
            try (PointerScope scope = new PointerScope()) {
                Tensors.lazyZeros(1 << 16, 64).add_(new Scalar(1.0));
            }
        }
    }
}
