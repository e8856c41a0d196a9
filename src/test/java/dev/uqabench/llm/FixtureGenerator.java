package dev.uqabench.llm;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.uqabench.tensor.DType;
import dev.uqabench.tensor.Safetensors;
import dev.uqabench.tensor.Tensors;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * Regenerates our own golden fixtures under {@code src/test/resources/llm/fixtures}: random weights
 * (java.util.Random, fixed seeds), saved in Hugging Face layout, with expected outputs computed by
 * {@link NaiveDecoder} (plain Java, double accumulation; itself checked against the shared
 * Python-made fixture). Same layout and keys as {@code ../shared/fixtures/decoder-qwen2-tiny}.
 *
 * <p>Run: {@code java -cp target/test-classes:target/classes:<deps> dev.uqabench.llm.FixtureGenerator}
 */
public final class FixtureGenerator {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    static final Path ROOT = Path.of("src", "test", "resources", "llm", "fixtures");

    private record Variant(String name, String description, ObjectNode config, DType storage, int shards, long seed) {}

    public static void main(String[] args) throws IOException {
        Path root = args.length > 0 ? Path.of(args[0]) : ROOT;
        for (Variant v : variants()) {
            try (PointerScope scope = new PointerScope()) {
                generate(root.resolve(v.name()), v);
            }
            System.out.println("wrote " + root.resolve(v.name()));
        }
    }

    private static ObjectNode base(String type, int kvHeads, boolean tied) {
        ObjectNode c = JSON.createObjectNode();
        c.put("model_type", type);
        c.put("vocab_size", 48);
        c.put("hidden_size", 32);
        c.put("intermediate_size", 40);
        c.put("num_hidden_layers", 2);
        c.put("num_attention_heads", 4);
        c.put("num_key_value_heads", kvHeads);
        c.put("max_position_embeddings", 128);
        c.put("rope_theta", 10000.0);
        c.put("rms_norm_eps", 1e-6);
        c.put("tie_word_embeddings", tied);
        c.put("hidden_act", "silu");
        c.put("torch_dtype", "float32");
        return c;
    }

    static Variant[] variants() {
        ObjectNode bf16 = base("qwen2", 2, true);
        bf16.put("torch_dtype", "bfloat16");
        ObjectNode sharded = base("qwen2", 2, false);
        ObjectNode mqa = base("qwen2", 1, true);
        mqa.put("head_dim", 12);                                  // differs from hidden / heads = 8
        ObjectNode llama = base("llama", 2, false);
        llama.put("rope_theta", 500000.0);
        llama.put("rms_norm_eps", 1e-5);
        llama.put("attention_bias", false);
        ObjectNode llama3 = base("llama", 2, true);
        llama3.put("attention_bias", true);                       // q/k/v and o_proj bias
        ObjectNode scaling = llama3.putObject("rope_scaling");
        scaling.put("rope_type", "llama3");
        scaling.put("factor", 8.0);
        scaling.put("low_freq_factor", 1.0);
        scaling.put("high_freq_factor", 4.0);
        scaling.put("original_max_position_embeddings", 16);
        ObjectNode linear = base("llama", 4, false);
        ObjectNode linearScaling = linear.putObject("rope_scaling");
        linearScaling.put("type", "linear");
        linearScaling.put("factor", 2.0);
        return new Variant[] {
                new Variant("decoder-qwen2-bf16", "Qwen2, tied head, weights stored as BF16", bf16, DType.BF16, 1, 101),
                new Variant("decoder-qwen2-sharded-untied", "Qwen2, untied lm_head, weights in 2 shards + index",
                        sharded, DType.F32, 2, 102),
                new Variant("decoder-qwen2-mqa", "Qwen2, multi-query attention (1 KV head), head_dim 12 given",
                        mqa, DType.F32, 1, 103),
                new Variant("decoder-llama", "Llama, untied, no bias, rope_theta 500000, eps 1e-5", llama, DType.F32, 1, 104),
                new Variant("decoder-llama3-rope", "Llama with llama3 rope_scaling (original context 16) and attention_bias",
                        llama3, DType.F32, 1, 105),
                new Variant("decoder-llama-linear-rope", "Llama, MHA (4 KV heads), linear rope_scaling factor 2",
                        linear, DType.F32, 1, 106),
        };
    }

    private static void generate(Path dir, Variant v) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("config.json"), JSON.writeValueAsString(v.config()));
        DecoderConfig config = HfFolder.readConfig(dir);
        Random random = new Random(v.seed());
        Map<String, float[]> weights = new TreeMap<>();
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (Map.Entry<String, long[]> e : Decoder.expectedShapes(config).entrySet()) {
            long[] shape = e.getValue();
            int n = 1;
            for (long s : shape) n *= (int) s;
            float[] values = new float[n];
            boolean norm = e.getKey().endsWith("norm.weight");
            for (int i = 0; i < n; i++) {
                float value = (float) ((norm ? 1 : 0) + random.nextGaussian() * (norm ? 0.1 : 0.15));
                values[i] = v.storage() == DType.BF16 ? roundToBf16(value) : value;
            }
            weights.put(e.getKey(), values);
            tensors.put(e.getKey(), Tensors.fromFloats(values, shape).to(v.storage().scalarType()));
        }
        writeWeights(dir, tensors, v.shards());

        NaiveDecoder naive = new NaiveDecoder(config, weights);
        int vocab = config.vocabSize(), hidden = config.hiddenSize();
        Map<String, Tensor> expected = new TreeMap<>();
        long[] plain = new long[2 * 12];
        for (int i = 0; i < plain.length; i++) plain[i] = random.nextInt(vocab);
        float[] plainLogits = new float[2 * 12 * vocab];
        for (int row = 0; row < 2; row++) {
            double[][] x = new double[12][];
            for (int i = 0; i < 12; i++) x[i] = naive.embed(plain[row * 12 + i]);
            copy(naive.forward(x), plainLogits, row * 12 * vocab);
        }
        expected.put("plain.input_ids", Tensors.fromLongs(plain, 2, 12));
        expected.put("plain.logits", Tensors.fromFloats(plainLogits, 2, 12, vocab));

        float[] prefix = new float[3 * hidden];
        for (int i = 0; i < prefix.length; i++) prefix[i] = (float) random.nextGaussian();
        long[] soft = new long[9];
        for (int i = 0; i < soft.length; i++) soft[i] = random.nextInt(vocab);
        double[][] x = new double[12][];
        for (int i = 0; i < 3; i++) {
            x[i] = new double[hidden];
            for (int j = 0; j < hidden; j++) x[i][j] = prefix[i * hidden + j];
        }
        for (int i = 0; i < 9; i++) x[3 + i] = naive.embed(soft[i]);
        float[] softLogits = new float[12 * vocab];
        copy(naive.forward(x), softLogits, 0);
        expected.put("soft.prefix_embeds", Tensors.fromFloats(prefix, 1, 3, hidden));
        expected.put("soft.input_ids", Tensors.fromLongs(soft, 1, 9));
        expected.put("soft.logits", Tensors.fromFloats(softLogits, 1, 12, vocab));

        long[] prompt = new long[5];
        for (int i = 0; i < prompt.length; i++) prompt[i] = random.nextInt(vocab);
        expected.put("greedy.input_ids", Tensors.fromLongs(prompt, 1, 5));
        expected.put("greedy.generated_ids", Tensors.fromLongs(naive.greedy(prompt, 6), 1, 6));
        Safetensors.write(dir.resolve("expected.safetensors"), expected);
        Files.writeString(dir.resolve("README.md"), "# " + v.name() + "\n\n" + v.description() + ".\n\n"
                + "Random weights (java.util.Random seed " + v.seed() + "); expected outputs computed by the\n"
                + "independent plain-Java reference `NaiveDecoder` (double accumulation), which matches the\n"
                + "Python-made `../shared/fixtures/decoder-qwen2-tiny` within 1e-4. Keys as in that fixture.\n"
                + "Regenerate with `dev.uqabench.llm.FixtureGenerator` (src/test).\n");
    }

    private static void writeWeights(Path dir, Map<String, Tensor> tensors, int shards) throws IOException {
        if (shards == 1) {
            Safetensors.write(dir.resolve("model.safetensors"), tensors, Map.of("format", "pt"));
            return;
        }
        ObjectNode index = JSON.createObjectNode();
        index.putObject("metadata");
        ObjectNode weightMap = index.putObject("weight_map");
        int i = 0, perShard = (tensors.size() + shards - 1) / shards;
        Map<Integer, Map<String, Tensor>> parts = new TreeMap<>();
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            int shard = i++ / perShard;
            String file = String.format("model-%05d-of-%05d.safetensors", shard + 1, shards);
            parts.computeIfAbsent(shard, k -> new LinkedHashMap<>()).put(e.getKey(), e.getValue());
            weightMap.put(e.getKey(), file);
        }
        for (Map.Entry<Integer, Map<String, Tensor>> p : parts.entrySet()) {
            String file = String.format("model-%05d-of-%05d.safetensors", p.getKey() + 1, shards);
            Safetensors.write(dir.resolve(file), p.getValue(), Map.of("format", "pt"));
        }
        Files.writeString(dir.resolve("model.safetensors.index.json"), JSON.writeValueAsString(index));
    }

    private static void copy(double[][] rows, float[] out, int offset) {
        int k = offset;
        for (double[] row : rows) for (double value : row) out[k++] = (float) value;
    }

    /** Round-to-nearest-even to bfloat16, as torch does, kept in a float. */
    static float roundToBf16(float value) {
        int bits = Float.floatToRawIntBits(value);
        int rounding = ((bits >> 16) & 1) + 0x7FFF;
        return Float.intBitsToFloat((bits + rounding) & 0xFFFF0000);
    }
}
