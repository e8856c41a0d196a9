package dev.uqabench.base;

import dev.uqabench.base.Json;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.uqabench.base.UqaException;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.function.Function;

/**
 * JSON Lines files: one object per line, UTF-8, non-ASCII written as is. Writes go to a temporary
 * file that is renamed when complete; reads report the file and line of any bad row.
 */
public final class JsonlFiles {

    static final ObjectMapper MAPPER = Json.rows();

    private JsonlFiles() {
    }

    /** A parsed line and where it came from, for error messages. */
    public record Row(ObjectNode node, String where) {

        public UqaException error(String message) {
            return new UqaException(where + ": " + message);
        }

        public String text(String key) {
            JsonNode value = node.get(key);
            if (value == null || value.isNull()) {
                throw error("missing field '" + key + "'");
            }
            if (!value.isTextual()) {
                throw error("field '" + key + "' must be a string, got " + value);
            }
            return value.asText();
        }

        public String optionalText(String key) {
            JsonNode value = node.get(key);
            return value == null || value.isNull() ? null : text(key);
        }

        /** Rejects fields outside {@code known}, naming the first. */
        public void onlyKeys(Collection<String> known) {
            for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
                String key = it.next();
                if (!known.contains(key)) {
                    throw error("unknown field '" + key + "' (known: " + String.join(", ", known) + ")");
                }
            }
        }
    }

    public static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    /** Writes one line per item, atomically (temporary file, then rename). */
    public static <T> void write(Path file, List<T> items, Function<T, ObjectNode> toJson) {
        writeAtomically(file, out -> {
            for (T item : items) {
                out.write(MAPPER.writeValueAsString(toJson.apply(item)));
                out.write('\n');
            }
        });
    }

    /** Reads every non-blank line as an object; a parse error names the file and line. */
    public static <T> List<T> read(Path file, Function<Row, T> fromJson) {
        return lines(file, (line, number) -> {
            String where = file + " line " + number;
            JsonNode node;
            try {
                node = MAPPER.readTree(line);
            } catch (JsonProcessingException e) {
                throw new UqaException(where + ": not valid JSON: " + e.getOriginalMessage(), e);
            }
            if (!(node instanceof ObjectNode object)) {
                throw new UqaException(where + ": expected a JSON object, got " + node.getNodeType());
            }
            return fromJson.apply(new Row(object, where));
        });
    }

    /** Parses one non-blank line; {@code number} counts from 1, blank lines included. */
    @FunctionalInterface
    public interface LineParser<T> {
        T parse(String line, int number) throws IOException;
    }

    /** Reads a UTF-8 file line by line, skipping blank lines; the parser names the line in its errors. */
    public static <T> List<T> lines(Path file, LineParser<T> parser) {
        List<T> items = new ArrayList<>();
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int number = 0;
            while ((line = in.readLine()) != null) {
                number++;
                if (!line.isBlank()) {
                    items.add(parser.parse(line, number));
                }
            }
        } catch (IOException e) {
            throw new UqaException(file + ": cannot read: " + e.getMessage(), e);
        }
        return items;
    }

    /** What writes the content of a file. */
    public interface Content {
        void writeTo(BufferedWriter out) throws IOException;
    }

    /** Writes into a temporary file beside {@code file}, then renames it over {@code file}. */
    public static void writeAtomically(Path file, Content content) {
        Path temp = AtomicFiles.temporaryFor(file);
        try (BufferedWriter out = Files.newBufferedWriter(temp, StandardCharsets.UTF_8)) {
            content.writeTo(out);
        } catch (IOException e) {
            AtomicFiles.deleteQuietly(temp);
            throw new UqaException(file + ": cannot write: " + e.getMessage(), e);
        }
        AtomicFiles.commit(temp, file.toAbsolutePath());
    }
}
