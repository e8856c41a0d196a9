package dev.uqabench.data;

import dev.uqabench.base.Json;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import dev.uqabench.data.arrow.ReleaseFolder;
import dev.uqabench.data.arrow.ReleaseLayout;
import dev.uqabench.data.arrow.ReleasePass;
import dev.uqabench.data.arrow.ReleaseReader;
import dev.uqabench.data.arrow.ReleaseRow;
import dev.uqabench.base.UqaException;

import java.util.Arrays;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * {@code uqabench data stats DIR}: users, items, events, sequence-length percentiles per file,
 * largest id per feature against its table size, and questions per sub-task. One streamed pass
 * per file.
 *
 * @param files      per release file found in the folder
 * @param users      rows of the pretrain files (one per user)
 * @param items      distinct item ids clicked in the pretrain files
 * @param events     events in the pretrain files
 * @param maxIds     largest id seen per feature column, over all files
 * @param tableSizes declared table size per feature column
 * @param questions  align-file questions per sub-task code
 * @param firstOutOfRange per feature column with an id beyond its table: where the first such id is
 *                   ("pretrain_data_train.arrow, row 5, event 2: id 130")
 */
public record DataStats(@JsonProperty("files") Map<String, FileStats> files,
                        @JsonProperty("users") long users,
                        @JsonProperty("items") long items,
                        @JsonProperty("events") long events,
                        @JsonProperty("max_ids") Map<String, Long> maxIds,
                        @JsonProperty("table_sizes") Map<String, Long> tableSizes,
                        @JsonProperty("questions") Map<String, Map<String, Long>> questions,
                        @JsonProperty("first_out_of_range") @com.fasterxml.jackson.annotation.JsonInclude(
                                com.fasterxml.jackson.annotation.JsonInclude.Include.NON_EMPTY) Map<String, String> firstOutOfRange) {

    public DataStats {
        firstOutOfRange = firstOutOfRange == null ? Map.of() : firstOutOfRange;
    }

    /** Rows, events and length percentiles of one file. */
    public record FileStats(@JsonProperty("rows") long rows, @JsonProperty("events") long events,
                            @JsonProperty("skipped_rows") long skippedRows,
                            @JsonProperty("length") Map<String, Double> length) {
    }

    private static final List<String> FILES = List.of(ReleaseLayout.PRETRAIN_TRAIN, ReleaseLayout.PRETRAIN_EVAL,
            ReleaseLayout.ALIGN_TRAIN, ReleaseLayout.ALIGN_EVAL, ReleaseLayout.FUTURE);

    /**
     * @param classifier sub-task code of a question text, for align files without a {@code subtask}
     *                   column (the release); null leaves such questions counted as "unclassified"
     */
    public static DataStats compute(ReleaseFolder folder, Function<String, String> classifier) {
        Map<String, FileStats> files = new LinkedHashMap<>();
        long[] maxIds = new long[Feature.values().length];
        Arrays.fill(maxIds, -1);
        BitSet items = new BitSet();
        long users = 0;
        long events = 0;
        Map<String, Map<String, Long>> questions = new LinkedHashMap<>();
        boolean any = false;
        long[] limits = new long[Feature.values().length];
        for (Feature feature : Feature.values()) {
            limits[feature.ordinal()] = folder.info().tableSize(feature.table());
        }
        String[] firstOut = new String[Feature.values().length];
        for (String name : FILES) {
            if (!java.nio.file.Files.isRegularFile(folder.directory().resolve(name))) {
                continue;
            }
            any = true;
            // ids are not range-checked here: stats report them against the table sizes instead
            ReleaseReader reader = ReleaseReader.open(folder.directory().resolve(name),
                    folder.options().withTableSizes(Map.of()));
            boolean pretrain = name.startsWith("pretrain");
            int[] lengths = new int[1024];
            int rows = 0;
            long fileEvents = 0;
            Map<String, Long> perSubtask = new TreeMap<>();
            try (ReleasePass pass = reader.rows(512)) {
                while (pass.hasNext()) {
                    for (ReleaseRow row : pass.next()) {
                        UserSequence sequence = row.sequence();
                        if (rows == lengths.length) {
                            lengths = Arrays.copyOf(lengths, rows * 2);
                        }
                        lengths[rows++] = sequence.length();
                        fileEvents += sequence.length();
                        for (int e = 0; e < sequence.events().size(); e++) {
                            Event event = sequence.events().get(e);
                            for (Feature feature : Feature.values()) {
                                int f = feature.ordinal();
                                for (long id : event.values(feature)) {
                                    maxIds[f] = Math.max(maxIds[f], id);
                                    if (id >= limits[f] && firstOut[f] == null) {
                                        firstOut[f] = name + ", row " + row.index() + ", event " + e + ": id " + id;
                                    }
                                }
                            }
                            if (pretrain && event.item() < Integer.MAX_VALUE) {
                                items.set((int) event.item());
                            }
                        }
                        if (row.hasChat()) {
                            perSubtask.merge(subtaskOf(row, classifier, reader), 1L, Long::sum);
                        }
                    }
                }
                files.put(name, new FileStats(rows, fileEvents, pass.skipped().total(), percentiles(lengths, rows)));
            }
            if (pretrain) {
                users += rows;
                events += fileEvents;
            }
            if (reader.hasText()) {
                questions.put(name, perSubtask);
            }
        }
        if (!any) {
            throw new UqaException(folder.directory() + ": no release-layout Arrow files (expected "
                    + ReleaseLayout.PRETRAIN_TRAIN + " and the others)");
        }
        Map<String, Long> max = new LinkedHashMap<>();
        Map<String, Long> sizes = new LinkedHashMap<>();
        Map<String, String> outOfRange = new LinkedHashMap<>();
        for (Feature feature : Feature.values()) {
            max.put(feature.column(), maxIds[feature.ordinal()]);
            sizes.put(feature.column(), limits[feature.ordinal()]);
            if (firstOut[feature.ordinal()] != null) {
                outOfRange.put(feature.column(), firstOut[feature.ordinal()]);
            }
        }
        return new DataStats(files, users, items.cardinality(), events, max, sizes, questions, outOfRange);
    }

    private static String subtaskOf(ReleaseRow row, Function<String, String> classifier, ReleaseReader reader) {
        if (row.subtask() != null) {
            return row.subtask();
        }
        if (classifier == null) {
            return "unclassified";
        }
        try {
            return classifier.apply(row.chat().question());
        } catch (RuntimeException e) {
            throw new UqaException(reader.file() + ", row " + row.index() + ", column 'text': " + e.getMessage(), e);
        }
    }

    /** min, p50, p90, p99, max and mean of the first {@code n} lengths (nearest-rank percentiles). */
    static Map<String, Double> percentiles(int[] lengths, int n) {
        Map<String, Double> out = new LinkedHashMap<>();
        if (n == 0) {
            return out;
        }
        int[] sorted = Arrays.copyOf(lengths, n);
        Arrays.sort(sorted);
        out.put("min", (double) sorted[0]);
        out.put("p50", (double) sorted[rank(0.50, n)]);
        out.put("p90", (double) sorted[rank(0.90, n)]);
        out.put("p99", (double) sorted[rank(0.99, n)]);
        out.put("max", (double) sorted[n - 1]);
        out.put("mean", Arrays.stream(sorted).asLongStream().sum() / (double) n);
        return out;
    }

    private static int rank(double q, int n) {
        return Math.max(0, (int) Math.ceil(q * n) - 1);
    }

    public String toJson() {
        try {
            return Json.pretty().writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Human-readable tables. */
    public String toTable() {
        StringBuilder out = new StringBuilder();
        out.append(String.format("users %d, items %d, events %d (pretrain files)%n%n", users, items, events));
        out.append(String.format("%-28s %9s %11s %8s %6s %6s %6s %6s %6s %8s%n",
                "file", "rows", "events", "skipped", "min", "p50", "p90", "p99", "max", "mean"));
        files.forEach((name, f) -> out.append(String.format("%-28s %9d %11d %8d %6.0f %6.0f %6.0f %6.0f %6.0f %8.1f%n",
                name, f.rows(), f.events(), f.skippedRows(), f.length().getOrDefault("min", 0.0),
                f.length().getOrDefault("p50", 0.0), f.length().getOrDefault("p90", 0.0),
                f.length().getOrDefault("p99", 0.0), f.length().getOrDefault("max", 0.0),
                f.length().getOrDefault("mean", 0.0))));
        out.append(String.format("%n%-30s %12s %12s%n", "feature", "max id", "table size"));
        maxIds.forEach((column, max) -> out.append(String.format("%-30s %12d %12d%s%n", column, max,
                tableSizes.get(column), max >= tableSizes.get(column) ? "  OUT OF RANGE"
                        + (firstOutOfRange.containsKey(column) ? " (first: " + firstOutOfRange.get(column) + ")" : "") : "")));
        questions.forEach((file, counts) -> {
            out.append(String.format("%nquestions in %s:", file));
            counts.forEach((subtask, n) -> out.append(String.format(" %s=%d", subtask, n)));
            out.append(String.format(" (total %d)%n", counts.values().stream().mapToLong(Long::longValue).sum()));
        });
        return out.toString();
    }

    public Optional<FileStats> file(String name) {
        return Optional.ofNullable(files.get(name));
    }

    /** Feature columns whose largest id does not fit their table ({@code max id >= table size}), with both figures. */
    public java.util.List<String> outOfRange() {
        java.util.List<String> out = new java.util.ArrayList<>();
        maxIds.forEach((column, max) -> {
            Long size = tableSizes.get(column);
            if (size != null && max >= size) {
                String first = firstOutOfRange == null ? null : firstOutOfRange.get(column);
                out.add(column + " (max id " + max + ", table size " + size + (first == null ? "" : "; first: " + first) + ")");
            }
        });
        return out;
    }
}
