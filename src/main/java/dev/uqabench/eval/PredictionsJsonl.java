package dev.uqabench.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.uqabench.base.JsonlFiles;
import dev.uqabench.qa.Subtask;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code predictions.jsonl}: one {@link Prediction} per line. Reading accepts files in the
 * reference's shape too: only question, prediction and answer are required, an answer given as a
 * list counts by its first element (as {@code calc_metrics_acc.py} does), and other fields are ignored.
 */
public final class PredictionsJsonl {

    /** The file an eval folder holds them in. */
    public static final String FILE = "predictions.jsonl";

    private PredictionsJsonl() {
    }

    /**
     * Writes the predictions, and their wall-clock seconds apart in {@link #timingsOf} (one line per question:
     * id and seconds), so that the predictions file is byte-identical across runs with the same seed.
     */
    public static void write(Path file, List<Prediction> predictions) {
        JsonlFiles.write(file, predictions, PredictionsJsonl::toJson);
        if (predictions.stream().anyMatch(p -> p.seconds() != null)) {
            JsonlFiles.write(timingsOf(file), predictions, p -> {
                ObjectNode node = JsonlFiles.object();
                node.put("id", p.id());
                node.put("seconds", p.seconds());
                return node;
            });
        }
    }

    /**
     * Reads the predictions, with their seconds from the timings file beside them when it belongs to them
     * (the same ids, line by line); a file written over by hand or another tool reads without timings.
     */
    public static List<Prediction> read(Path file) {
        List<Prediction> predictions = JsonlFiles.read(file, PredictionsJsonl::fromJson);
        Path timings = timingsOf(file);
        if (!Files.isRegularFile(timings)) {
            return predictions;
        }
        List<Timing> seconds = JsonlFiles.read(timings, row -> new Timing(row.optionalText("id"),
                optionalNumber(row, "seconds")));
        if (seconds.size() != predictions.size()) {
            return predictions;
        }
        List<Prediction> timed = new ArrayList<>(predictions.size());
        for (int i = 0; i < predictions.size(); i++) {
            Prediction p = predictions.get(i);
            if (!java.util.Objects.equals(p.id(), seconds.get(i).id())) {
                return predictions;
            }
            timed.add(new Prediction(p.id(), p.user(), p.subtask(), p.variant(), p.question(), p.prediction(),
                    p.answer(), p.promptTokens(), seconds.get(i).seconds()));
        }
        return timed;
    }

    private record Timing(String id, Double seconds) {
    }

    /** {@code predictions.jsonl} → {@code predictions.timings.jsonl}: the wall-clock seconds of each answer. */
    public static Path timingsOf(Path file) {
        String name = file.getFileName().toString();
        String stem = name.endsWith(".jsonl") ? name.substring(0, name.length() - ".jsonl".length()) : name;
        return file.resolveSibling(stem + ".timings.jsonl");
    }

    static ObjectNode toJson(Prediction p) {
        ObjectNode node = JsonlFiles.object();
        node.put("id", p.id());
        node.put("user", p.user());
        node.put("subtask", p.subtask() == null ? null : p.subtask().code());
        node.put("variant", p.variant());
        node.put("question", p.question());
        node.put("prediction", p.prediction());
        node.put("answer", p.answer());
        node.put("promptTokens", p.promptTokens());
        return node;
    }

    private static Prediction fromJson(JsonlFiles.Row row) {
        String code = row.optionalText("subtask");
        Subtask subtask = null;
        if (code != null) {
            try {
                subtask = Subtask.fromCode(code);
            } catch (IllegalArgumentException e) {
                throw row.error(e.getMessage());
            }
        }
        return new Prediction(row.optionalText("id"), row.optionalText("user"), subtask, row.optionalText("variant"),
                row.text("question"), row.text("prediction"), answer(row), optionalInt(row, "promptTokens"),
                optionalNumber(row, "seconds"));
    }

    private static String answer(JsonlFiles.Row row) {
        JsonNode value = row.node().get("answer");
        if (value != null && value.isArray()) {
            if (value.isEmpty() || !value.get(0).isTextual()) {
                throw row.error("field 'answer' given as a list must start with a string, got " + value);
            }
            return value.get(0).asText();
        }
        return row.text("answer");
    }

    private static Integer optionalInt(JsonlFiles.Row row, String key) {
        JsonNode value = row.node().get(key);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isIntegralNumber() || !value.canConvertToInt()) {
            throw row.error("field '" + key + "' must be an integer, got " + value);
        }
        return value.intValue();
    }

    private static Double optionalNumber(JsonlFiles.Row row, String key) {
        JsonNode value = row.node().get(key);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isNumber()) {
            throw row.error("field '" + key + "' must be a number, got " + value);
        }
        return value.doubleValue();
    }
}
