package dev.uqabench.data.arrow;

import dev.uqabench.base.Json;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;

import java.util.Objects;

/**
 * The {@code text} column of align files: a JSON chat list
 * {@code [{"role":"user","content":Q},{"role":"assistant","content":A}]} (a leading system turn
 * is allowed and ignored), as the reference data loader reads it.
 *
 * @param question the user turn: the question with its options
 * @param answer   the assistant turn: the gold answer text
 */
public record ChatText(String question, String answer) {

    private static final ObjectMapper JSON = Json.rows();

    public ChatText {
        Objects.requireNonNull(question, "question");
        Objects.requireNonNull(answer, "answer");
    }

    /** Parses the chat list; the message of an {@link IllegalArgumentException} says what was expected. */
    public static ChatText parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("expected a JSON chat list, got null");
        }
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("expected a JSON chat list, got text that is not JSON: " + abbreviate(text));
        }
        if (root == null || !root.isArray()) {
            throw new IllegalArgumentException("expected a JSON chat list [{\"role\":...,\"content\":...}], got " + abbreviate(text));
        }
        String question = null;
        String answer = null;
        for (int i = 0; i < root.size(); i++) {
            JsonNode turn = root.get(i);
            JsonNode role = turn.get("role");
            JsonNode content = turn.get("content");
            if (!turn.isObject() || role == null || !role.isTextual() || content == null || !content.isTextual()) {
                throw new IllegalArgumentException("chat turn " + i + ": expected {\"role\":string,\"content\":string}, got " + abbreviate(turn.toString()));
            }
            switch (role.asText()) {
                case "system" -> { }
                case "user" -> {
                    if (question == null) {
                        question = content.asText();
                    }
                }
                case "assistant" -> {
                    if (question != null && answer == null) {
                        answer = content.asText();
                    }
                }
                default -> throw new IllegalArgumentException("chat turn " + i + ": unknown role '" + role.asText()
                        + "' (expected system, user or assistant)");
            }
        }
        if (question == null) {
            throw new IllegalArgumentException("chat list has no user turn (the question)");
        }
        if (answer == null) {
            throw new IllegalArgumentException("chat list has no assistant turn after the question (the answer)");
        }
        return new ChatText(question, answer);
    }

    /** The JSON chat list, user turn then assistant turn. */
    public String toJson() {
        ArrayNode list = JSON.createArrayNode();
        list.addObject().put("role", "user").put("content", question);
        list.addObject().put("role", "assistant").put("content", answer);
        return list.toString();
    }

    private static String abbreviate(String text) {
        return text.length() <= 60 ? "'" + text + "'" : "'" + text.substring(0, 57) + "...'";
    }
}
