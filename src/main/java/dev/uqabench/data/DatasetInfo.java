package dev.uqabench.data;

import dev.uqabench.base.Json;
import dev.uqabench.base.AtomicFiles;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import dev.uqabench.base.UqaException;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * {@code dataset.json}: what a release-layout folder holds and how it was made (provenance in the
 * Tribuo sense). Unknown keys are an error naming the key.
 *
 * @param source     where the data came from: "synthetic", "uqabench-release", "recbole:DIR", "csv:FILE"
 * @param tableSizes rows of each embedding table by {@link Table#key()}; every id is {@code < size}
 * @param tokenizer  the tokenizer that made the {@code *_bpe_token_ids}
 * @param counts     users, items, events
 * @param split      how histories and futures were cut
 * @param warnings   what the importer found that weakens some questions (tied timestamps, ratings read as
 *                   clicks), one sentence each; null or empty when none
 * @param nouns      the words questions use for the item and its attributes ({@link #NOUN_KEYS}, e.g.
 *                   item=film, category=genre); null: item, category, brand, shop
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DatasetInfo(
        @JsonProperty(value = "source", required = true) String source,
        @JsonProperty(value = "table_sizes", required = true) Map<String, Long> tableSizes,
        @JsonProperty(value = "tokenizer", required = true) TokenizerInfo tokenizer,
        @JsonProperty("counts") Counts counts,
        @JsonProperty("split") Split split,
        @JsonProperty("warnings") List<String> warnings,
        @JsonProperty("nouns") Map<String, String> nouns) {

    public static final String FILE_NAME = "dataset.json";
    /** The keys of {@code nouns}. */
    public static final List<String> NOUN_KEYS = List.of("item", "category", "brand", "shop");
    private static final Pattern NOUN = Pattern.compile("[a-z][a-z' -]{0,29}");

    private static final ObjectMapper JSON = Json.mapper();

    /**
     * The tokenizer of the token-id features.
     *
     * @param name   e.g. "word-level" or "Qwen2"
     * @param path   where it was read from or written to (relative to the folder when beside the data)
     * @param sha256 hash of the {@code tokenizer.json} bytes, so a mismatched tokenizer is detectable
     */
    public record TokenizerInfo(@JsonProperty(value = "name", required = true) String name,
                                @JsonProperty("path") String path,
                                @JsonProperty("sha256") String sha256) {
        public TokenizerInfo {
            require(name != null && !name.isBlank(), "tokenizer.name must be non-empty");
        }

        /** Describes {@code tokenizerJson}, hashing its bytes; {@code recordedPath} is what is written down. */
        public static TokenizerInfo of(String name, Path tokenizerJson, String recordedPath) {
            return new TokenizerInfo(name, recordedPath, DatasetInfo.sha256(tokenizerJson));
        }
    }

    /** Sizes of the data; row counts of the files in the folder. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Counts(@JsonProperty(value = "users", required = true) long users,
                         @JsonProperty(value = "items", required = true) long items,
                         @JsonProperty(value = "events", required = true) long events,
                         @JsonProperty("train_users") Long trainUsers,
                         @JsonProperty("eval_users") Long evalUsers) {
        public Counts {
            require(users >= 0 && items >= 0 && events >= 0, "counts must be >= 0");
            require(trainUsers == null || trainUsers >= 0, "counts.train_users must be >= 0");
            require(evalUsers == null || evalUsers >= 0, "counts.eval_users must be >= 0");
        }
    }

    /**
     * The time split of each user's sequence into history and future, and of users into train and held-out.
     *
     * @param futureFraction       share of each sequence's last events held out as its future (at least one)
     * @param heldOutUserFraction  share of users whose histories form {@code pretrain_data_eval}
     * @param minEvents            users with fewer events were dropped
     * @param seed                 seed of the user split
     */
    public record Split(@JsonProperty(value = "future_fraction", required = true) double futureFraction,
                        @JsonProperty(value = "held_out_user_fraction", required = true) double heldOutUserFraction,
                        @JsonProperty(value = "min_events", required = true) int minEvents,
                        @JsonProperty(value = "seed", required = true) long seed) {
        public Split {
            require(futureFraction > 0 && futureFraction < 1, "split.future_fraction must be in (0, 1), got " + futureFraction);
            require(heldOutUserFraction >= 0 && heldOutUserFraction < 1,
                    "split.held_out_user_fraction must be in [0, 1), got " + heldOutUserFraction);
            require(minEvents >= 2, "split.min_events must be >= 2 (one history and one future event), got " + minEvents);
        }
    }

    public DatasetInfo {
        require(source != null && !source.isBlank(), "source must be non-empty");
        Objects.requireNonNull(tableSizes, "table_sizes");
        Objects.requireNonNull(tokenizer, "tokenizer");
        Map<String, Long> ordered = new LinkedHashMap<>();
        for (Table table : Table.values()) {
            Long size = tableSizes.get(table.key());
            require(size != null, "table_sizes lacks '" + table.key() + "'");
            require(size >= 1, "table_sizes." + table.key() + " must be >= 1, got " + size);
            ordered.put(table.key(), size);
        }
        for (String key : tableSizes.keySet()) {
            require(ordered.containsKey(key), "table_sizes has unknown table '" + key
                    + "' (expected item_id, cate_id, brand_id, shop_id, seller_id, bpe_tokens)");
        }
        tableSizes = java.util.Collections.unmodifiableMap(ordered);
        warnings = warnings == null || warnings.isEmpty() ? null : List.copyOf(warnings);
        if (nouns != null) {
            checkNouns(nouns);
            nouns = nouns.isEmpty() ? null : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(nouns));
        }
    }

    /**
     * Checks declared nouns: keys among {@link #NOUN_KEYS}, values lower-case English nouns.
     *
     * @throws IllegalArgumentException naming the key ("nouns.item: ...")
     */
    public static void checkNouns(Map<String, String> nouns) {
        for (Map.Entry<String, String> noun : nouns.entrySet()) {
            require(NOUN_KEYS.contains(noun.getKey()), "nouns: unknown key '" + noun.getKey() + "' (expected one of "
                    + NOUN_KEYS + ")");
            require(noun.getValue() != null && NOUN.matcher(noun.getValue()).matches(), "nouns." + noun.getKey()
                    + ": expected a lower-case English noun (letters, space, hyphen, apostrophe; at most 30 characters), got '"
                    + noun.getValue() + "'");
        }
    }

    /** Without warnings or nouns. */
    public DatasetInfo(String source, Map<String, Long> tableSizes, TokenizerInfo tokenizer, Counts counts, Split split) {
        this(source, tableSizes, tokenizer, counts, split, null, null);
    }

    /** The same, with {@code newWarnings} and {@code newNouns}. */
    public DatasetInfo withNotes(List<String> newWarnings, Map<String, String> newNouns) {
        return new DatasetInfo(source, tableSizes, tokenizer, counts, split, newWarnings, newNouns);
    }

    /** Warnings recorded by the importer; empty when none. */
    @JsonIgnore
    public List<String> warningList() {
        return warnings == null ? List.of() : warnings;
    }

    /** Declared nouns by key; empty when none. */
    @JsonIgnore
    public Map<String, String> nounMap() {
        return nouns == null ? Map.of() : nouns;
    }

    /** Table sizes of the published UQABench release ({@code config.py} of the reference), Qwen2 BPE ids. */
    public static DatasetInfo uqabenchRelease(TokenizerInfo tokenizer) {
        Map<Table, Long> sizes = new EnumMap<>(Table.class);
        sizes.put(Table.ITEM, 994_447L);
        sizes.put(Table.CATEGORY, 9_330L);
        sizes.put(Table.BRAND, 149_750L);
        sizes.put(Table.SHOP, 268_446L);
        sizes.put(Table.SELLER, 268_446L);
        sizes.put(Table.TOKENS, 151_936L);
        return new DatasetInfo("uqabench-release", byKey(sizes), tokenizer, null, null);
    }

    public static Map<String, Long> byKey(Map<Table, Long> sizes) {
        Map<String, Long> out = new LinkedHashMap<>();
        sizes.forEach((table, size) -> out.put(table.key(), size));
        return out;
    }

    public long tableSize(Table table) {
        return tableSizes.get(table.key());
    }

    /** Table sizes keyed by {@link Table}, for {@code ReadOptions}. */
    @JsonIgnore
    public Map<Table, Long> tableSizesByTable() {
        Map<Table, Long> out = new EnumMap<>(Table.class);
        for (Table table : Table.values()) {
            out.put(table, tableSize(table));
        }
        return out;
    }

    /** Reads {@code DIR/dataset.json}. */
    public static DatasetInfo read(Path directory) {
        Path file = directory.resolve(FILE_NAME);
        if (!Files.isRegularFile(file)) {
            throw new UqaException(file + ": file not found");
        }
        try {
            JsonNode tree = JSON.readTree(file.toFile());
            checkKeys(tree, DatasetInfo.class, "");
            return JSON.treeToValue(tree, DatasetInfo.class);
        } catch (UnrecognizedPropertyException e) {
            throw new UqaException(file + ": unknown key '" + e.getPropertyName() + "' (known: " + e.getKnownPropertyIds() + ")", e);
        } catch (UqaException e) {
            throw new UqaException(file + ": " + e.getMessage(), e);
        } catch (com.fasterxml.jackson.databind.exc.MismatchedInputException e) {
            // name the key and what it must hold, not Jackson's Java types
            String key = keyPath(e);
            String problem = e.getOriginalMessage().startsWith("Missing required creator property")
                    ? "is missing" : "has the wrong type (" + firstLine(e.getOriginalMessage()).replaceAll("`[a-z.]+\\.([A-Za-z]+)`", "$1") + ")";
            throw new UqaException(file + ": key '" + key + "' " + problem, e);
        } catch (JsonProcessingException e) {
            Throwable cause = e.getCause() instanceof IllegalArgumentException ? e.getCause() : e;
            throw new UqaException(file + ": " + (cause == e ? firstLine(e.getOriginalMessage()) : cause.getMessage()), e);
        } catch (IOException e) {
            throw new UqaException(file + ": cannot read (" + e.getMessage() + ")", e);
        }
    }

    private static String keyPath(com.fasterxml.jackson.databind.JsonMappingException e) {
        StringBuilder sb = new StringBuilder();
        for (com.fasterxml.jackson.databind.JsonMappingException.Reference r : e.getPath()) {
            if (r.getFieldName() != null) {
                sb.append(sb.length() == 0 ? "" : ".").append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                sb.append('[').append(r.getIndex()).append(']');
            }
        }
        String missing = e.getOriginalMessage().startsWith("Missing required creator property")
                ? e.getOriginalMessage().replaceAll("(?s)^Missing required creator property '([^']*)'.*$", "$1") : null;
        if (missing != null && !sb.toString().equals(missing) && !sb.toString().endsWith("." + missing)) {
            sb.append(sb.length() == 0 ? "" : ".").append(missing);
        }
        return sb.length() == 0 ? "(top level)" : sb.toString();
    }

    private static String firstLine(String message) {
        return message == null ? "" : message.lines().findFirst().orElse("");
    }

    /**
     * Unknown keys are reported before anything else (Jackson would first complain about the
     * required key that a misspelt one replaced), naming the full path of the key.
     */
    private static void checkKeys(JsonNode node, Class<? extends Record> type, String prefix) {
        if (node == null || !node.isObject()) {
            return;
        }
        Map<String, Class<?>> known = new LinkedHashMap<>();
        for (RecordComponent component : type.getRecordComponents()) {
            JsonProperty property = component.getAccessor().getAnnotation(JsonProperty.class);
            if (property == null) {
                property = component.getAnnotation(JsonProperty.class);
            }
            known.put(property != null ? property.value() : component.getName(), component.getType());
        }
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            Class<?> child = known.get(name);
            if (!known.containsKey(name)) {
                throw new UqaException("unknown key '" + prefix + name + "' (known: " + known.keySet() + ")");
            }
            if (child.isRecord()) {
                @SuppressWarnings("unchecked")
                Class<? extends Record> record = (Class<? extends Record>) child;
                checkKeys(node.get(name), record, prefix + name + ".");
            }
        }
    }

    /** Reads {@code DIR/dataset.json} if present. */
    public static Optional<DatasetInfo> readIfPresent(Path directory) {
        return Files.isRegularFile(directory.resolve(FILE_NAME)) ? Optional.of(read(directory)) : Optional.empty();
    }

    /** Writes {@code DIR/dataset.json} atomically. */
    public void write(Path directory) {
        try {
            AtomicFiles.writeString(directory.resolve(FILE_NAME), JSON.writeValueAsString(this) + "\n");
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String sha256(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (IOException e) {
            throw new UqaException(file + ": cannot read (" + e.getMessage() + ")", e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
