package dev.uqabench.base;

import dev.uqabench.base.Json;
import dev.uqabench.base.UqaException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;

/**
 * Loads a config record from defaults overridden by a YAML/JSON file. Every key of the file must
 * exist in the defaults (so a typo fails with its dotted path), and the record's own validation
 * runs on the merged result: a bad value fails before any work, naming the key.
 */
public final class ConfigLoader {

    private ConfigLoader() {
    }

    public static <T> T load(T defaults, Path file, Class<T> type) {
        ObjectMapper json = Json.mapper();
        ObjectNode merged = json.valueToTree(defaults);
        if (file != null) {
            if (!Files.isRegularFile(file)) {
                throw new UqaException("config file " + file + " does not exist");
            }
            JsonNode override;
            try {
                String name = file.getFileName().toString().toLowerCase();
                ObjectMapper reader = name.endsWith(".json") ? json : Json.yaml();
                override = reader.readTree(file.toFile());
            } catch (IOException e) {
                throw new UqaException("config file " + file + " is not valid YAML/JSON: " + e.getMessage());
            }
            if (override != null && !override.isMissingNode() && !override.isNull()) {
                if (!override.isObject()) {
                    throw new UqaException("config file " + file + ": expected a mapping of keys at the top level");
                }
                mergeInto(merged, (ObjectNode) override, "", file);
            }
        }
        return bind(merged, type, file);
    }

    /** Binds a tree to the record, turning validation failures into messages that name the key. */
    public static <T> T bind(JsonNode tree, Class<T> type, Path source) {
        String where = source == null ? "config" : "config file " + source;
        try {
            return Json.mapper().treeToValue(tree, type);
        } catch (ValueInstantiationException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new UqaException(where + ": invalid value at '" + path(e) + "': " + cause.getMessage(), e);
        } catch (com.fasterxml.jackson.databind.JsonMappingException e) {
            throw new UqaException(where + ": invalid value at '" + path(e) + "': " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new UqaException(where + ": " + e.getMessage(), e);
        }
    }

    private static String path(com.fasterxml.jackson.databind.JsonMappingException e) {
        StringBuilder sb = new StringBuilder();
        for (com.fasterxml.jackson.databind.JsonMappingException.Reference r : e.getPath()) {
            if (r.getFieldName() != null) {
                sb.append(sb.length() == 0 ? "" : ".").append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                sb.append('[').append(r.getIndex()).append(']');
            }
        }
        return sb.length() == 0 ? "(top level)" : sb.toString();
    }

    private static void mergeInto(ObjectNode target, ObjectNode override, String prefix, Path file) {
        Iterator<Map.Entry<String, JsonNode>> fields = override.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> f = fields.next();
            String key = prefix + f.getKey();
            JsonNode existing = target.get(f.getKey());
            if (existing == null) {
                throw new UqaException("config file " + file + ": unknown key '" + key + "'"
                        + (prefix.isEmpty() ? "" : " (known keys under '" + prefix.substring(0, prefix.length() - 1)
                        + "': " + String.join(", ", iterable(target.fieldNames())) + ")")
                        + (prefix.isEmpty() ? " (known keys: " + String.join(", ", iterable(target.fieldNames())) + ")" : ""));
            }
            if (existing.isObject() && f.getValue().isObject()) {
                mergeInto((ObjectNode) existing, (ObjectNode) f.getValue(), key + ".", file);
            } else {
                target.set(f.getKey(), f.getValue());
            }
        }
    }

    private static Iterable<String> iterable(Iterator<String> it) {
        java.util.List<String> list = new java.util.ArrayList<>();
        it.forEachRemaining(list::add);
        return list;
    }
}
