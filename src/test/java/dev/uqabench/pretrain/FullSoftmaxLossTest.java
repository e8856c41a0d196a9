package dev.uqabench.pretrain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.uqabench.tensor.Autocast;
import dev.uqabench.tensor.Precision;
import dev.uqabench.tensor.Tensors;
import java.util.Random;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FullSoftmaxLossTest {

    private static final int N = 37;
    private static final int ITEMS = 500;
    private static final int WIDTH = 8;

    /** Loss, then the gradients of the queries' source and of the table, flattened. */
    private static float[][] lossAndGradients(boolean fused, long blockFloats, Precision precision) {
        try (PointerScope scope = new PointerScope()) {
            torch.manual_seed(7);
            Tensor source = torch.randn(N, WIDTH).set_requires_grad(true);
            Tensor table = torch.randn(ITEMS, WIDTH).mul(new Scalar(0.5)).set_requires_grad(true);
            Tensor projection = torch.randn(WIDTH, WIDTH).div(new Scalar(3.0));
            long[] targets = new Random(3).longs(N, 0, ITEMS).toArray();
            Tensor loss;
            try (Autocast autocast = Autocast.open(precision)) {
                Tensor queries = torch.linear(source, projection);   // a graph in front, as the encoder is
                loss = fused ? FullSoftmaxLoss.of(queries, table, targets, blockFloats)
                        : torch.nll_loss(torch.log_softmax(torch.linear(queries, table).to(torch.ScalarType.Float), 1),
                                Tensor.create(targets, N));
            }
            // a multiple of the loss, as a data-parallel rank's share is
            loss.mul(new Scalar(0.75)).backward();
            return new float[][] {{loss.item_float()}, Tensors.toFloats(source.grad()), Tensors.toFloats(table.grad())};
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 1_000, 4_000, 1_000_000})  // one row a block, several uneven blocks, one block
    void equalsThePlainLossAndItsGradients(long blockFloats) {
        float[][] plain = lossAndGradients(false, 0, Precision.FP32);
        float[][] fused = lossAndGradients(true, blockFloats, Precision.FP32);
        assertEquals(plain[0][0], fused[0][0], 1e-5 * Math.abs(plain[0][0]));
        for (int k = 1; k < 3; k++) {
            for (int i = 0; i < plain[k].length; i++) {
                assertEquals(plain[k][i], fused[k][i], 1e-6 + 1e-4 * Math.abs(plain[k][i]), "gradient " + k + " at " + i);
            }
        }
        assertTrue(plain[2][0] != 0f || plain[2][1] != 0f, "the table got a gradient");
    }

    @ParameterizedTest
    @ValueSource(longs = {1_000, 1_000_000})
    void inBf16ItStaysCloseToTheFloat32Loss(long blockFloats) {
        float[][] exact = lossAndGradients(false, 0, Precision.FP32);
        float[][] bf16 = lossAndGradients(true, blockFloats, Precision.BF16);
        assertEquals(exact[0][0], bf16[0][0], 0.02 * Math.abs(exact[0][0]));
        double dot = 0, a = 0, b = 0;
        for (int i = 0; i < exact[2].length; i++) {
            dot += exact[2][i] * bf16[2][i];
            a += exact[2][i] * exact[2][i];
            b += bf16[2][i] * bf16[2][i];
        }
        assertTrue(dot / Math.sqrt(a * b) > 0.99, "table gradient cosine " + dot / Math.sqrt(a * b));
    }
}
