package dev.uqabench.llm;

import dev.uqabench.base.UqaException;
import dev.uqabench.tensor.DType;
import dev.uqabench.tensor.Safetensors;
import dev.uqabench.tensor.Tensors;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
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

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every bad folder or file named in issue 5 gives a UqaException naming the file and the key or tensor. */
class BadInputTest {
    @TempDir
    Path tmp;
    private Path dir;
    private PointerScope scope;

    @BeforeEach
    void saveAGoodModel() {
        scope = new PointerScope();
        dir = tmp.resolve("model");
        HfFolder.save(Decoder.create(TinyModels.qwen2(true), 1), dir, TinyModels.tokenizer(), TinyModels.QWEN_TEMPLATE,
                null, "<|im_end|>", DType.F32);
    }

    @AfterEach
    void close() {
        scope.close();
    }

    /** The message of loading the folder, after checking that {@link HfFolder#validate} refuses it with the same. */
    private String loadFails() {
        String message = assertThrows(UqaException.class, () -> HfFolder.load(dir, ComputeType.FP32)).getMessage();
        if (Files.isRegularFile(dir.resolve("tokenizer.json"))) {    // validate reads config.json and the weights only
            assertEquals(message, assertThrows(UqaException.class, () -> HfFolder.validate(dir)).getMessage());
        }
        return message;
    }

    private static void assertMentions(String message, String... parts) {
        for (String p : parts) assertTrue(message.contains(p), "'" + message + "' should mention '" + p + "'");
    }

    @Test
    void theGoodModelLoads() {
        HfFolder.validate(dir);
        HfFolder.load(dir, ComputeType.FP32).tokenizer().close();
    }

    @Test
    void missingConfig() throws IOException {
        Files.delete(dir.resolve("config.json"));
        assertMentions(loadFails(), dir.resolve("config.json").toString(), "not found");
    }

    @Test
    void missingWeights() throws IOException {
        Files.delete(dir.resolve("model.safetensors"));
        assertMentions(loadFails(), dir.toString(), "model.safetensors", "model.safetensors.index.json");
    }

    @Test
    void missingTokenizer() throws IOException {
        Files.delete(dir.resolve("tokenizer.json"));
        assertMentions(loadFails(), dir.resolve("tokenizer.json").toString(), "not found");
    }

    @Test
    void unsupportedModelType() throws IOException {
        editConfig("\"model_type\" : \"qwen2\"", "\"model_type\" : \"mistral\"");
        assertMentions(loadFails(), "config.json", "model_type", "'mistral'", "not supported");
    }

    @Test
    void unsupportedRopeScaling() throws IOException {
        editConfig("\"rope_theta\" : 10000.0", "\"rope_theta\" : 10000.0, \"rope_scaling\" : {\"type\" : \"yarn\", \"factor\" : 4.0}");
        assertMentions(loadFails(), "config.json", "rope_scaling.rope_type", "'yarn'");
    }

    @Test
    void aFractionWhereAnIntegerBelongsIsRefusedNamingTheKey() throws IOException {
        editConfig("\"num_attention_heads\" : 4", "\"num_attention_heads\" : 4.5");
        assertMentions(loadFails(), "config.json", "config key 'num_attention_heads'", "4.5");
    }

    @Test
    void aStopIdOutsideTheVocabularyIsRefused() throws IOException {
        Files.writeString(dir.resolve("generation_config.json"), "{\"eos_token_id\": [99999]}");
        assertMentions(loadFails(), dir.resolve("generation_config.json").toString(), "eos_token_id 99999",
                "outside the vocabulary");
    }

    @Test
    void headsThatDoNotDivideTheHiddenSize() throws IOException {
        editConfig("\"num_attention_heads\" : 4", "\"num_attention_heads\" : 5");
        assertMentions(loadFails(), "config.json", "num_attention_heads");
    }

    @Test
    void missingTensor() {
        Map<String, Tensor> weights = new LinkedHashMap<>(Safetensors.read(dir.resolve("model.safetensors")));
        weights.remove("model.layers.1.mlp.up_proj.weight");
        Safetensors.write(dir.resolve("model.safetensors"), weights);
        assertMentions(loadFails(), dir.resolve("model.safetensors").toString(), "missing tensor 'model.layers.1.mlp.up_proj.weight'");
    }

    /** A checkpoint with NaN weights (a diverged run saved as is) is refused at load, naming the tensor. */
    @Test
    void nonFiniteWeights() {
        Map<String, Tensor> weights = new LinkedHashMap<>(Safetensors.read(dir.resolve("model.safetensors")));
        Tensor up = weights.get("model.layers.1.mlp.up_proj.weight").clone();
        up.fill_(new org.bytedeco.pytorch.Scalar(Double.NaN));
        weights.put("model.layers.1.mlp.up_proj.weight", up);
        Safetensors.write(dir.resolve("model.safetensors"), weights);
        assertMentions(loadFails(), dir.resolve("model.safetensors").toString(),
                "tensor 'model.layers.1.mlp.up_proj.weight' holds", "NaN or infinite values");
    }

    @Test
    void tensorOfTheWrongShape() {
        Map<String, Tensor> weights = new LinkedHashMap<>(Safetensors.read(dir.resolve("model.safetensors")));
        weights.put("model.layers.0.self_attn.k_proj.weight", Tensors.fromFloats(new float[32 * 32], 32, 32));
        Safetensors.write(dir.resolve("model.safetensors"), weights);
        assertMentions(loadFails(), dir.resolve("model.safetensors").toString(),
                "'model.layers.0.self_attn.k_proj.weight'", "[32, 32]", "expected [16, 32]");
    }

    @Test
    void headerLongerThanTheFile() throws IOException {
        Path file = dir.resolve("model.safetensors");
        byte[] bytes = Files.readAllBytes(file);
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putLong(0, bytes.length + 100L);
        Files.write(file, bytes);
        assertMentions(loadFails(), file.toString(), "header length", "does not fit");
    }

    @Test
    void offsetsOutsideTheData() throws IOException {
        Path file = tmp.resolve("outside.safetensors");
        writeRaw(file, "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,16]}}", 12);
        UqaException e = assertThrows(UqaException.class, () -> Safetensors.open(file));
        assertMentions(e.getMessage(), file.toString(), "tensor 'b'", "outside the data section");
    }

    @Test
    void overlappingTensors() throws IOException {
        Path file = tmp.resolve("overlap.safetensors");
        writeRaw(file, "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 16);
        UqaException e = assertThrows(UqaException.class, () -> Safetensors.open(file));
        assertMentions(e.getMessage(), file.toString(), "'a'", "'b'", "overlap");
    }

    @Test
    void byteLengthThatDisagreesWithTheShape() throws IOException {
        Path file = tmp.resolve("short.safetensors");
        writeRaw(file, "{\"a\":{\"dtype\":\"BF16\",\"shape\":[3],\"data_offsets\":[0,8]}}", 8);
        UqaException e = assertThrows(UqaException.class, () -> Safetensors.open(file));
        assertMentions(e.getMessage(), file.toString(), "tensor 'a'", "expected 6");
    }

    @Test
    void unknownDtype() throws IOException {
        Path file = tmp.resolve("dtype.safetensors");
        writeRaw(file, "{\"a\":{\"dtype\":\"F8_E4M3\",\"shape\":[2],\"data_offsets\":[0,2]}}", 2);
        UqaException e = assertThrows(UqaException.class, () -> Safetensors.open(file));
        assertMentions(e.getMessage(), file.toString(), "tensor 'a'", "unknown dtype 'F8_E4M3'");
    }

    @Test
    void indexNamingAMissingShard() throws IOException {
        Files.move(dir.resolve("model.safetensors"), dir.resolve("model-00001-of-00002.safetensors"));
        Files.writeString(dir.resolve("model.safetensors.index.json"), "{\"metadata\":{},\"weight_map\":{"
                + "\"model.embed_tokens.weight\":\"model-00001-of-00002.safetensors\","
                + "\"model.norm.weight\":\"model-00002-of-00002.safetensors\"}}");
        assertMentions(loadFails(), "model.safetensors.index.json", "'model.norm.weight'",
                "'model-00002-of-00002.safetensors'", "does not exist");
    }

    @Test
    void tokenizerLargerThanTheModelVocabulary() throws IOException {
        editConfig("\"vocab_size\" : 20", "\"vocab_size\" : 12");
        Map<String, Tensor> weights = new LinkedHashMap<>(Safetensors.read(dir.resolve("model.safetensors")));
        weights.put("model.embed_tokens.weight", weights.get("model.embed_tokens.weight").narrow(0, 0, 12).contiguous());
        Safetensors.write(dir.resolve("model.safetensors"), weights);
        assertMentions(loadFails(), dir.resolve("tokenizer.json").toString(), "19", "vocab_size 12", "config.json");
    }

    @Test
    void aFailedLoadLeavesNothingBehindAndTheFolderStillLoadsWhenRepaired() throws IOException {
        String config = Files.readString(dir.resolve("config.json"));
        editConfig("\"model_type\" : \"qwen2\"", "\"model_type\" : \"gemma\"");
        loadFails();
        Files.writeString(dir.resolve("config.json"), config);
        assertEquals(20, HfFolder.load(dir, ComputeType.FP32).config().vocabSize());
    }

    private void editConfig(String from, String to) throws IOException {
        Path config = dir.resolve("config.json");
        String text = Files.readString(config);
        assertTrue(text.contains(from), "config.json should contain " + from + ":\n" + text);
        Files.writeString(config, text.replace(from, to));
    }

    private static void writeRaw(Path file, String header, int dataBytes) throws IOException {
        byte[] json = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer buffer = ByteBuffer.allocate(8 + json.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        buffer.putLong(json.length).put(json);
        Files.write(file, buffer.array());
    }
}
