package dev.uqabench.llm;

import dev.uqabench.tensor.DType;
import dev.uqabench.tensor.Tensors;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A model trained from scratch saves to, and loads back from, the same folder layout as real checkpoints. */
class HfFolderRoundTripTest {

    @TempDir
    Path tmp;

    @Test
    void float32SaveThenLoadGivesIdenticalLogits() {
        check(true, DType.F32, 0.0);
    }

    @Test
    void untiedHeadStoredAsBf16LoadsWithinBf16Rounding() {
        check(false, DType.BF16, 2e-2);
    }

    private void check(boolean tied, DType storage, double tolerance) {
        try (PointerScope scope = new PointerScope()) {
            Decoder trained = Decoder.create(TinyModels.qwen2(tied), 7);
            Path dir = tmp.resolve("tiny-" + storage);
            HfFolder.save(trained, dir, TinyModels.tokenizer(), TinyModels.QWEN_TEMPLATE, null, "<|im_end|>", storage);
            for (String f : List.of("config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json",
                    "generation_config.json")) {
                assertTrue(Files.isRegularFile(dir.resolve(f)), f);
            }
            LoadedModel loaded = HfFolder.load(dir, ComputeType.FP32);
            assertEquals(List.of(2L), loaded.stopIds());
            assertEquals(tied, loaded.config().tieWordEmbeddings());
            assertNotNull(loaded.chatTemplate());
            String prompt = loaded.chatTemplate().render(List.of(ChatTemplate.Message.user("hello world")), true);
            assertEquals("<|im_start|>user\nhello world<|im_end|>\n<|im_start|>assistant\n", prompt);
            long[] ids = loaded.tokenizer().encode(prompt);
            assertArrayEquals(new long[] {1, 4, 17, 18, 2, 1, 5}, ids);

            Tensor input = Tensors.fromLongs(new long[][] {ids});
            Tensor expected = trained.forward(trained.embed(input), null);
            Tensor actual = loaded.decoder().forward(loaded.decoder().embed(input), null);
            float[] e = Tensors.toFloats(expected), a = Tensors.toFloats(actual);
            double worst = 0;
            for (int i = 0; i < e.length; i++) worst = Math.max(worst, Math.abs(e[i] - a[i]));
            assertTrue(worst <= tolerance, "max |difference| " + worst);
            assertFalse(loaded.decoder().trainableParameters().size() > 0, "a loaded decoder is frozen");
            loaded.tokenizer().close();
        }
    }
}
