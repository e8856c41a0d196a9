package dev.uqabench.llm;

import dev.uqabench.tensor.DType;
import dev.uqabench.tensor.Safetensors;
import dev.uqabench.tensor.Tensors;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Golden test against outputs an independent reference computed for each fixture folder (see the
 * fixture's README): plain logits, soft-prompt logits and a greedy continuation.
 */
class DecoderGoldenTest {

    @TestFactory
    List<DynamicTest> everyFixtureMatchesItsReference() throws IOException {
        List<Path> fixtures = Fixtures.decoderFixtures();
        assertFalse(fixtures.isEmpty(), "no decoder-* fixture under " + FixtureGenerator.ROOT.toAbsolutePath());
        List<DynamicTest> tests = new ArrayList<>();
        for (Path dir : fixtures) tests.add(DynamicTest.dynamicTest(dir.getFileName().toString(), () -> check(dir)));
        return tests;
    }

    static double tolerance(Path dir) {
        Path index = dir.resolve(HfFolder.WEIGHTS_INDEX);
        List<Path> files = new ArrayList<>();
        if (Files.isRegularFile(index)) {
            try (var s = Files.list(dir)) {
                s.filter(p -> p.toString().endsWith(".safetensors") && !p.getFileName().toString().startsWith("expected"))
                        .forEach(files::add);
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        } else {
            files.add(dir.resolve(HfFolder.WEIGHTS));
        }
        for (Path f : files) {
            for (Safetensors.Entry e : Safetensors.open(f).entries().values()) {
                if (e.dtype() != DType.F32) return 1e-3;
            }
        }
        return 1e-4;
    }

    private static void check(Path dir) {
        try (PointerScope scope = new PointerScope()) {
            Decoder decoder = HfFolder.loadDecoder(dir, ComputeType.FP32);
            Map<String, Tensor> expected = Safetensors.read(dir.resolve("expected.safetensors"));
            double tolerance = tolerance(dir);

            Tensor plainIds = expected.get("plain.input_ids");
            Tensor logits = decoder.forward(decoder.embed(plainIds), null);
            assertClose(expected.get("plain.logits"), logits, tolerance, dir + " plain.logits");

            Tensor prefix = expected.get("soft.prefix_embeds");
            Tensor softIds = expected.get("soft.input_ids");
            Tensor soft = torch.cat(new TensorVector(prefix, decoder.embed(softIds)), 1);
            assertClose(expected.get("soft.logits"), decoder.forward(soft, null), tolerance, dir + " soft.logits");

            long[] prompt = Tensors.toLongs(expected.get("greedy.input_ids"));
            long[] wanted = Tensors.toLongs(expected.get("greedy.generated_ids"));
            long[] generated = Generation.greedyByRecomputation(decoder, prompt, wanted.length);
            assertArrayEquals(wanted, generated, dir + " greedy.generated_ids");
        }
    }

    static void assertClose(Tensor expected, Tensor actual, double tolerance, String what) {
        assertArrayEquals(Tensors.shape(expected), Tensors.shape(actual), what + " shape");
        float[] e = Tensors.toFloats(expected);
        float[] a = Tensors.toFloats(actual);
        double worst = 0;
        int at = -1;
        for (int i = 0; i < e.length; i++) {
            double d = Math.abs(e[i] - a[i]);
            if (!(d <= worst)) {
                worst = d;
                at = i;
            }
        }
        assertTrue(worst <= tolerance, what + ": max |difference| " + worst + " at flat index " + at
                + " exceeds " + tolerance);
        assertEquals(e.length, a.length);
        assertFalse(Arrays.equals(e, new float[e.length]), what + " is all zeros");
    }
}
