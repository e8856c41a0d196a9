package dev.uqabench.llm;

import dev.uqabench.tensor.DType;
import dev.uqabench.tensor.Safetensors;
import dev.uqabench.tensor.Tensors;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

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

    @Test
    void aBf16CheckpointConvertedToFloat32ReleasesEachTensorsFilePagesAsItGoes() {
        try (PointerScope scope = new PointerScope()) {
            Decoder trained = Decoder.create(TinyModels.qwen2(false), 7);
            Path dir = tmp.resolve("bf16");
            HfFolder.save(trained, dir, TinyModels.tokenizer(), TinyModels.QWEN_TEMPLATE, null, "<|im_end|>", DType.BF16);
            for (ScalarType compute : List.of(ScalarType.Float, ScalarType.BFloat16)) {
                Safetensors.MappedFile file = Safetensors.open(dir.resolve("model.safetensors"));
                Map<String, Safetensors.MappedFile> fileOf = new LinkedHashMap<>();
                for (String name : file.entries().keySet()) fileOf.put(name, file);
                Set<Safetensors.MappedFile> aliased = new LinkedHashSet<>();
                Map<String, Tensor> weights = HfFolder.mapWeights(fileOf, fileOf.keySet(), compute, aliased);
                assertEquals(fileOf.size(), weights.size());
                if (compute == ScalarType.Float) {
                    // every tensor converted, and its mapping gone before the next one was read
                    assertEquals(0, file.mappedTensors(), "mappings left after converting");
                    assertTrue(aliased.isEmpty());
                } else {
                    assertEquals(fileOf.size(), file.mappedTensors(), "tensors used in place stay mapped");
                    assertEquals(Set.of(file), aliased);
                }
                for (Map.Entry<String, Tensor> e : weights.entrySet()) {
                    assertEquals(compute, Tensors.scalarType(e.getValue()), e.getKey());
                    // the copies hold the file's values (read again through a fresh mapping)
                    Tensor fromFile = file.tensor(e.getKey()).to(ScalarType.Float);
                    assertTrue(fromFile.equal(e.getValue().to(ScalarType.Float)), e.getKey());
                }
                file.unmap();
            }
            LoadedModel loaded = HfFolder.load(dir, ComputeType.FP32);
            assertTrue(loaded.decoder().retained().isEmpty(), "a converted decoder keeps no file mapped");
            loaded.tokenizer().close();
            LoadedModel inPlace = HfFolder.load(dir, ComputeType.BF16);
            assertFalse(inPlace.decoder().retained().isEmpty(), "a bf16 decoder reads its weights from the file");
            inPlace.tokenizer().close();
        }
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
            assertEquals(storage == DType.BF16 ? ComputeType.BF16 : ComputeType.FP32, HfFolder.checkpointComputeType(dir));
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
