package dev.uqabench.base;

import com.fasterxml.jackson.databind.JsonNode;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Every key of a config record, with its default and type, read from the record itself (its components and its
 * defaults), so the reference can never drift from what the loader accepts: {@code uqabench config --defaults}
 * prints it, and docs/CONFIG.md is it plus each key's meaning from the records' documentation.
 */
public final class ConfigReference {

    /**
     * One key: dotted path, default (as the config file would write it), type or accepted values, and the record
     * component it binds to (whose documentation says what it means).
     */
    public record Key(String path, String defaultValue, String type, Class<?> owner, String component) {
    }

    private ConfigReference() {
    }

    /** The keys of {@code defaults}, depth first, in record order. */
    public static List<Key> keys(Object defaults) {
        List<Key> out = new ArrayList<>();
        walk(defaults.getClass(), ConfigLoader.toTree(defaults), "", out);
        return out;
    }

    private static void walk(Class<?> type, JsonNode tree, String prefix, List<Key> out) {
        for (RecordComponent c : type.getRecordComponents()) {
            String key = ConfigLoader.keyOf(c);
            JsonNode value = tree.path(key);
            if (c.getType().isRecord()) {
                walk(c.getType(), value, prefix + key + ".", out);
                continue;
            }
            String shown = value.isMissingNode() || value.isNull() ? "(none)" : value.isTextual() ? value.asText()
                    : value.toString();
            out.add(new Key(prefix + key, shown, typeOf(c.getType(), c.getGenericType()), type, c.getName()));
        }
    }

    private static String typeOf(Class<?> raw, Type generic) {
        if (raw == int.class || raw == Integer.class || raw == long.class || raw == Long.class) {
            return "integer";
        }
        if (raw == double.class || raw == Double.class || raw == float.class) {
            return "number";
        }
        if (raw == boolean.class || raw == Boolean.class) {
            return "true/false";
        }
        if (raw == String.class) {
            return "text";
        }
        if (raw.isEnum()) {
            return "one of " + String.join(", ", Arrays.stream(raw.getEnumConstants())
                    .map(e -> Json.config().valueToTree(e).asText()).toList());
        }
        if (List.class.isAssignableFrom(raw) && generic instanceof ParameterizedType p
                && p.getActualTypeArguments()[0] instanceof Class<?> element) {
            return "list of " + typeOf(element, element);
        }
        if (Map.class.isAssignableFrom(raw)) {
            return "mapping";
        }
        return raw.getSimpleName();
    }

    /** A Markdown table of {@code keys}; the meaning column when {@code meaning} gives any. */
    public static String markdown(List<Key> keys, Function<Key, String> meaning) {
        boolean meanings = keys.stream().anyMatch(k -> !meaning.apply(k).isEmpty());
        StringBuilder sb = new StringBuilder(meanings ? "| key | default | type | meaning |\n|---|---|---|---|\n"
                : "| key | default | type |\n|---|---|---|\n");
        for (Key k : keys) {
            sb.append("| `").append(k.path()).append("` | `").append(k.defaultValue().replace("|", "\\|")).append("` | ")
                    .append(k.type());
            if (meanings) {
                sb.append(" | ").append(meaning.apply(k).replace("|", "\\|"));
            }
            sb.append(" |\n");
        }
        return sb.toString();
    }
}
