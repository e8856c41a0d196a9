package dev.uqabench.base;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.introspect.Annotated;
import com.fasterxml.jackson.databind.introspect.JacksonAnnotationIntrospector;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

/**
 * The project's JSON and YAML mappers, one home for all of them:
 * <ul>
 *   <li>{@link #mapper()} / {@link #yaml()}: the project's own documents (manifests, checkpoints' JSON,
 *       {@code dataset.json}): strict on read (unknown keys and duplicate keys fail), indented and key-ordered
 *       on write;</li>
 *   <li>{@link #config()}: config records, for {@link ConfigLoader}: as strict, plus snake_case keys, no enum
 *       ordinals, no fractions for integers, and every key written, also those other documents leave out
 *       at their default (so the loader knows every key). Config records also declare snake_case keys and
 *       lower-case enum values themselves, so manifests and checkpoints that embed them write the same
 *       dialect;</li>
 *   <li>{@link #rows()}: JSONL rows and small embedded JSON strings: Jackson's defaults, one line each;</li>
 *   <li>{@link #pretty()}: Jackson's defaults, indented (reports, benchmark figures, tokenizer files);</li>
 *   <li>{@link #external()}: files written by other tools (Hugging Face {@code config.json}): unknown keys
 *       are ignored, as transformers does; a fraction where an integer belongs is refused, not truncated.</li>
 * </ul>
 */
public final class Json {

    private static final ObjectMapper JSON = configure(new ObjectMapper());
    private static final ObjectMapper YAML = configure(new ObjectMapper(new YAMLFactory()));
    private static final ObjectMapper CONFIG = configure(new ObjectMapper())
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .setAnnotationIntrospector(new JacksonAnnotationIntrospector() {
                @Override
                public JsonInclude.Value findPropertyInclusion(Annotated annotated) {
                    return JsonInclude.Value.empty();
                }
            });
    private static final ObjectMapper ROWS = new ObjectMapper();
    private static final ObjectMapper PRETTY = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final ObjectMapper EXTERNAL = new ObjectMapper()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .enable(SerializationFeature.INDENT_OUTPUT);

    private Json() {
    }

    private static ObjectMapper configure(ObjectMapper mapper) {
        return mapper.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
                .enable(SerializationFeature.INDENT_OUTPUT)
                .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
                .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);
    }

    public static ObjectMapper mapper() {
        return JSON;
    }

    public static ObjectMapper yaml() {
        return YAML;
    }

    public static ObjectMapper config() {
        return CONFIG;
    }

    public static ObjectMapper rows() {
        return ROWS;
    }

    public static ObjectMapper pretty() {
        return PRETTY;
    }

    public static ObjectMapper external() {
        return EXTERNAL;
    }

    /** A compact (one-line) JSON string, e.g. for JSONL rows. */
    public static String compact(Object value) {
        try {
            return JSON.writer().without(SerializationFeature.INDENT_OUTPUT).writeValueAsString(value);
        } catch (Exception e) {
            throw new IllegalStateException("cannot serialise " + value.getClass().getSimpleName(), e);
        }
    }
}
