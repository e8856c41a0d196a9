package dev.uqabench.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;

class AutocastTest {

    @Test
    void autoIsBf16OnlyWhereTheCpuHasIt() {
        assertEquals(Precision.BF16, Precision.AUTO.resolve(true));
        assertEquals(Precision.FP32, Precision.AUTO.resolve(false));
        assertEquals(Precision.FP32, Precision.FP32.resolve(true));
        assertEquals(Precision.BF16, Precision.BF16.resolve(false));
    }

    @Test
    void productsRunInBf16InsideTheRegionAndInFloat32Outside() {
        try (PointerScope scope = new PointerScope()) {
            Tensor a = torch.randn(4, 8);
            Tensor b = torch.randn(8, 3);
            try (Autocast region = Autocast.open(Precision.BF16)) {
                assertEquals(ScalarType.BFloat16, torch.matmul(a, b).scalar_type().intern());
                // reductions and softmax keep their input's type; float32 inputs stay float32
                assertEquals(ScalarType.Float, torch.log_softmax(a, 1).scalar_type().intern());
            }
            assertEquals(ScalarType.Float, torch.matmul(a, b).scalar_type().intern());
            assertFalse(torch.is_autocast_enabled(torch.DeviceType.CPU));
            try (Autocast region = Autocast.open(Precision.FP32)) {
                assertEquals(ScalarType.Float, torch.matmul(a, b).scalar_type().intern());
            }
        }
    }

    @Test
    void anInnerRegionLeavesTheOuterOneOpen() {
        try (Autocast outer = Autocast.open(Precision.BF16)) {
            try (Autocast inner = Autocast.open(Precision.BF16)) {
                assertTrue(torch.is_autocast_enabled(torch.DeviceType.CPU));
            }
            assertTrue(torch.is_autocast_enabled(torch.DeviceType.CPU));
        }
        assertFalse(torch.is_autocast_enabled(torch.DeviceType.CPU));
    }

    @Test
    void gradientsOfFloat32WeightsAreFloat32() {
        try (PointerScope scope = new PointerScope()) {
            Tensor w = torch.randn(8, 3).set_requires_grad(true);
            Tensor x = torch.randn(4, 8);
            Tensor loss;
            try (Autocast region = Autocast.open(Precision.BF16)) {
                loss = torch.matmul(x, w).to(ScalarType.Float).pow(new org.bytedeco.pytorch.Scalar(2.0)).sum();
            }
            loss.backward();
            assertEquals(ScalarType.Float, w.grad().scalar_type().intern());
            assertTrue(w.grad().abs().sum().item_float() > 0);
        }
    }

    @Test
    void aSuspensionTurnsAutocastOffAndBackOn() {
        try (PointerScope scope = new PointerScope()) {
            Tensor a = torch.randn(4, 8);
            Tensor b = torch.randn(8, 3);
            try (Autocast region = Autocast.open(Precision.BF16)) {
                try (Autocast.Suspended off = Autocast.suspend()) {
                    assertFalse(torch.is_autocast_enabled(torch.DeviceType.CPU));
                    assertEquals(ScalarType.Float, torch.matmul(a, b).scalar_type().intern());
                }
                assertTrue(torch.is_autocast_enabled(torch.DeviceType.CPU));
                assertEquals(ScalarType.BFloat16, torch.matmul(a, b).scalar_type().intern());
            }
            // outside any region a suspension changes nothing and turns nothing on
            try (Autocast.Suspended off = Autocast.suspend()) {
                assertFalse(torch.is_autocast_enabled(torch.DeviceType.CPU));
            }
            assertFalse(torch.is_autocast_enabled(torch.DeviceType.CPU));
        }
    }
}
