package dev.uqabench.eval;

import dev.uqabench.base.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.uqabench.base.JsonlFiles;
import dev.uqabench.qa.Subtask;
import dev.uqabench.qa.TaskGroup;
import dev.uqabench.base.UqaException;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Scores under the reference's eleven keys, in its order: "All tasks", the three task groups, then
 * df, mf, ip, ap, li, si, it. {@code metrics.json} holds, per key, {@code acc} (as the reference
 * prints it), {@code n}, {@code correct} and {@code ci95} = [lower, upper]; figures of an empty key are null.
 */
public record Metrics(Map<String, Score> scores) {

    /** The file an eval folder holds them in. */
    public static final String FILE = "metrics.json";

    public static final String ALL = "All tasks";

    /** The reference's keys in its order. */
    public static final List<String> KEYS;

    /** {@link #KEYS} without the task groups: All tasks, then the seven sub-tasks. */
    public static final List<String> SUBTASK_KEYS;

    static {
        List<String> keys = new ArrayList<>();
        keys.add(ALL);
        for (TaskGroup group : TaskGroup.values()) {
            keys.add(group.label());
        }
        for (Subtask subtask : Subtask.values()) {
            keys.add(subtask.code());
        }
        KEYS = List.copyOf(keys);
        List<String> subtasks = new ArrayList<>(keys);
        for (TaskGroup group : TaskGroup.values()) {
            subtasks.remove(group.label());
        }
        SUBTASK_KEYS = List.copyOf(subtasks);
    }

    private static final ObjectMapper MAPPER = Json.pretty();

    public Metrics {
        if (!List.copyOf(scores.keySet()).equals(KEYS)) {
            throw new IllegalArgumentException("metrics need exactly the keys " + KEYS + " in order, got " + scores.keySet());
        }
        scores = Collections.unmodifiableMap(new LinkedHashMap<>(scores));
    }

    public Score get(String key) {
        Score score = scores.get(key);
        if (score == null) {
            throw new IllegalArgumentException("no metric '" + key + "' (keys: " + KEYS + ")");
        }
        return score;
    }

    /** A key's column header: {@code All}, a task group's abbreviation, or the sub-task code. */
    public static String header(String key) {
        if (key.equals(ALL)) {
            return "All";
        }
        for (TaskGroup group : TaskGroup.values()) {
            if (group.label().equals(key)) {
                return group.abbreviation();
            }
        }
        if (!KEYS.contains(key)) {
            throw new IllegalArgumentException("no metric '" + key + "' (keys: " + KEYS + ")");
        }
        return key;
    }

    /** The keys a question of {@code subtask} counts toward: All tasks, its group, its sub-task. */
    public static List<String> keysOf(Subtask subtask) {
        return List.of(ALL, subtask.group().label(), subtask.code());
    }

    public Score all() {
        return get(ALL);
    }

    public Score of(TaskGroup group) {
        return get(group.label());
    }

    public Score of(Subtask subtask) {
        return get(subtask.code());
    }

    public ObjectNode toJson() {
        ObjectNode root = MAPPER.createObjectNode();
        scores.forEach((key, score) -> {
            ObjectNode node = root.putObject(key);
            putFinite(node, "acc", score.accuracy());
            node.put("n", score.n());
            node.put("correct", score.correct());
            ArrayNode interval = node.putArray("ci95");
            addFinite(interval, score.lower());
            addFinite(interval, score.upper());
        });
        return root;
    }

    /** Writes {@code metrics.json} atomically. */
    public void write(Path file) {
        JsonlFiles.writeAtomically(file, out -> {
            out.write(MAPPER.writeValueAsString(toJson()));
            out.write('\n');
        });
    }

    public static Metrics read(Path file) {
        JsonNode root;
        try {
            root = MAPPER.readTree(file.toFile());
        } catch (IOException e) {
            throw new UqaException(file + ": cannot read metrics: " + e.getMessage(), e);
        }
        Map<String, Score> scores = new LinkedHashMap<>();
        for (String key : KEYS) {
            JsonNode node = root == null ? null : root.get(key);
            if (node == null || !node.isObject() || !node.path("n").isIntegralNumber()
                    || !node.path("correct").isIntegralNumber()) {
                throw new UqaException(file + ": metric '" + key + "' missing or without integer 'n' and 'correct'");
            }
            JsonNode interval = node.path("ci95");
            scores.put(key, new Score(node.get("n").intValue(), node.get("correct").intValue(), number(node.get("acc")),
                    number(interval.get(0)), number(interval.get(1))));
        }
        return new Metrics(scores);
    }

    private static double number(JsonNode node) {
        return node == null || node.isNull() ? Double.NaN : node.doubleValue();
    }

    private static void putFinite(ObjectNode node, String key, double value) {
        if (Double.isFinite(value)) {
            node.put(key, value);
        } else {
            node.putNull(key);
        }
    }

    private static void addFinite(ArrayNode array, double value) {
        if (Double.isFinite(value)) {
            array.add(value);
        } else {
            array.addNull();
        }
    }
}
