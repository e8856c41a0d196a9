package dev.uqabench.base;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The one way a config is read: a YAML/JSON file (or a tree of keys) merged over a defaults record,
 * then bound to the record by {@link Json#config()}. Keys are snake_case and enum values lower-case;
 * every key of the file must exist in the defaults, so a typo or an old camelCase spelling fails with
 * its dotted path (and the new spelling), and the record's own validation runs on the merged result:
 * a bad value fails before any work as a {@link ConfigException} naming the key.
 */
public final class ConfigLoader {

    private ConfigLoader() {
    }

    /** {@code defaults} overridden by {@code file} (none: the defaults). */
    public static <T> T load(T defaults, Path file, Class<T> type) {
        if (file == null) {
            return fromTree(defaults, null, type, "config");
        }
        if (!Files.isRegularFile(file)) {
            throw new UqaException("config file " + file + (Files.exists(file) ? " is not a file" : " does not exist"));
        }
        JsonNode override;
        try {
            String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
            ObjectMapper reader = name.endsWith(".json") ? Json.config() : Json.yaml();
            override = reader.readTree(file.toFile());
        } catch (JsonProcessingException e) {
            throw unreadable(file, e);
        } catch (IOException e) {
            throw new UqaException("config file " + file + " cannot be read: " + firstLine(e.getMessage()), e);
        }
        if (override == null || override.isMissingNode() || override.isNull()) {
            // an empty file is a mistake (a wrong path, an unsaved editor), not a request for the full default run
            throw new UqaException("config file " + file + " has no keys (empty or only comments); "
                    + "leave out --config to run with the defaults");
        }
        return fromTree(defaults, override, type, "config file " + file);
    }

    /**
     * A file the YAML/JSON parser rejects: the key and line it stopped at. YAML's {@code .inf} and {@code .nan}
     * fail here too (the parser cannot make them numbers), and are reported as the invalid values they are.
     */
    private static UqaException unreadable(Path file, JsonProcessingException e) {
        String where = "config file " + file;
        String key = null;
        if (e.getProcessor() instanceof JsonParser parser) {
            List<String> names = new ArrayList<>();
            for (JsonStreamContext c = parser.getParsingContext(); c != null && !c.inRoot(); c = c.getParent()) {
                if (c.inObject() && c.getCurrentName() != null) {
                    names.add(0, c.getCurrentName());
                } else if (c.inArray()) {
                    names.add(0, "[" + Math.max(0, c.getCurrentIndex()) + "]");
                }
            }
            key = names.isEmpty() ? null : String.join(".", names).replace(".[", "[");
        }
        String problem = firstLine(e.getOriginalMessage());
        java.util.regex.Matcher nonNumber = java.util.regex.Pattern.compile("Malformed numeric value '([^']*)'").matcher(problem);
        if (key != null && nonNumber.find()) {
            return new ConfigException(where, key, "must be a finite number, got " + nonNumber.group(1), e);
        }
        String line = e.getLocation() == null || e.getLocation().getLineNr() < 1 ? ""
                : "line " + e.getLocation().getLineNr();
        String at = key == null ? line : (line.isEmpty() ? "" : line + ", ") + "at '" + key + "'";
        return new UqaException(where + " is not valid YAML/JSON" + (at.isEmpty() ? "" : " (" + at + ")") + ": " + problem, e);
    }

    /**
     * {@code defaults} overridden by the keys of {@code override} (null or empty: the defaults);
     * errors start with {@code where} ("pretrain config", "config file x.yaml").
     */
    public static <T> T fromTree(T defaults, JsonNode override, Class<T> type, String where) {
        ObjectNode merged = Json.config().valueToTree(defaults);
        if (override != null && !override.isMissingNode() && !override.isNull()) {
            if (!override.isObject()) {
                throw new UqaException(where + ": expected a mapping of keys at the top level");
            }
            mergeInto(merged, (ObjectNode) override, "", where);
            followParents(type, Json.config().valueToTree(defaults), (ObjectNode) override, merged);
        }
        return bind(merged, type, where);
    }

    /**
     * Keys marked {@link DerivedFrom} that the file leaves out while it sets their parent: their default is scaled
     * by parent / default parent (rounded, and kept below the parent), recursively through nested records.
     */
    private static void followParents(Class<?> type, JsonNode defaults, ObjectNode override, ObjectNode merged) {
        if (!type.isRecord()) {
            return;
        }
        for (RecordComponent c : type.getRecordComponents()) {
            String key = keyOf(c);
            JsonNode nested = override.get(key);
            if (c.getType().isRecord() && nested instanceof ObjectNode nestedOverride
                    && merged.get(key) instanceof ObjectNode nestedMerged) {
                followParents(c.getType(), defaults.path(key), nestedOverride, nestedMerged);
            }
            DerivedFrom derived = c.getAnnotation(DerivedFrom.class);
            if (derived == null || override.has(key)) {
                continue;
            }
            String parent = null;
            for (RecordComponent p : type.getRecordComponents()) {
                if (p.getName().equals(derived.value())) {
                    parent = keyOf(p);
                }
            }
            if (parent == null || !override.has(parent) || !override.get(parent).isNumber()
                    || !defaults.path(parent).isNumber() || defaults.path(parent).asDouble() == 0) {
                continue;
            }
            double scaled = defaults.path(key).asDouble() * override.get(parent).asDouble() / defaults.path(parent).asDouble();
            long value = Math.max(0, Math.min(Math.round(scaled), override.get(parent).asLong() - 1));
            merged.put(key, value);
        }
    }

    /** The config key of a record component: its {@code @JsonProperty} name, else its name in snake_case. */
    public static String keyOf(RecordComponent c) {
        com.fasterxml.jackson.annotation.JsonProperty named = c.getAnnotation(com.fasterxml.jackson.annotation.JsonProperty.class);
        if (named == null && c.getAccessor() != null) {
            named = c.getAccessor().getAnnotation(com.fasterxml.jackson.annotation.JsonProperty.class);
        }
        if (named != null && !named.value().isEmpty()) {
            return named.value();
        }
        return new com.fasterxml.jackson.databind.PropertyNamingStrategies.SnakeCaseStrategy().translate(c.getName());
    }

    /** {@code defaults} overridden by {@code override}'s keys, as a program would pass them. */
    public static <T> T fromMap(T defaults, Map<String, ?> override, Class<T> type, String where) {
        return fromTree(defaults, Json.config().valueToTree(override), type, where);
    }

    /** A config record as a tree of keys: snake_case, enum values lower-case, every key present. */
    public static ObjectNode toTree(Object config) {
        return Json.config().valueToTree(config);
    }

    /** {@code maxLength} -> {@code max_length}; a snake_case key is returned unchanged. */
    public static String snakeCase(String key) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (Character.isUpperCase(c)) {
                if (i > 0 && key.charAt(i - 1) != '_') {
                    sb.append('_');
                }
                sb.append(Character.toLowerCase(c));
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    /** Binds a complete tree to the record, turning every failure into a {@link ConfigException} naming the key. */
    private static <T> T bind(JsonNode tree, Class<T> type, String where) {
        try {
            return Json.config().treeToValue(tree, type);
        } catch (ValueInstantiationException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            String at = keyPath(e);
            if (cause instanceof ConfigException config && config.problem() != null) {
                throw new ConfigException(where, join(at, config.key()), config.problem(), config);
            }
            throw new ConfigException(where, at.isEmpty() ? "(top level)" : at, firstLine(cause.getMessage()), cause);
        } catch (UnrecognizedPropertyException e) {
            String at = keyPath(e);
            throw ConfigException.unknownKey(where, at, hint(at, e.getKnownPropertyIds()));
        } catch (InvalidFormatException e) {
            throw new ConfigException(where, pathOrTop(e), expected(e.getTargetType(), tree, e) + ", got "
                    + valueAt(tree, e), e);
        } catch (MismatchedInputException e) {
            throw new ConfigException(where, pathOrTop(e), expected(e.getTargetType(), tree, e) + ", got "
                    + valueAt(tree, e), e);
        } catch (JsonMappingException e) {
            throw new ConfigException(where, pathOrTop(e), firstLine(e.getOriginalMessage()), e);
        } catch (IOException e) {
            throw new UqaException(where + ": " + firstLine(e.getMessage()), e);
        }
    }

    /** What a value of {@code type} must look like, in the user's words. */
    private static String expected(Class<?> type, JsonNode tree, JsonMappingException e) {
        if (type == null) {
            return "has the wrong type";
        }
        if (type.isEnum()) {
            List<String> accepted = new ArrayList<>();
            for (Object constant : type.getEnumConstants()) {
                accepted.add(Json.config().convertValue(constant, String.class));
            }
            String given = valueAt(tree, e);
            boolean oldSpelling = given.startsWith("\"") && accepted.contains(given.replace("\"", "").toLowerCase(Locale.ROOT));
            return "must be one of " + String.join(", ", accepted)
                    + (oldSpelling ? " (values are lower-case now)" : "");
        }
        if (type == int.class || type == Integer.class || type == long.class || type == Long.class
                || type == short.class || type == Short.class) {
            return "must be an integer";
        }
        if (type == double.class || type == Double.class || type == float.class || type == Float.class) {
            return "must be a number";
        }
        if (type == boolean.class || type == Boolean.class) {
            return "must be true or false";
        }
        if (type == String.class) {
            return "must be a string";
        }
        if (Collection.class.isAssignableFrom(type) || type.isArray()) {
            return "must be a list";
        }
        return "must be a mapping of keys";
    }

    /** The value the failure is about, as written in JSON. */
    private static String valueAt(JsonNode tree, JsonMappingException e) {
        JsonNode node = tree;
        for (JsonMappingException.Reference r : e.getPath()) {
            if (node == null) {
                break;
            }
            node = r.getFieldName() != null ? node.get(r.getFieldName()) : node.get(r.getIndex());
        }
        return node == null ? "(nothing)" : node.toString();
    }

    private static String pathOrTop(JsonMappingException e) {
        String at = keyPath(e);
        return at.isEmpty() ? "(top level)" : at;
    }

    /** Where in a document a mapping failure is: {@code llm.kv_heads}, {@code text_events[1]}; "" at the top level. */
    public static String keyPath(JsonMappingException e) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference r : e.getPath()) {
            if (r.getFieldName() != null) {
                sb.append(sb.length() == 0 ? "" : ".").append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                sb.append('[').append(r.getIndex()).append(']');
            }
        }
        return sb.toString();
    }

    private static String join(String prefix, String key) {
        return prefix.isEmpty() ? key : prefix + "." + key;
    }

    private static void mergeInto(ObjectNode target, ObjectNode override, String prefix, String where) {
        Iterator<Map.Entry<String, JsonNode>> fields = override.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> f = fields.next();
            String key = prefix + f.getKey();
            JsonNode existing = target.get(f.getKey());
            if (existing == null) {
                List<String> known = new ArrayList<>();
                target.fieldNames().forEachRemaining(known::add);
                throw ConfigException.unknownKey(where, key, hint(key, known));
            }
            if (existing.isObject() && f.getValue().isObject()) {
                mergeInto((ObjectNode) existing, (ObjectNode) f.getValue(), key + ".", where);
            } else {
                requireFinite(f.getValue(), key, where);
                target.set(f.getKey(), f.getValue());
            }
        }
    }

    /**
     * A number too large for a double (1e400) parses as infinity, which no key means: refused as YAML's {@code .inf}
     * is, naming the key (and the list index).
     */
    private static void requireFinite(JsonNode value, String key, String where) {
        if (value.isNumber() && !Double.isFinite(value.doubleValue())) {
            throw new ConfigException(where, key, "must be a finite number, got " + value.asText());
        }
        if (value.isContainerNode()) {
            Iterator<Map.Entry<String, JsonNode>> fields = value.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> f = fields.next();
                requireFinite(f.getValue(), key + "." + f.getKey(), where);
            }
            for (int i = 0; value.isArray() && i < value.size(); i++) {
                requireFinite(value.get(i), key + "[" + i + "]", where);
            }
        }
    }

    /** The new spelling of an old camelCase key, or the keys known beside it. */
    private static String hint(String key, Collection<?> known) {
        int dot = key.lastIndexOf('.');
        String parent = dot < 0 ? "" : key.substring(0, dot);
        String last = key.substring(dot + 1);
        String snake = snakeCase(last);
        if (!snake.equals(last) && known.contains(snake)) {
            return " \u2014 keys are snake_case now: '" + (dot < 0 ? "" : parent + ".") + snake + "'";
        }
        List<String> names = new ArrayList<>();
        known.forEach(k -> names.add(String.valueOf(k)));
        return parent.isEmpty() ? " (known keys: " + String.join(", ", names) + ")"
                : " (known keys under '" + parent + "': " + String.join(", ", names) + ")";
    }

    private static String firstLine(String message) {
        return message == null ? "" : message.lines().findFirst().orElse("");
    }
}
