package dev.uqabench.encoder;

import dev.uqabench.nn.Init;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.uqabench.encoder.gru4rec.Gru4Rec;
import dev.uqabench.encoder.gru4rec.Gru4RecConfig;
import dev.uqabench.encoder.mamba.SsdScan;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

/** Fast recurrences against naive step-by-step loops of their defining equations. */
class RecurrenceDifferentialTest {

    private static double maxDifference(Tensor a, Tensor b) {
        return a.sub(b).abs().max().item_double();
    }

    @Test
    void fusedGruMatchesTheCellEquations() {
        try (PointerScope scope = new PointerScope(); NoGradGuard guard = new NoGradGuard()) {
            Gru4RecConfig config = new Gru4RecConfig(6, 2, 5, 0.0);
            Gru4Rec gru = new Gru4Rec(config, Init.generator(3));
            Tensor input = Init.normal(Init.generator(4), 1.0, 2, 7, 6);                  // [B, T, in]
            Tensor fused = gru.gruOutputs(input);                                         // [B, T, G]

            Tensor layerInput = input;
            for (int layer = 0; layer < 2; layer++) {
                Tensor ih = gru.inputWeight(layer);
                Tensor hh = gru.hiddenWeight(layer);
                Tensor h = torch.zeros(2, 5);
                org.bytedeco.pytorch.TensorVector steps = new org.bytedeco.pytorch.TensorVector();
                for (int t = 0; t < 7; t++) {
                    Tensor x = layerInput.select(1, t);                                    // [B, in]
                    Tensor gi = torch.matmul(x, ih.t());                                   // [B, 3G]: r, z, n
                    Tensor gh = torch.matmul(h, hh.t());
                    Tensor r = gi.narrow(1, 0, 5).add(gh.narrow(1, 0, 5)).sigmoid();
                    Tensor z = gi.narrow(1, 5, 5).add(gh.narrow(1, 5, 5)).sigmoid();
                    Tensor n = gi.narrow(1, 10, 5).add(r.mul(gh.narrow(1, 10, 5))).tanh();
                    // h' = (1 - z) * n + z * h
                    h = n.sub(z.mul(n)).add(z.mul(h));
                    steps.push_back(h);
                }
                layerInput = torch.stack(steps, 1);
            }
            double diff = maxDifference(fused, layerInput);
            assertTrue(diff < 1e-5, "fused GRU differs from the cell loop by " + diff);
        }
    }

    @Test
    void chunkedScanMatchesTheStepByStepRecurrence() {
        try (PointerScope scope = new PointerScope(); NoGradGuard guard = new NoGradGuard()) {
            var g = Init.generator(9);
            int batch = 2, time = 13, heads = 3, headSize = 4, state = 5;
            Tensor x = Init.normal(g, 1.0, batch, time, heads, headSize);
            // log-decays in (-1, 0): exp gives keep factors in (0.37, 1)
            Tensor decay = Init.uniform(g, 0.5, batch, time, heads).sub(new org.bytedeco.pytorch.Scalar(0.5));
            Tensor b = Init.normal(g, 1.0, batch, time, state);
            Tensor c = Init.normal(g, 1.0, batch, time, state);
            Tensor reference = SsdScan.sequential(x, decay, b, c);
            for (int chunk : new int[] {1, 4, 5, 13, 16}) {
                double diff = maxDifference(SsdScan.chunked(x, decay, b, c, chunk), reference);
                assertTrue(diff < 1e-4, "chunk " + chunk + ": chunked scan differs by " + diff);
            }
        }
    }
}
