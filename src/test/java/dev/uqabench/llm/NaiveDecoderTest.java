package dev.uqabench.llm;

import dev.uqabench.tensor.Safetensors;
import dev.uqabench.tensor.Tensors;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The naive reference that produced our own fixtures agrees with the Python-made fixture (copied from ../shared). */
class NaiveDecoderTest {

    @Test
    void naiveReferenceMatchesTheSharedPythonFixture() {
        Path dir = Fixtures.pythonReference();
        try (PointerScope scope = new PointerScope()) {
            DecoderConfig config = HfFolder.readConfig(dir);
            Map<String, float[]> weights = new HashMap<>();
            Safetensors.read(dir.resolve("model.safetensors")).forEach((k, v) -> weights.put(k, Tensors.toFloats(v)));
            NaiveDecoder naive = new NaiveDecoder(config, weights);
            Map<String, Tensor> expected = Safetensors.read(dir.resolve("expected.safetensors"));
            long[] ids = Tensors.toLongs(expected.get("plain.input_ids"));
            float[] logits = Tensors.toFloats(expected.get("plain.logits"));
            int t = 12, v = config.vocabSize();
            double worst = 0;
            for (int row = 0; row < 2; row++) {
                double[][] x = new double[t][];
                for (int i = 0; i < t; i++) x[i] = naive.embed(ids[row * t + i]);
                double[][] out = naive.forward(x);
                for (int i = 0; i < t; i++) {
                    for (int j = 0; j < v; j++) worst = Math.max(worst, Math.abs(out[i][j] - logits[(row * t + i) * v + j]));
                }
            }
            assertTrue(worst < 1e-4, "naive vs Python fixture: " + worst);
            assertArrayEquals(Tensors.toLongs(expected.get("greedy.generated_ids")),
                    naive.greedy(Tensors.toLongs(expected.get("greedy.input_ids")), 6));
        }
    }
}
