package dev.uqabench.data.recbole;

import dev.uqabench.base.Json;

import dev.uqabench.data.DatasetInfo;
import dev.uqabench.data.ImportNotes;
import dev.uqabench.data.InteractionLog;
import dev.uqabench.data.csv.DelimitedFile;
import dev.uqabench.data.csv.Timestamps;
import dev.uqabench.base.UqaException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Imports a RecBole atomic data set ({@code NAME.inter}, optional {@code NAME.item} and
 * {@code NAME.user}) into the release layout. Item fields map to our features by name
 * ({@code category=genre}, {@code title=movie_title}); a {@code token_seq} field mapped to an id
 * feature contributes its first token (one id per event, as in the release), a {@code token} field its whole
 * value (spaces included: "Apple Inc"), a title its whole text.
 */
public final class RecBoleImporter {

    /** Our item features a RecBole field can be mapped to. */
    public static final List<String> FEATURES = List.of("category", "brand", "shop", "seller", "title");
    /** Fields mapped by default when present and not mapped explicitly. */
    private static final Map<String, List<String>> DEFAULT_FIELDS = Map.of(
            "category", List.of("category", "categories", "genre", "class"),
            "brand", List.of("brand"),
            "shop", List.of("shop", "store"),
            "seller", List.of("seller"),
            "title", List.of("title", "movie_title", "item_name", "name"));

    private final RecBoleOptions options;

    public RecBoleImporter(RecBoleOptions options) {
        this.options = options;
    }

    /** Reads a mapping file (YAML or JSON object: feature -> field); unknown features are an error naming them. */
    public static Map<String, String> readMapping(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new UqaException(file + ": file not found");
        }
        Map<?, ?> raw;
        try {
            raw = Json.yaml().readValue(file.toFile(), Map.class);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            String line = e.getLocation() == null || e.getLocation().getLineNr() < 1 ? "" : ", line " + e.getLocation().getLineNr();
            throw new UqaException(file + line + ": expected a mapping feature: field (YAML or JSON): "
                    + e.getOriginalMessage().lines().findFirst().orElse(""), e);
        } catch (IOException e) {
            throw new UqaException(file + ": cannot read (" + e.getMessage() + ")", e);
        }
        Map<String, String> mapping = new LinkedHashMap<>();
        if (raw == null) {
            return mapping;
        }
        raw.forEach((key, value) -> {
            if (!(value instanceof String field)) {
                throw new UqaException(file + ", key '" + key + "': expected a RecBole field name, got " + value);
            }
            mapping.put(String.valueOf(key), field);
        });
        validateFeatures(mapping, file.toString());
        return mapping;
    }

    static void validateFeatures(Map<String, String> mapping, String where) {
        for (String feature : mapping.keySet()) {
            if (!FEATURES.contains(feature)) {
                throw new UqaException(where + ": unknown feature '" + feature + "' (expected one of " + FEATURES + ")");
            }
        }
    }

    public InteractionLog read() {
        Path inter = file(".inter", true);
        Path item = file(".item", false);
        Path user = file(".user", false);
        InteractionLog log = new InteractionLog();
        if (item != null) {
            readItems(item, log);
        } else if (!options.mapping().isEmpty()) {
            throw new UqaException(options.directory() + ": item fields are mapped " + options.mapping()
                    + " but there is no .item file");
        }
        if (user != null) {
            // user features have no place in the release layout; the header is still checked
            try (DelimitedFile in = DelimitedFile.open(user, '\t', false)) {
                new AtomicHeader(in).column(options.userField(), "user id");
            }
        }
        readInteractions(inter, log);
        return log;
    }

    public DatasetInfo importTo(Path directory, DatasetInfo.Split split) {
        InteractionLog log = read();
        return log.write(directory, source(), split);
    }

    private void readInteractions(Path file, InteractionLog log) {
        try (DelimitedFile in = DelimitedFile.open(file, '\t', false)) {
            AtomicHeader header = new AtomicHeader(in);
            int user = header.column(options.userField(), "user id");
            int item = header.column(options.itemField(), "item id");
            int time = header.has(options.timeField()) ? header.column(options.timeField(), "timestamp") : -1;
            int rating = options.minRating() != null || header.has(options.ratingField())
                    ? header.column(options.ratingField(), "rating (for --min-rating)") : -1;
            long rows = 0;
            long dropped = 0;
            int needed = 1 + Math.max(Math.max(user, item), Math.max(time, rating));
            long row = 0;
            for (String[] fields; (fields = in.next()) != null; row++) {
                if (fields.length < needed) {
                    bad(log, "too few columns", in.where() + ": expected at least " + needed + " tab-separated fields (the header has "
                            + in.header().size() + "), got " + fields.length);
                    continue;
                }
                String userKey = fields[user].trim();
                String itemKey = fields[item].trim();
                if (userKey.isEmpty() || itemKey.isEmpty()) {
                    String field = userKey.isEmpty() ? options.userField() : options.itemField();
                    bad(log, "empty id", in.where() + ", field '" + field + "': expected an id, got an empty field");
                    continue;
                }
                rows++;
                if (rating >= 0) {
                    double value;
                    try {
                        value = Double.parseDouble(fields[rating].trim());
                    } catch (NumberFormatException e) {
                        bad(log, "bad rating", in.where() + ", field '" + options.ratingField() + "': expected a number, got '"
                                + fields[rating] + "'");
                        continue;
                    }
                    if (options.minRating() != null && value < options.minRating()) {
                        dropped++;
                        continue;
                    }
                }
                double when;
                try {
                    // without a timestamp field, file order is the only order there is
                    when = time >= 0 ? Timestamps.parse(fields[time]) : row;
                } catch (IllegalArgumentException e) {
                    bad(log, "bad timestamp", in.where() + ", field '" + options.timeField() + "': " + e.getMessage());
                    continue;
                }
                log.addClick(userKey, itemKey, when);
            }
            ImportNotes.requireSomeKept(file, options.minRating(), dropped, rows);
            if (rating >= 0) {
                log.warn(ImportNotes.ratingWarning("field", options.ratingField(), options.minRating(), dropped, rows));
            }
        }
    }

    private void readItems(Path file, InteractionLog log) {
        try (DelimitedFile in = DelimitedFile.open(file, '\t', false)) {
            AtomicHeader header = new AtomicHeader(in);
            int id = header.column(options.itemField(), "item id");
            Map<String, Integer> columns = new LinkedHashMap<>();
            for (String feature : FEATURES) {
                String field = options.mapping().get(feature);
                if (field != null) {
                    columns.put(feature, header.column(field, "mapped to " + feature));
                } else {
                    DEFAULT_FIELDS.get(feature).stream().filter(header::has).findFirst()
                            .ifPresent(name -> columns.put(feature, header.column(name, feature)));
                }
            }
            Set<Integer> sequences = new HashSet<>();
            for (Integer column : columns.values()) {
                AtomicHeader.FieldType type = header.type(header.names().get(column));
                if (type == AtomicHeader.FieldType.TOKEN_SEQ || type == AtomicHeader.FieldType.FLOAT_SEQ) {
                    sequences.add(column);
                }
            }
            ImportNotes.guessNouns(log, fieldName(header, columns.get("category")), fieldName(header, columns.get("title")));
            int needed = 1 + Math.max(id, columns.values().stream().mapToInt(Integer::intValue).max().orElse(-1));
            for (String[] fields; (fields = in.next()) != null; ) {
                if (fields.length < needed) {
                    bad(log, "too few columns", in.where() + ": expected at least " + needed + " tab-separated fields (the header has "
                            + in.header().size() + "), got " + fields.length);
                    continue;
                }
                String key = fields[id].trim();
                if (key.isEmpty()) {
                    bad(log, "empty id", in.where() + ", field '" + options.itemField() + "': expected an id, got an empty field");
                    continue;
                }
                InteractionLog.ItemText earlier = log.addItem(key, new InteractionLog.ItemText(
                        idText(fields, columns.get("category"), sequences), idText(fields, columns.get("brand"), sequences),
                        idText(fields, columns.get("shop"), sequences), idText(fields, columns.get("seller"), sequences),
                        title(fields, columns.get("title"))));
                if (earlier != null) {
                    bad(log, "item repeated with other attributes", ImportNotes.conflictingItem(in.where(), key, earlier));
                }
            }
        }
    }

    private static String fieldName(AtomicHeader header, Integer column) {
        return column == null ? null : header.names().get(column);
    }

    /** An id feature takes one token: a token field's whole value, the first of a token_seq's space-separated tokens. */
    private static String idText(String[] fields, Integer column, Set<Integer> sequences) {
        if (column == null) {
            return null;
        }
        String value = fields[column].trim();
        int space = value.indexOf(' ');
        return space < 0 || !sequences.contains(column) ? value : value.substring(0, space);
    }

    private static String title(String[] fields, Integer column) {
        return column == null ? null : fields[column].trim();
    }

    private void bad(InteractionLog log, String reason, String message) {
        if (!options.skipBadRows()) {
            throw new UqaException(message);
        }
        log.skipped().record(reason, message);
    }

    /** What dataset.json names as the source: {@code recbole:FOLDER}, or {@code recbole:FOLDER/NAME} with a dataset name. */
    public String source() {
        Path name = options.directory().toAbsolutePath().normalize().getFileName();
        String folder = name == null ? "/" : name.toString();
        return "recbole:" + (options.dataset() == null || options.dataset().equals(folder) ? folder
                : folder + "/" + options.dataset());
    }

    private String datasetName() {
        return options.dataset() != null ? options.dataset() : options.directory().getFileName().toString();
    }

    /** {@code DIR/NAME.ext}; NAME is the folder name, or the only file with that extension. */
    private Path file(String extension, boolean required) {
        Path directory = options.directory();
        if (!Files.isDirectory(directory)) {
            throw new UqaException(directory + ": not a folder (expected RecBole atomic files NAME.inter, NAME.item)");
        }
        Path named = directory.resolve(datasetName() + extension);
        if (Files.isRegularFile(named)) {
            return named;
        }
        List<Path> candidates = new ArrayList<>();
        try (Stream<Path> listing = Files.list(directory)) {
            listing.filter(p -> p.getFileName().toString().endsWith(extension)).sorted().forEach(candidates::add);
        } catch (IOException e) {
            throw new UqaException(directory + ": cannot list (" + e.getMessage() + ")", e);
        }
        if (candidates.size() == 1 && options.dataset() == null) {
            return candidates.get(0);
        }
        if (candidates.size() > 1) {
            throw new UqaException(directory + ": several " + extension + " files " + candidates.stream()
                    .map(p -> p.getFileName().toString()).toList() + "; choose one with --dataset NAME");
        }
        if (required) {
            throw new UqaException(directory + ": missing file " + named.getFileName() + " (RecBole interactions, "
                    + "tab-separated with a name:type header)");
        }
        return null;
    }
}
