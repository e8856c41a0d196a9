package dev.uqabench.audit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.uqabench.qa.Subtask;
import dev.uqabench.base.Json;
import dev.uqabench.base.UqaException;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a built-questions JSONL file for the audit. Unlike {@code QuestionsJsonl} it accepts extra
 * fields (the {@code facts} object, fields added later) because the audit must run on files of any
 * generator version; what it needs (id, user, subtask, four string options, answer letter) is checked
 * and a bad line fails naming the file and line.
 */
public final class QuestionFile {

    private static final String LETTERS = "ABCD";

    private QuestionFile() {
    }

    public static List<AuditQuestion> read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new UqaException(file + ": no questions (file not found)");
        }
        List<AuditQuestion> out = new ArrayList<>();
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int lineNumber = 0;
            while ((line = reader.readLine()) != null) {
                lineNumber++;
                if (line.isBlank()) {
                    continue;
                }
                out.add(parse(file, lineNumber, out.size(), line));
            }
        } catch (IOException e) {
            throw new UqaException(file + ": cannot read (" + e.getMessage() + ")", e);
        }
        if (out.isEmpty()) {
            throw new UqaException(file + ": no questions (the file is empty)");
        }
        return out;
    }

    private static AuditQuestion parse(Path file, int lineNumber, int row, String line) {
        String where = file + ":" + lineNumber + ": ";
        JsonNode node;
        try {
            node = Json.mapper().readTree(line);
        } catch (IOException e) {
            throw new UqaException(where + "not a JSON object (" + e.getMessage().lines().findFirst().orElse("") + ")");
        }
        if (node == null || !node.isObject()) {
            throw new UqaException(where + "not a JSON object");
        }
        JsonNode options = node.get("options");
        if (options == null || !options.isArray() || options.size() != 4) {
            throw new UqaException(where + "field 'options' must be an array of 4 strings, got " + options);
        }
        List<String> texts = new ArrayList<>(4);
        for (JsonNode option : options) {
            if (!option.isTextual()) {
                throw new UqaException(where + "field 'options' must hold strings, got " + option);
            }
            texts.add(option.asText());
        }
        String answer = text(node, "answer", where);
        int gold = answer.length() == 1 ? LETTERS.indexOf(answer.charAt(0)) : -1;
        if (gold < 0) {
            throw new UqaException(where + "field 'answer' must be one of A, B, C, D, got '" + answer + "'");
        }
        Subtask subtask;
        try {
            subtask = Subtask.fromCode(text(node, "subtask", where));
        } catch (IllegalArgumentException e) {
            throw new UqaException(where + e.getMessage());
        }
        return new AuditQuestion(row, text(node, "id", where), text(node, "user", where), subtask, texts, gold,
                facts(node.get("facts"), where));
    }

    private static AuditQuestion.Facts facts(JsonNode facts, String where) {
        if (facts == null || facts.isNull()) {
            return null;
        }
        if (!facts.isObject()) {
            throw new UqaException(where + "field 'facts' must be an object, got " + facts);
        }
        return new AuditQuestion.Facts(optionalText(facts, "attribute", where), optionalInt(facts, "position", where),
                optionalText(facts, "measure", where), optionalText(facts, "name", where),
                optionalInt(facts, "window", where));
    }

    private static String text(JsonNode node, String key, String where) {
        JsonNode value = node.get(key);
        if (value == null || !value.isTextual()) {
            throw new UqaException(where + "field '" + key + "' must be a string, got " + value);
        }
        return value.asText();
    }

    private static String optionalText(JsonNode node, String key, String where) {
        JsonNode value = node.get(key);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw new UqaException(where + "facts." + key + " must be a string, got " + value);
        }
        return value.asText();
    }

    private static Integer optionalInt(JsonNode node, String key, String where) {
        JsonNode value = node.get(key);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isIntegralNumber() || !value.canConvertToInt() || value.intValue() < 1) {
            throw new UqaException(where + "facts." + key + " must be a positive integer, got " + value);
        }
        return value.intValue();
    }
}
