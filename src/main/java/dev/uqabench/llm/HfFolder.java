package dev.uqabench.llm;

import dev.uqabench.base.AtomicFiles;
import dev.uqabench.base.ConfigLoader;

import dev.uqabench.base.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.uqabench.base.UqaException;
import dev.uqabench.tensor.DType;
import dev.uqabench.tensor.Safetensors;
import dev.uqabench.tensor.Tensors;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Reads and writes Hugging Face checkpoint folders: {@code config.json}, {@code model.safetensors} (or
 * shards listed in {@code model.safetensors.index.json}), {@code tokenizer.json},
 * {@code tokenizer_config.json} (chat template, special tokens) and {@code generation_config.json}.
 *
 * <p>Everything is validated before any weight is mapped, so a bad folder fails with a message naming
 * the file and the key or tensor, and nothing loaded half-way is returned.
 */
public final class HfFolder {
    public static final String CONFIG = "config.json";
    public static final String WEIGHTS = "model.safetensors";
    public static final String WEIGHTS_INDEX = "model.safetensors.index.json";
    public static final String TOKENIZER = "tokenizer.json";
    public static final String TOKENIZER_CONFIG = "tokenizer_config.json";
    public static final String GENERATION_CONFIG = "generation_config.json";

    private static final ObjectMapper JSON = Json.external();

    private HfFolder() {}

    /** The decoder, tokenizer, chat template and stop ids of the folder {@code dir}. */
    public static LoadedModel load(Path dir, ComputeType computeType) {
        Parts parts = readParts(dir);
        Decoder decoder;
        try {
            decoder = loadDecoder(dir, parts.config(), computeType);
        } catch (RuntimeException e) {
            parts.tokenizer().close();
            throw e;
        }
        return new LoadedModel(parts.config(), decoder, parts.tokenizer(), parts.template(), parts.stopIds());
    }

    /** Everything of a folder but the weights, checked: the tokenizer is open and the caller's to close. */
    private record Parts(DecoderConfig config, LlmTokenizer tokenizer, ChatTemplate template, List<Long> stopIds) {
    }

    private static Parts readParts(Path dir) {
        requireDirectory(dir);
        DecoderConfig config = readConfig(dir);
        Path tokenizerPath = dir.resolve(TOKENIZER);
        if (!Files.isRegularFile(tokenizerPath)) throw new UqaException(tokenizerPath + ": tokenizer file not found");
        JsonNode tokenizerConfig = readJsonIfPresent(dir.resolve(TOKENIZER_CONFIG));
        JsonNode generationConfig = readJsonIfPresent(dir.resolve(GENERATION_CONFIG));
        String bos = tokenText(tokenizerConfig, "bos_token");
        String eos = tokenText(tokenizerConfig, "eos_token");
        ChatTemplate template = null;
        String templateText = chatTemplateText(dir, tokenizerConfig);
        if (templateText != null) template = new ChatTemplate(dir.resolve(TOKENIZER_CONFIG).toString(), templateText, bos, eos);
        LlmTokenizer tokenizer = LlmTokenizer.load(tokenizerPath);
        try {
            if (tokenizer.vocabularySize() > config.vocabSize()) {
                throw new UqaException(tokenizerPath + ": token ids reach " + (tokenizer.vocabularySize() - 1)
                        + ", beyond vocab_size " + config.vocabSize() + " in " + dir.resolve(CONFIG));
            }
            Set<Long> stops = new LinkedHashSet<>();
            Path stopsFrom = dir.resolve(GENERATION_CONFIG);
            if (generationConfig != null) addIds(stops, generationConfig.get("eos_token_id"));
            if (stops.isEmpty()) {
                stopsFrom = dir.resolve(CONFIG);
                config.eosTokenIds().forEach(id -> stops.add((long) id));
            }
            for (long id : stops) {
                if (id < 0 || id >= config.vocabSize()) {
                    throw new UqaException(stopsFrom + ": eos_token_id " + id + " is outside the vocabulary [0, "
                            + config.vocabSize() + ")");
                }
            }
            if (eos != null) tokenizer.tokenId(eos).ifPresent(id -> stops.add((long) id));
            return new Parts(config, tokenizer, template, new ArrayList<>(stops));
        } catch (RuntimeException e) {
            tokenizer.close();
            throw e;
        }
    }

    /**
     * The compute dtype that keeps the checkpoint's precision at the least cost: BF16 when the weights are
     * stored in BF16 or F16 (no copy for BF16), FP32 when they are float32.
     */
    public static ComputeType checkpointComputeType(Path dir) {
        requireDirectory(dir);
        for (Safetensors.MappedFile file : new LinkedHashSet<>(openWeights(dir).values())) {
            for (Safetensors.Entry e : file.entries().values()) {
                if (e.dtype() == DType.BF16 || e.dtype() == DType.F16) return ComputeType.BF16;
            }
        }
        return ComputeType.FP32;
    }

    /** Only the decoder (config.json and weights), e.g. for golden tests of folders without a tokenizer. */
    public static Decoder loadDecoder(Path dir, ComputeType computeType) {
        requireDirectory(dir);
        return loadDecoder(dir, readConfig(dir), computeType);
    }

    public static DecoderConfig readConfig(Path dir) {
        Path path = dir.resolve(CONFIG);
        if (!Files.isRegularFile(path)) throw new UqaException(path + ": config file not found");
        try {
            return JSON.readValue(path.toFile(), DecoderConfig.class);
        } catch (IOException e) {
            Throwable cause = e;
            while (cause.getCause() != null && !(cause instanceof UqaException)) cause = cause.getCause();
            if (cause instanceof UqaException) throw new UqaException(path + ": " + cause.getMessage(), e);
            String problem = e.getMessage().lines().findFirst().orElse("cannot parse");
            if (e instanceof com.fasterxml.jackson.databind.JsonMappingException mapping
                    && !ConfigLoader.keyPath(mapping).isEmpty()) {
                throw new UqaException(path + ": config key '" + ConfigLoader.keyPath(mapping) + "': " + problem, e);
            }
            throw new UqaException(path + ": " + problem, e);
        }
    }

    /**
     * Checks a checkpoint folder without keeping anything: config.json, the tokenizer (its ids within the vocabulary),
     * the chat template, the stop ids, the weight files' headers against the config (every tensor present, of its
     * shape, floating-point, none unexpected) and every weight finite; the weights are read once and their mappings
     * released. What {@link #load} would refuse in the weights, refused before a run's first stage.
     */
    public static void validate(Path dir) {
        Parts parts = readParts(dir);
        parts.tokenizer().close();
        DecoderConfig config = parts.config();
        Map<String, Safetensors.MappedFile> fileOf = openWeights(dir);
        try {
            for (String name : checkTensors(dir, config, fileOf).keySet()) {
                Tensor t = fileOf.get(name).tensor(name);
                try {
                    DecoderWeights.requireFinite(fileOf.get(name).path(), name, t);
                } finally {
                    t.close();
                }
            }
        } finally {
            new LinkedHashSet<>(fileOf.values()).forEach(Safetensors.MappedFile::unmap);
        }
    }

    private static Decoder loadDecoder(Path dir, DecoderConfig config, ComputeType computeType) {
        Map<String, Safetensors.MappedFile> fileOf = openWeights(dir);
        Map<String, long[]> expected = checkTensors(dir, config, fileOf);
        Set<Safetensors.MappedFile> aliased = new LinkedHashSet<>();
        Map<String, Tensor> weights = mapWeights(fileOf, expected.keySet(), computeType.scalarType(), aliased);
        Decoder decoder = Decoder.fromWeights(config, weights, computeType.scalarType(), new ArrayList<>(aliased));
        // Files none of whose tensors is used in place: nothing points into them any more.
        for (Safetensors.MappedFile file : new LinkedHashSet<>(fileOf.values())) {
            if (!aliased.contains(file)) file.unmap();
        }
        return decoder;
    }

    /**
     * Each named weight, checked finite, as a tensor of {@code computeType}: one already of that dtype is used in place
     * (its file goes into {@code aliased} and stays mapped); any other is converted, one at a time, and its file pages
     * released as soon as its copy exists, so that loading a BF16 checkpoint in fp32 peaks at the converted weights
     * plus one tensor, not plus the whole checkpoint. On failure every mapping is released.
     */
    static Map<String, Tensor> mapWeights(Map<String, Safetensors.MappedFile> fileOf, Set<String> names,
                                          ScalarType computeType, Set<Safetensors.MappedFile> aliased) {
        Map<String, Tensor> weights = new LinkedHashMap<>();
        try {
            for (String name : names) {
                Safetensors.MappedFile file = fileOf.get(name);
                Tensor t = file.tensor(name);
                DecoderWeights.requireFinite(file.path(), name, t);
                if (Tensors.scalarType(t) == computeType) {
                    aliased.add(file);
                } else {
                    Tensor converted = Tensors.keep(t.to(computeType));
                    t.close();
                    file.release(name);
                    t = converted;
                }
                weights.put(name, t);
            }
            return weights;
        } catch (RuntimeException e) {
            weights.values().forEach(Tensor::close);
            new LinkedHashSet<>(fileOf.values()).forEach(Safetensors.MappedFile::unmap);
            throw e;
        }
    }

    /**
     * The weights {@code config} needs, by name and shape, after checking the files' headers hold each of them with
     * that shape and a floating-point dtype, and nothing else but what {@link #isIgnorable} allows.
     */
    private static Map<String, long[]> checkTensors(Path dir, DecoderConfig config,
                                                    Map<String, Safetensors.MappedFile> fileOf) {
        Map<String, long[]> expected = Decoder.expectedShapes(config);
        for (Map.Entry<String, long[]> e : expected.entrySet()) {
            Safetensors.MappedFile file = fileOf.get(e.getKey());
            if (file == null) {
                throw new UqaException(describeWeights(dir, fileOf) + ": missing tensor '" + e.getKey()
                        + "' (required by " + CONFIG + ")");
            }
            Safetensors.Entry entry = file.entries().get(e.getKey());
            if (!Arrays.equals(entry.shape(), e.getValue())) {
                throw new UqaException(file.path() + ": tensor '" + e.getKey() + "' has shape "
                        + Arrays.toString(entry.shape()) + ", expected " + Arrays.toString(e.getValue())
                        + " from " + CONFIG);
            }
            if (!entry.dtype().isFloatingPoint()) {
                throw new UqaException(file.path() + ": tensor '" + e.getKey() + "' has dtype "
                        + entry.dtype().safetensorsName() + ", expected F32, BF16 or F16");
            }
        }
        for (Map.Entry<String, Safetensors.MappedFile> e : fileOf.entrySet()) {
            if (expected.containsKey(e.getKey()) || isIgnorable(e.getKey(), config)) continue;
            throw new UqaException(e.getValue().path() + ": unexpected tensor '" + e.getKey() + "' for a "
                    + config.modelType() + " model as described by " + CONFIG);
        }
        return expected;
    }

    /** Rotary caches some older exports carry, and a tied head stored anyway; neither is read. */
    private static boolean isIgnorable(String name, DecoderConfig config) {
        return name.endsWith(".rotary_emb.inv_freq") || (config.tieWordEmbeddings() && name.equals("lm_head.weight"));
    }

    private static Map<String, Safetensors.MappedFile> openWeights(Path dir) {
        Path single = dir.resolve(WEIGHTS);
        Path index = dir.resolve(WEIGHTS_INDEX);
        Map<String, Safetensors.MappedFile> fileOf = new TreeMap<>();
        if (Files.isRegularFile(index)) {
            JsonNode weightMap = readJson(index).get("weight_map");
            if (weightMap == null || !weightMap.isObject()) throw new UqaException(index + ": key 'weight_map' is missing");
            Map<String, Safetensors.MappedFile> shards = new TreeMap<>();
            for (var it = weightMap.fields(); it.hasNext(); ) {
                var e = it.next();
                String shardName = e.getValue().asText();
                Path shard = dir.resolve(shardName).normalize();
                if (!shard.startsWith(dir.normalize()) || !Files.isRegularFile(shard)) {
                    throw new UqaException(index + ": tensor '" + e.getKey() + "' names shard '" + shardName
                            + "', which does not exist");
                }
                Safetensors.MappedFile file = shards.computeIfAbsent(shardName, n -> Safetensors.open(shard));
                if (!file.entries().containsKey(e.getKey())) {
                    throw new UqaException(shard + ": missing tensor '" + e.getKey() + "' (listed in " + WEIGHTS_INDEX + ")");
                }
                fileOf.put(e.getKey(), file);
            }
        } else if (Files.isRegularFile(single)) {
            Safetensors.MappedFile file = Safetensors.open(single);
            for (String name : file.entries().keySet()) fileOf.put(name, file);
        } else {
            throw new UqaException(dir + ": no weights (expected " + WEIGHTS + " or " + WEIGHTS_INDEX + ")");
        }
        return fileOf;
    }

    private static String describeWeights(Path dir, Map<String, Safetensors.MappedFile> fileOf) {
        Set<Path> files = new LinkedHashSet<>();
        fileOf.values().forEach(f -> files.add(f.path()));
        if (files.size() == 1) return files.iterator().next().toString();
        return Files.isRegularFile(dir.resolve(WEIGHTS_INDEX)) ? dir.resolve(WEIGHTS_INDEX).toString()
                : dir.resolve(WEIGHTS).toString();
    }

    /** Newer exports keep the template in {@code chat_template.jinja}; older ones in tokenizer_config.json. */
    private static String chatTemplateText(Path dir, JsonNode tokenizerConfig) {
        Path jinja = dir.resolve("chat_template.jinja");
        if (Files.isRegularFile(jinja)) {
            try {
                return Files.readString(jinja);
            } catch (IOException e) {
                throw new UqaException(jinja + ": cannot read: " + e.getMessage(), e);
            }
        }
        if (tokenizerConfig == null) return null;
        JsonNode node = tokenizerConfig.get("chat_template");
        if (node == null || node.isNull()) return null;
        if (node.isTextual()) return node.asText();
        if (node.isArray()) {
            for (JsonNode named : node) if ("default".equals(named.path("name").asText())) return named.path("template").asText();
        }
        throw new UqaException(dir.resolve(TOKENIZER_CONFIG) + ": key 'chat_template' is neither text nor a list with a 'default' entry");
    }

    /** bos_token / eos_token: a string or an AddedToken object {"content": ...}. */
    private static String tokenText(JsonNode tokenizerConfig, String key) {
        if (tokenizerConfig == null) return null;
        JsonNode node = tokenizerConfig.get(key);
        if (node == null || node.isNull()) return null;
        if (node.isTextual()) return node.asText();
        if (node.has("content")) return node.get("content").asText();
        return null;
    }

    private static void addIds(Set<Long> ids, JsonNode node) {
        if (node == null || node.isNull()) return;
        if (node.isArray()) node.forEach(n -> ids.add(n.asLong()));
        else ids.add(node.asLong());
    }

    /**
     * Writes {@code decoder} as a Hugging Face folder with weights stored as {@code storage}. Files are
     * written into a temporary folder beside {@code dir}, which then replaces {@code dir}.
     */
    public static void save(Decoder decoder, Path dir, Path tokenizerJson, String chatTemplate, String bosToken,
                            String eosToken, DType storage) {
        if (!storage.isFloatingPoint()) throw new UqaException("weights cannot be stored as " + storage);
        if (!Files.isRegularFile(tokenizerJson)) throw new UqaException(tokenizerJson + ": tokenizer file not found");
        Long eosId;
        Long bosId;
        try (LlmTokenizer tokenizer = LlmTokenizer.load(tokenizerJson)) {
            eosId = eosToken == null ? null : tokenizer.tokenId(eosToken).map(Long::valueOf).orElseThrow(() ->
                    new UqaException(tokenizerJson + ": eos token '" + eosToken + "' is not in the vocabulary"));
            bosId = bosToken == null ? null : tokenizer.tokenId(bosToken).map(Long::valueOf).orElseThrow(() ->
                    new UqaException(tokenizerJson + ": bos token '" + bosToken + "' is not in the vocabulary"));
        }
        if (chatTemplate != null) new ChatTemplate("chat template", chatTemplate, bosToken, eosToken)
                .render(List.of(ChatTemplate.Message.user("test")), true);
        DecoderConfig config = decoder.config().withSpecialTokens(bosId == null ? null : bosId.intValue(),
                eosId == null ? List.of() : List.of(eosId.intValue()));
        Path target = dir.toAbsolutePath().normalize();
        AtomicFiles.writeFolder(target, temp -> {
            ObjectNode configJson = JSON.valueToTree(config);
            configJson.putArray("architectures").add(config.type() == DecoderConfig.ModelType.QWEN2
                    ? "Qwen2ForCausalLM" : "LlamaForCausalLM");
            configJson.put("torch_dtype", switch (storage) {
                case BF16 -> "bfloat16";
                case F16 -> "float16";
                default -> "float32";
            });
            JSON.writeValue(temp.resolve(CONFIG).toFile(), configJson);
            Map<String, Tensor> stored = new LinkedHashMap<>();
            decoder.stateDict().forEach((name, w) -> stored.put(name, w.detach().to(storage.scalarType())));
            Safetensors.write(temp.resolve(WEIGHTS), stored, Map.of("format", "pt"));
            Files.copy(tokenizerJson, temp.resolve(TOKENIZER));
            ObjectNode tokenizerConfig = JSON.createObjectNode();
            if (bosToken != null) tokenizerConfig.put("bos_token", bosToken);
            if (eosToken != null) tokenizerConfig.put("eos_token", eosToken);
            if (chatTemplate != null) tokenizerConfig.put("chat_template", chatTemplate);
            tokenizerConfig.put("model_max_length", config.maxPositionEmbeddings());
            JSON.writeValue(temp.resolve(TOKENIZER_CONFIG).toFile(), tokenizerConfig);
            ObjectNode generation = JSON.createObjectNode();
            if (bosId != null) generation.put("bos_token_id", bosId);
            if (eosId != null) generation.put("eos_token_id", eosId);
            JSON.writeValue(temp.resolve(GENERATION_CONFIG).toFile(), generation);
            return null;
        });
    }

    private static void requireDirectory(Path dir) {
        if (!Files.isDirectory(dir)) throw new UqaException(dir + ": model folder not found");
    }

    private static JsonNode readJson(Path path) {
        try {
            return JSON.readTree(path.toFile());
        } catch (IOException e) {
            throw new UqaException(path + ": not valid JSON: " + e.getMessage().lines().findFirst().orElse(""), e);
        }
    }

    private static JsonNode readJsonIfPresent(Path path) {
        return Files.isRegularFile(path) ? readJson(path) : null;
    }

    /** Bytes of the weight files, for memory figures. */
    public static long weightBytes(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".safetensors")).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    throw new UqaException(p + ": cannot read size", e);
                }
            }).sum();
        } catch (IOException e) {
            throw new UqaException(dir + ": cannot list: " + e.getMessage(), e);
        }
    }

}
