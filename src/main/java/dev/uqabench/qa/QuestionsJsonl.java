package dev.uqabench.qa;

import dev.uqabench.base.JsonlFiles;
import dev.uqabench.base.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Question files (DESIGN.md, "Questions"): one JSON object per line with id, user, subtask, task,
 * question, options, answer, lang, and, in files of built questions, contextLength and (optional)
 * facts: what the question asks ({@link QuestionFacts}).
 */
public final class QuestionsJsonl {

    private static final String CONTEXT_LENGTH = "contextLength";
    private static final String FACTS = "facts";
    private static final List<String> KEYS = List.of("id", "user", "subtask", "task", "question", "options", "answer",
            "lang", CONTEXT_LENGTH, FACTS);
    private static final com.fasterxml.jackson.databind.ObjectMapper MAPPER = Json.rows();

    private QuestionsJsonl() {
    }

    public static void write(Path file, List<Question> questions) {
        JsonlFiles.write(file, questions, QuestionsJsonl::toJson);
    }

    /** Writes questions with the number of history events each refers to. */
    public static void writeBuilt(Path file, List<BuiltQuestion> questions) {
        JsonlFiles.write(file, questions, b -> {
            ObjectNode node = toJson(b.question()).put(CONTEXT_LENGTH, b.contextLength());
            if (b.facts() != null) {
                node.set(FACTS, MAPPER.valueToTree(b.facts()));
            }
            return node;
        });
    }

    /** Reads questions (a contextLength field, if present, is checked and dropped). */
    public static List<Question> read(Path file) {
        return JsonlFiles.read(file, row -> {
            contextLength(row, false);
            return fromJson(row);
        });
    }

    /** Reads questions that must carry their contextLength. */
    public static List<BuiltQuestion> readBuilt(Path file) {
        return JsonlFiles.read(file, row -> new BuiltQuestion(fromJson(row), contextLength(row, true), facts(row)));
    }

    static ObjectNode toJson(Question q) {
        ObjectNode node = JsonlFiles.object();
        node.put("id", q.id());
        node.put("user", q.user());
        node.put("subtask", q.subtask().code());
        node.put("task", q.task().label());
        node.put("question", q.question());
        ArrayNode options = node.putArray("options");
        q.options().forEach(options::add);
        node.put("answer", q.answer());
        node.put("lang", q.lang());
        return node;
    }

    private static Question fromJson(JsonlFiles.Row row) {
        row.onlyKeys(KEYS);
        Subtask subtask;
        try {
            subtask = Subtask.fromCode(row.text("subtask"));
        } catch (IllegalArgumentException e) {
            throw row.error(e.getMessage());
        }
        String task = row.text("task");
        if (!task.equals(subtask.group().label())) {
            throw row.error("task '" + task + "' does not match sub-task " + subtask.code() + " (expected '"
                    + subtask.group().label() + "')");
        }
        JsonNode optionsNode = row.node().get("options");
        if (optionsNode == null || !optionsNode.isArray() || optionsNode.size() != 4) {
            throw row.error("field 'options' must be an array of 4 strings, got " + optionsNode);
        }
        List<String> options = new ArrayList<>();
        for (JsonNode option : optionsNode) {
            if (!option.isTextual()) {
                throw row.error("field 'options' must hold strings, got " + option);
            }
            options.add(option.asText());
        }
        String lang = row.text("lang");
        try {
            Lang.fromCode(lang);
            return new Question(row.text("id"), row.text("user"), subtask, row.text("question"), options,
                    row.text("answer"), lang);
        } catch (IllegalArgumentException | dev.uqabench.base.UqaException e) {
            throw row.error(e.getMessage());
        }
    }

    private static QuestionFacts facts(JsonlFiles.Row row) {
        JsonNode value = row.node().get(FACTS);
        if (value == null || value.isNull()) {
            return null;
        }
        try {
            return MAPPER.treeToValue(value, QuestionFacts.class);
        } catch (com.fasterxml.jackson.core.JsonProcessingException | IllegalArgumentException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw row.error("field '" + FACTS + "' is not valid question facts: " + cause.getMessage());
        }
    }

    private static int contextLength(JsonlFiles.Row row, boolean required) {
        JsonNode value = row.node().get(CONTEXT_LENGTH);
        if (value == null) {
            if (required) {
                throw row.error("missing field '" + CONTEXT_LENGTH + "'");
            }
            return -1;
        }
        if (!value.isIntegralNumber() || !value.canConvertToInt() || value.intValue() < 0) {
            throw row.error("field '" + CONTEXT_LENGTH + "' must be a non-negative integer, got " + value);
        }
        return value.intValue();
    }
}
