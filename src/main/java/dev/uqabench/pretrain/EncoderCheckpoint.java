package dev.uqabench.pretrain;

import dev.uqabench.base.Json;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.uqabench.encoder.EncoderConfig;
import dev.uqabench.encoder.EncoderKind;
import dev.uqabench.encoder.EncoderRegistry;
import dev.uqabench.encoder.FeatureEmbedding;
import dev.uqabench.nn.Init;
import dev.uqabench.nn.Params;
import dev.uqabench.encoder.TableRows;
import dev.uqabench.encoder.TableSizes;
import dev.uqabench.data.Table;
import dev.uqabench.tensor.DType;
import dev.uqabench.tensor.Safetensors;
import java.util.EnumMap;
import org.bytedeco.javacpp.PointerScope;
import dev.uqabench.encoder.UserEncoder;
import dev.uqabench.encoder.UserModel;
import dev.uqabench.base.UqaException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bytedeco.pytorch.Context;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.StringTensorDict;
import org.bytedeco.pytorch.Tensor;

/**
 * Encoder checkpoints: a directory with {@code model.safetensors} (every weight of the
 * {@link UserModel}) and {@code encoder.json} (the pre-training config, table sizes and metrics);
 * resumable ones add {@code optimizer.safetensors} and {@code trainer.json}.
 */
public final class EncoderCheckpoint {

    static final String FORMAT = "uqabench-encoder/1";
    static final String MODEL_FILE = "model.safetensors";
    static final String CONFIG_FILE = "encoder.json";
    /** The occurring ids of compacted tables ({@link TableRows}), int64 tensors named by table key; absent: whole tables. */
    static final String TABLE_IDS_FILE = "table_ids.safetensors";
    static final ObjectMapper JSON = Json.mapper();

    /**
     * Contents of {@code encoder.json}.
     *
     * @param format        {@link #FORMAT}
     * @param pretrain      the run's config
     * @param encoderConfig the preset's encoder shape at save time (checked against the registry on load)
     * @param hiddenSize    width of the user states
     * @param tableSizes    rows per table, keyed like {@code dataset.json}
     * @param catalogueSizes the data's id ranges when some tables were compacted ({@link #TABLE_IDS_FILE}); else null
     * @param epoch         epoch the weights come from
     * @param step          optimisation steps done
     * @param metrics       evaluation metrics of that epoch
     */
    record Manifest(String format, PretrainConfig pretrain, Map<String, Object> encoderConfig, int hiddenSize,
                    Map<String, Long> tableSizes, Map<String, Long> catalogueSizes, int epoch, long step,
                    Map<String, Double> metrics) {
    }

    private EncoderCheckpoint() {
    }

    /** A freshly initialised model for a config (weights seeded by {@code config.seed()}). */
    public static UserModel newModel(PretrainConfig config, TableSizes tableSizes) {
        return newModel(config, TableRows.identity(tableSizes));
    }

    /** A freshly initialised model whose tables have {@code tableRows.rows()} rows (weights seeded by {@code config.seed()}). */
    public static UserModel newModel(PretrainConfig config, TableRows tableRows) {
        // subnormal floats (tiny Adam moments, long SSM decays) are 5-10x slower on x86: flush them
        // to zero on this thread, and so on the libtorch worker threads it starts later
        Context.setFlushDenormal(true);
        EncoderKind<?> kind = EncoderRegistry.kind(config.encoder());
        EncoderConfig encoderConfig = kind.preset(config.preset());
        Generator generator = Init.generator(config.seed());
        UserEncoder encoder = kind.build(encoderConfig, config.maxLength(), generator);
        FeatureEmbedding embedding = new FeatureEmbedding(config.featureSet(), tableRows, encoder.hiddenSize(), generator);
        return new UserModel(embedding, encoder, generator);
    }

    /**
     * Loads the checkpoint in {@code directory} (or in its {@code best/} subdirectory, the layout
     * {@link Pretrainer} writes). The model is returned in eval mode.
     */
    public static LoadedEncoder load(Path directory) {
        Path dir = Files.exists(directory.resolve(CONFIG_FILE)) ? directory : directory.resolve(Pretrainer.BEST_DIR);
        Manifest manifest = readManifest(dir);
        TableRows rows = tableRows(dir, manifest);
        UserModel model = newModel(manifest.pretrain(), rows);
        CheckpointIO.readInto(dir.resolve(MODEL_FILE), namedParameters(model));
        model.eval();
        return new LoadedEncoder(model, manifest.pretrain(), rows.rows(), manifest.hiddenSize(),
                manifest.metrics() == null ? Map.of() : manifest.metrics());
    }

    /** How ids map to rows: whole tables, or the compacted ones of {@link #TABLE_IDS_FILE}. */
    static TableRows tableRows(Path dir, Manifest manifest) {
        TableSizes sizes = TableSizes.fromKeys(manifest.tableSizes());
        Path idsFile = dir.resolve(TABLE_IDS_FILE);
        if (manifest.catalogueSizes() == null) {
            if (Files.exists(idsFile)) {
                throw new UqaException(dir.resolve(CONFIG_FILE) + ": has no 'catalogue_sizes' but " + idsFile + " exists");
            }
            return TableRows.identity(sizes);
        }
        TableSizes catalogue = TableSizes.fromKeys(manifest.catalogueSizes());
        Map<Table, long[]> occurring = new EnumMap<>(Table.class);
        Safetensors.MappedFile mapped = Safetensors.open(idsFile);
        try (PointerScope scope = new PointerScope()) {
            for (Table table : Table.values()) {
                if (!mapped.entries().containsKey(table.key())) {
                    continue;
                }
                Safetensors.Entry entry = mapped.entries().get(table.key());
                if (entry.dtype() != DType.I64 || entry.shape().length != 1) {
                    throw new UqaException(idsFile + ": tensor '" + table.key() + "' must be a 1-d I64 tensor");
                }
                long[] ids = new long[(int) entry.numel()];
                mapped.tensor(table.key()).contiguous().data_ptr_long().get(ids);
                occurring.put(table, ids);
            }
        } finally {
            mapped.unmap();
        }
        TableRows rows;
        try {
            rows = TableRows.compacted(catalogue, occurring);
        } catch (UqaException e) {
            throw new UqaException(idsFile + ": " + e.getMessage(), e);
        }
        if (!rows.rows().equals(sizes)) {
            throw new UqaException(idsFile + ": its ids give tables of " + rows.rows().byKey() + " rows, "
                    + dir.resolve(CONFIG_FILE) + " says " + sizes.byKey());
        }
        return rows;
    }

    static Manifest readManifest(Path dir) {
        Path file = dir.resolve(CONFIG_FILE);
        if (!Files.exists(file)) {
            throw new UqaException("no encoder checkpoint in " + dir + " (" + CONFIG_FILE + " is missing)");
        }
        Manifest manifest;
        try {
            manifest = JSON.readValue(file.toFile(), Manifest.class);
        } catch (UqaException e) {
            throw new UqaException(file + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UqaException(file + " is not a valid encoder config: " + e.getMessage(), e);
        }
        if (!FORMAT.equals(manifest.format())) {
            throw new UqaException(file + ": format '" + manifest.format() + "', expected '" + FORMAT + "'");
        }
        if (manifest.pretrain() == null || manifest.tableSizes() == null) {
            throw new UqaException(file + ": 'pretrain' and 'tableSizes' are required");
        }
        EncoderConfig current = EncoderRegistry.kind(manifest.pretrain().encoder()).preset(manifest.pretrain().preset());
        Map<String, Object> currentMap = JSON.convertValue(current, JSON.getTypeFactory()
                .constructMapType(LinkedHashMap.class, String.class, Object.class));
        if (manifest.encoderConfig() != null && !currentMap.equals(manifest.encoderConfig())) {
            throw new UqaException(file + ": preset '" + manifest.pretrain().preset() + "' of "
                    + manifest.pretrain().encoder() + " was " + manifest.encoderConfig() + " when saved, now "
                    + currentMap);
        }
        return manifest;
    }

    /** Writes weights and manifest into {@code dir} (which must exist and be empty). */
    static void writeModel(Path dir, UserModel model, PretrainConfig config, int epoch, long step,
                           Map<String, Double> metrics) throws IOException {
        CheckpointIO.write(dir.resolve(MODEL_FILE), namedParameters(model), Map.of("format", FORMAT));
        EncoderConfig encoderConfig = EncoderRegistry.kind(config.encoder()).preset(config.preset());
        Map<String, Object> encoderMap = JSON.convertValue(encoderConfig, JSON.getTypeFactory()
                .constructMapType(LinkedHashMap.class, String.class, Object.class));
        TableRows rows = model.embedding().tableRows();
        Map<String, Long> catalogue = null;
        if (!rows.occurring().isEmpty()) {
            catalogue = rows.catalogue().byKey();
            try (PointerScope scope = new PointerScope()) {
                Map<String, Tensor> ids = new LinkedHashMap<>();
                rows.occurring().forEach((table, occurring) -> ids.put(table.key(), Tensor.create(occurring, occurring.length)));
                Safetensors.write(dir.resolve(TABLE_IDS_FILE), ids, Map.of("format", FORMAT));
            }
        }
        Manifest manifest = new Manifest(FORMAT, config, encoderMap, model.hiddenSize(),
                model.embedding().tableSizes().byKey(), catalogue, epoch, step, metrics);
        JSON.writeValue(dir.resolve(CONFIG_FILE).toFile(), manifest);
    }

    /** Parameters by their module path ({@code encoder.block0.qkv.weight}, ...), in registration order. */
    static Map<String, Tensor> namedParameters(UserModel model) {
        StringTensorDict dict = model.named_parameters();
        Map<String, Tensor> map = new LinkedHashMap<>();
        for (long i = 0; i < dict.size(); i++) {
            map.put(dict.get(i).key().getString(), Params.owned(dict.get(i).value()));
        }
        return map;
    }
}
