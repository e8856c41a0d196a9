package dev.uqabench.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.uqabench.tensor.Autocast;
import dev.uqabench.tensor.Precision;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.DoubleOptional;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;

class FusedAttentionTest {

    private static Tensor[] inputs(boolean requiresGrad) {
        torch.manual_seed(3);
        Tensor[] qkv = new Tensor[3];
        for (int i = 0; i < 3; i++) {
            qkv[i] = torch.randn(2, 4, 9, 8).requires_grad_(requiresGrad);
        }
        return qkv;
    }

    @Test
    void float32OnlyWhenAutogradRecordsTheFusedKernel() {
        try (PointerScope scope = new PointerScope()) {
            Tensor[] g = inputs(true);
            assertTrue(FusedAttention.recordedFused(g[0], g[1], g[2], 0.0));
            assertFalse(FusedAttention.recordedFused(g[0], g[1], g[2], 0.1), "dropout takes the written-out composite path");
            try (NoGradGuard noGrad = new NoGradGuard()) {
                assertFalse(FusedAttention.recordedFused(g[0], g[1], g[2], 0.0));
            }
            Tensor[] plain = inputs(false);
            assertFalse(FusedAttention.recordedFused(plain[0], plain[1], plain[2], 0.0));
            assertEquals(ScalarType.Float, FusedAttention.dtype(true, ScalarType.BFloat16));
            assertEquals(ScalarType.BFloat16, FusedAttention.dtype(false, ScalarType.BFloat16));
            assertNull(FusedAttention.dtype(false, null));
        }
    }

    @Test
    void underAutocastARecordedCallRunsInFloat32AndEqualsThePlainFloat32Call() {
        try (PointerScope scope = new PointerScope()) {
            Tensor[] g = inputs(true);
            Tensor expected = torch.scaled_dot_product_attention(g[0], g[1], g[2], new TensorOptional(), 0.0, true,
                    new DoubleOptional(), false);
            Tensor attended;
            Tensor autocastOwn;
            try (Autocast region = Autocast.open(Precision.BF16)) {
                attended = FusedAttention.attend(g[0], g[1], g[2], null, 0.0, true, null);
                assertTrue(torch.is_autocast_enabled(torch.DeviceType.CPU), "autocast is back on after the call");
                autocastOwn = torch.scaled_dot_product_attention(g[0], g[1], g[2], new TensorOptional(), 0.0, true,
                        new DoubleOptional(), false);
            }
            assertEquals(ScalarType.BFloat16, autocastOwn.scalar_type().intern(), "what autocast alone would do");
            assertEquals(ScalarType.Float, attended.scalar_type().intern());
            assertTrue(torch.equal(expected, attended));
            attended.sum().backward();
            assertEquals(ScalarType.Float, g[0].grad().scalar_type().intern());
            assertTrue(g[0].grad().abs().sum().item_double() > 0);
        }
    }

    @Test
    void withoutGradientsTheCallerOrAutocastChoosesTheDtype() {
        try (PointerScope scope = new PointerScope(); NoGradGuard noGrad = new NoGradGuard()) {
            Tensor[] g = inputs(true);
            try (Autocast region = Autocast.open(Precision.BF16)) {
                assertEquals(ScalarType.BFloat16,
                        FusedAttention.attend(g[0], g[1], g[2], null, 0.0, true, null).scalar_type().intern());
                assertEquals(ScalarType.Float,
                        FusedAttention.attend(g[0], g[1], g[2], null, 0.0, true, ScalarType.Float).scalar_type().intern());
            }
            // 9 queries: below the bf16 kernel's fast path, float32; 64 and more: bf16 as asked
            assertEquals(ScalarType.Float, FusedAttention.attend(g[0], g[1], g[2], null, 0.0, true,
                    ScalarType.BFloat16).scalar_type().intern());
            Tensor q = torch.randn(1, 2, FusedAttention.BF16_MIN_QUERIES, 8);
            Tensor kv = torch.randn(1, 2, FusedAttention.BF16_MIN_QUERIES, 8);
            Tensor bf16 = FusedAttention.attend(q, kv, kv, null, 0.0, true, ScalarType.BFloat16);
            assertEquals(ScalarType.BFloat16, bf16.scalar_type().intern());
            Tensor fewer = FusedAttention.attend(q.narrow(2, 0, 63), kv, kv, null, 0.0, false, ScalarType.BFloat16);
            assertEquals(ScalarType.Float, fewer.scalar_type().intern(), "63 queries over a longer cache");
            Tensor exact = FusedAttention.attend(q.narrow(2, 0, 63), kv, kv, null, 0.0, false, ScalarType.Float);
            assertTrue(torch.equal(exact, fewer), "the float32 call itself");
        }
    }

    @Test
    void bf16NeedsAtLeastTheKernelsQueryBlock() {
        assertEquals(ScalarType.Float, FusedAttention.dtype(false, ScalarType.BFloat16, 63));
        assertEquals(ScalarType.BFloat16, FusedAttention.dtype(false, ScalarType.BFloat16, 64));
        assertEquals(ScalarType.Float, FusedAttention.dtype(true, ScalarType.BFloat16, 512));
        assertEquals(ScalarType.Float, FusedAttention.dtype(false, ScalarType.Float, 1));
        assertNull(FusedAttention.dtype(false, null, 1), "autocast's choice is left to it");
    }

    @Test
    void theWrittenOutCompositeEqualsLibtorchsAttention() {
        try (PointerScope scope = new PointerScope(); NoGradGuard noGrad = new NoGradGuard()) {
            Tensor[] g = inputs(false);
            Tensor expected = torch.scaled_dot_product_attention(g[0], g[1], g[2], new TensorOptional(), 0.0, true,
                    new DoubleOptional(), false);
            Tensor written = FusedAttention.composite(g[0], g[1], g[2], null, true, w -> w);
            assertTrue(torch.allclose(expected, written, 1e-5, 1e-6, false), "causal, float32");

            // a key mask under which query 0 of batch 1 may see no key: it attends to nothing (zeros, no NaN)
            Tensor mask = torch.rand(2, 1, 9, 9).gt(new org.bytedeco.pytorch.Scalar(0.3));
            mask.select(0, 1).select(1, 0).fill_(new org.bytedeco.pytorch.Scalar(0));
            mask.select(0, 0).select(1, 3).select(1, 2).fill_(new org.bytedeco.pytorch.Scalar(1));
            Tensor masked = FusedAttention.composite(g[0], g[1], g[2], mask, false, w -> w);
            assertEquals(0.0, masked.select(0, 1).select(1, 0).abs().sum().item_double());
            assertFalse(masked.isnan().any().item_bool());
            Tensor seen = mask.any(-1, true).expand(2, 4, 9, 8);
            Tensor reference = torch.scaled_dot_product_attention(g[0], g[1], g[2], new TensorOptional(mask), 0.0,
                    false, new DoubleOptional(), false);
            assertTrue(torch.allclose(reference.masked_select(seen), masked.masked_select(seen), 1e-5, 1e-6, false));

            try (Autocast region = Autocast.open(Precision.BF16)) {
                Tensor bf16 = FusedAttention.composite(g[0], g[1], g[2], null, true, w -> w);
                assertEquals(ScalarType.BFloat16, bf16.scalar_type().intern(), "autocast's dtype, as libtorch's");
                assertTrue(torch.allclose(expected, bf16.to(ScalarType.Float), 2e-2, 2e-2, false));
            }
        }
    }

    @Test
    void dropoutOnTheWeightsUsesTheSeededMaskAndDifferentiates() {
        try (PointerScope scope = new PointerScope()) {
            Tensor[] g = inputs(true);
            torch.manual_seed(5);
            Tensor dropped = FusedAttention.attend(g[0], g[1], g[2], null, 0.5, true, null);
            torch.manual_seed(5);
            Tensor mask = Dropout.mask(new long[] {2, 4, 9, 9}, ScalarType.Float, 0.5, Dropout.seed());
            Tensor expected = FusedAttention.composite(g[0], g[1], g[2], null, true, w -> w.mul(mask));
            assertTrue(torch.equal(expected, dropped));
            Tensor plain = FusedAttention.attend(g[0], g[1], g[2], null, 0.0, true, null);
            assertFalse(torch.allclose(plain, dropped, 1e-3, 1e-3, false), "the weights were dropped");
            dropped.sum().backward();
            assertTrue(g[2].grad().abs().sum().item_double() > 0);
            assertFalse(g[0].grad().isnan().any().item_bool());
        }
    }
}
