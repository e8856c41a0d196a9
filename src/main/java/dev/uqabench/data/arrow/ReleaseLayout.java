package dev.uqabench.data.arrow;

import dev.uqabench.data.Feature;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * File names and Arrow schema of the UQABench release layout (DESIGN.md, "Data contracts"): one
 * row per user or question, ten {@code list<list<int64>>} feature columns, {@code text} in align
 * files. Our own files add a {@code user_id} column, which the release lacks.
 */
public final class ReleaseLayout {

    public static final String PRETRAIN_TRAIN = "pretrain_data_train.arrow";
    public static final String PRETRAIN_EVAL = "pretrain_data_eval.arrow";
    public static final String ALIGN_TRAIN = "align_data_train.arrow";
    public static final String ALIGN_EVAL = "align_data_eval.arrow";
    /** Validation questions (our qa stage): held-out users apart from the test users; every choice is made on them. */
    public static final String ALIGN_VALID = "align_data_valid.arrow";
    /** Questions that train only the built-in LLM (our qa stage): training users apart from the alignment users. */
    public static final String ALIGN_LLM = "align_data_llm.arrow";
    /** Future events of every user (synthetic and imported data), one row per user with {@code user_id}. */
    public static final String FUTURE = "future_data.arrow";
    public static final String DATASET_JSON = "dataset.json";
    public static final String TOKENIZER_JSON = "tokenizer.json";

    public static final String TEXT_COLUMN = "text";
    public static final String USER_COLUMN = "user_id";
    /** Sub-task code of a question in our align files (the release has none). */
    public static final String SUBTASK_COLUMN = "subtask";

    private ReleaseLayout() {
    }

    /** {@code list<list<int64>>}, child names as pyarrow writes them. */
    public static Field featureField(Feature feature) {
        Field values = new Field("item", FieldType.nullable(new ArrowType.Int(64, true)), null);
        Field event = new Field("item", FieldType.nullable(ArrowType.List.INSTANCE), List.of(values));
        return new Field(feature.column(), FieldType.nullable(ArrowType.List.INSTANCE), List.of(event));
    }

    /** Schema of the files we write: the ten features, then {@code text} and {@code subtask} (align files), then {@code user_id}. */
    public static Schema schema(boolean withText) {
        List<Field> fields = new ArrayList<>();
        for (Feature feature : Feature.values()) {
            fields.add(featureField(feature));
        }
        if (withText) {
            fields.add(new Field(TEXT_COLUMN, FieldType.nullable(ArrowType.Utf8.INSTANCE), null));
            fields.add(new Field(SUBTASK_COLUMN, FieldType.nullable(ArrowType.Utf8.INSTANCE), null));
        }
        fields.add(new Field(USER_COLUMN, FieldType.nullable(ArrowType.Utf8.INSTANCE), null));
        return new Schema(fields);
    }

    public static Path file(Path directory, String name) {
        return directory.resolve(name);
    }
}
