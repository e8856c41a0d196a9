package dev.uqabench.tensor;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SafetensorsTest {
    @TempDir
    Path tmp;

    @Test
    void everyDtypeRoundTripsWithShapesAndMetadata() {
        try (PointerScope scope = new PointerScope()) {
            float[] values = {1.5f, -2.25f, 3.0f, 0.125f, -0.5f, 6.0f};        // exact in bf16 and f16
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            tensors.put("f32", Tensors.fromFloats(values, 2, 3));
            tensors.put("bf16", Tensors.fromFloats(values, 3, 2).to(ScalarType.BFloat16));
            tensors.put("f16", Tensors.fromFloats(values, 6).to(ScalarType.Half));
            tensors.put("i64", Tensors.fromLongs(new long[] {1, -2, 1L << 40}, 3));
            tensors.put("i32", Tensors.fromLongs(new long[] {7, -8}, 2).to(ScalarType.Int));
            tensors.put("empty", Tensors.fromFloats(new float[0], 0, 4));
            Path file = tmp.resolve("all.safetensors");
            Safetensors.write(file, tensors, Map.of("format", "pt"));
            Safetensors.MappedFile opened = Safetensors.open(file);
            assertEquals(Map.of("format", "pt"), opened.metadata());
            assertEquals(DType.BF16, opened.entries().get("bf16").dtype());
            assertArrayEquals(new long[] {3, 2}, opened.entries().get("bf16").shape());
            for (String name : new String[] {"f32", "bf16", "f16"}) {
                assertArrayEquals(values, Tensors.toFloats(opened.tensor(name)), name);
            }
            assertArrayEquals(new long[] {1, -2, 1L << 40}, Tensors.toLongs(opened.tensor("i64")));
            assertArrayEquals(new long[] {7, -8}, Tensors.toLongs(opened.tensor("i32")));
            assertArrayEquals(new long[] {0, 4}, Tensors.shape(opened.tensor("empty")));
        }
    }

    @Test
    void releasingOneTensorUnmapsItAloneAndItCanBeMappedAgain() {
        try (PointerScope scope = new PointerScope()) {
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            tensors.put("a", Tensors.fromFloats(new float[] {1, 2, 3}, 3));
            tensors.put("b", Tensors.fromFloats(new float[] {4, 5}, 2));
            Path file = tmp.resolve("two.safetensors");
            Safetensors.write(file, tensors, Map.of());
            Safetensors.MappedFile opened = Safetensors.open(file);
            opened.tensor("a").close();
            Tensor b = opened.tensor("b");
            assertEquals(2, opened.mappedTensors());
            opened.release("a");
            assertEquals(1, opened.mappedTensors());
            assertArrayEquals(new float[] {4, 5}, Tensors.toFloats(b));                 // b's mapping untouched
            assertArrayEquals(new float[] {1, 2, 3}, Tensors.toFloats(opened.tensor("a")));
            assertEquals(2, opened.mappedTensors());
            opened.release("never-mapped");
            opened.unmap();
            assertEquals(0, opened.mappedTensors());
        }
    }

    @Test
    void writeLeavesNoTemporaryFileAndReplacesAtomically() throws IOException {
        try (PointerScope scope = new PointerScope()) {
            Path file = tmp.resolve("w.safetensors");
            Safetensors.write(file, Map.of("a", Tensors.fromFloats(new float[] {1, 2}, 2)));
            Safetensors.write(file, Map.of("a", Tensors.fromFloats(new float[] {3, 4, 5}, 3)));
            assertArrayEquals(new float[] {3, 4, 5}, Tensors.toFloats(Safetensors.read(file).get("a")));
            try (var files = Files.list(tmp)) {
                assertEquals(1, files.count(), "only the final file remains");
            }
            // The header is padded to 8 bytes, as the format recommends for aligned data.
            ByteBuffer length = ByteBuffer.wrap(Files.readAllBytes(file), 0, 8).order(ByteOrder.LITTLE_ENDIAN);
            assertEquals(0, length.getLong() % 8);
        }
    }

    @Test
    void unalignedDataIsCopiedRatherThanMisread() throws IOException {
        try (PointerScope scope = new PointerScope()) {
            // One padding byte before the float data makes its address odd.
            String header = "{\"x\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[1,9]}}";
            byte[] json = header.getBytes(StandardCharsets.UTF_8);
            ByteBuffer b = ByteBuffer.allocate(8 + json.length + 9).order(ByteOrder.LITTLE_ENDIAN);
            b.putLong(json.length).put(json).put((byte) 0).putFloat(1.5f).putFloat(-3f);
            Path file = tmp.resolve("odd.safetensors");
            Files.write(file, b.array());
            assertArrayEquals(new float[] {1.5f, -3f}, Tensors.toFloats(Safetensors.open(file).tensor("x")));
            assertTrue(Files.size(file) > 0);
        }
    }
}
