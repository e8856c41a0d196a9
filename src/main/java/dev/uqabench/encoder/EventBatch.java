package dev.uqabench.encoder;

import dev.uqabench.data.Event;
import dev.uqabench.data.Feature;
import dev.uqabench.data.Table;
import dev.uqabench.data.UserSequence;
import dev.uqabench.base.UqaException;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;

/**
 * A batch of user sequences laid out for the encoder, as the reference pre-training collator does:
 * right-padded to a common length, one embedding bag per (row, position, feature), next-item labels.
 *
 * <p>Row {@code b} holds its events at positions {@code 0 .. length(b)-1}; padding positions are
 * empty bags (a zero embedding under mode "mean"). The common length is the longest row, at most
 * {@code maxLength}: every encoder is causal, so padding beyond that changes no valid state, and
 * padding every batch to {@code maxLength} as the reference does would only waste time.
 *
 * <p>The batch holds plain Java arrays; the tensor accessors create new tensors (freed with the
 * caller's {@code PointerScope}), so a batch can be built outside native scopes and reused.
 */
public final class EventBatch {

    /** Label of positions that predict nothing (the last event, padding), as in the reference. */
    public static final long IGNORE = -100;

    private final List<String> users;
    private final int batchSize;
    private final int time;
    private final long[] lengths;
    private final long[] labels;
    private final Map<Feature, long[]> values = new EnumMap<>(Feature.class);
    private final Map<Feature, long[]> offsets = new EnumMap<>(Feature.class);
    private final Map<Table, Long> maxIds = new EnumMap<>(Table.class);

    private EventBatch(List<UserSequence> rows, int[] ends, int maxLength, FeatureSet featureSet, TableRows tableRows) {
        if (maxLength <= 0) {
            throw new UqaException("max length must be positive, got " + maxLength);
        }
        if (rows.isEmpty()) {
            throw new UqaException("an event batch needs at least one user");
        }
        batchSize = rows.size();
        users = rows.stream().map(UserSequence::user).toList();
        lengths = new long[batchSize];
        int[] starts = new int[batchSize];
        int longest = 1;
        for (int b = 0; b < batchSize; b++) {
            int end = ends[b];
            if (end < 0 || end > rows.get(b).length()) {
                throw new UqaException("user '" + rows.get(b).user() + "': prefix of " + end
                        + " events requested, the sequence has " + rows.get(b).length());
            }
            starts[b] = Math.max(0, end - maxLength);
            lengths[b] = end - starts[b];
            longest = Math.max(longest, (int) lengths[b]);
        }
        time = longest;
        labels = new long[batchSize * time];
        Arrays.fill(labels, IGNORE);
        for (int b = 0; b < batchSize; b++) {
            List<Event> events = rows.get(b).events();
            // position t predicts the item of event t+1 inside the window; the last one predicts nothing
            for (int t = 0; t + 1 < lengths[b]; t++) {
                long item = events.get(starts[b] + t + 1).item();
                labels[b * time + t] = tableRows == null ? item : tableRows.row(Table.ITEM, item);
            }
        }
        for (Feature feature : featureSet.features()) {
            long[] featureOffsets = new long[batchSize * time];
            int total = 0;
            for (int b = 0; b < batchSize; b++) {
                for (int t = 0; t < lengths[b]; t++) {
                    total += rows.get(b).events().get(starts[b] + t).values(feature).length;
                }
            }
            long[] featureValues = new long[total];
            long maxId = maxIds.getOrDefault(feature.table(), -1L);
            int n = 0;
            for (int b = 0; b < batchSize; b++) {
                List<Event> events = rows.get(b).events();
                for (int t = 0; t < time; t++) {
                    featureOffsets[b * time + t] = n;
                    if (t < lengths[b]) {
                        for (long id : events.get(starts[b] + t).values(feature)) {
                            if (id < 0) {
                                throw new UqaException("user '" + users.get(b) + "', event " + (starts[b] + t)
                                        + ": negative " + feature.column() + " id " + id);
                            }
                            long row = tableRows == null ? id : tableRows.row(feature.table(), id);
                            maxId = Math.max(maxId, row);
                            featureValues[n++] = row;
                        }
                    }
                }
            }
            maxIds.put(feature.table(), maxId);
            values.put(feature, featureValues);
            offsets.put(feature, featureOffsets);
        }
    }

    /** Each user's last {@code maxLength} events (the reference collator), ids as table rows. */
    public static EventBatch lastEvents(List<UserSequence> users, int maxLength, FeatureSet featureSet) {
        return lastEvents(users, maxLength, featureSet, null);
    }

    /**
     * Each user's last {@code maxLength} events, ids mapped to embedding rows by {@code tableRows} (null: row = id).
     * Labels are rows too.
     */
    public static EventBatch lastEvents(List<UserSequence> users, int maxLength, FeatureSet featureSet,
                                        TableRows tableRows) {
        int[] ends = users.stream().mapToInt(UserSequence::length).toArray();
        return new EventBatch(users, ends, maxLength, featureSet, tableRows);
    }

    /** All features (the reference setting). */
    public static EventBatch lastEvents(List<UserSequence> users, int maxLength) {
        return lastEvents(users, maxLength, FeatureSet.TEXT);
    }

    /**
     * For each user, the first {@code prefixLengths[b]} events, of which the last {@code maxLength}
     * are read: the history as it stood when a question about that moment was asked.
     */
    public static EventBatch prefixes(List<UserSequence> users, int[] prefixLengths, int maxLength,
                                      FeatureSet featureSet) {
        return prefixes(users, prefixLengths, maxLength, featureSet, null);
    }

    /** {@link #prefixes(List, int[], int, FeatureSet)} with ids mapped to rows by {@code tableRows} (null: row = id). */
    public static EventBatch prefixes(List<UserSequence> users, int[] prefixLengths, int maxLength,
                                      FeatureSet featureSet, TableRows tableRows) {
        if (prefixLengths.length != users.size()) {
            throw new UqaException("prefix lengths: " + prefixLengths.length + " values for " + users.size() + " users");
        }
        return new EventBatch(users, prefixLengths.clone(), maxLength, featureSet, tableRows);
    }

    public int batchSize() {
        return batchSize;
    }

    /** Padded length of every row. */
    public int time() {
        return time;
    }

    public List<String> users() {
        return users;
    }

    /** Valid events of row {@code b}. */
    public int length(int b) {
        return (int) lengths[b];
    }

    /** Whether the batch carries the feature's ids. */
    public boolean has(Feature feature) {
        return values.containsKey(feature);
    }

    /** Largest id (row, when built with {@link TableRows}) read from a table, or -1 if the batch has none. */
    public long maxId(Table table) {
        return maxIds.getOrDefault(table, -1L);
    }

    /** Copy of the labels, row-major {@code [batch * time]}. */
    public long[] labelArray() {
        return labels.clone();
    }

    /** Bag inputs of a feature as a Java array (no copy: do not modify). */
    long[] valueArray(Feature feature) {
        return require(values, feature);
    }

    /** Bag inputs of a feature: all ids, flat, int64 {@code [sum of bag sizes]}. */
    public Tensor values(Feature feature) {
        return Tensor.create(require(values, feature), require(values, feature).length);
    }

    /** Start of each bag in {@link #values}, int64 {@code [batch * time]} (row-major). */
    public Tensor offsets(Feature feature) {
        return Tensor.create(require(offsets, feature), (long) batchSize * time);
    }

    /** Valid events per row, int64 {@code [batch]}. */
    public Tensor lengths() {
        return Tensor.create(lengths.clone(), batchSize);
    }

    /** Next-item ids, {@link #IGNORE} where there is none, int64 {@code [batch, time]}. */
    public Tensor labels() {
        return Tensor.create(labels.clone(), batchSize, time);
    }

    private long[] require(Map<Feature, long[]> map, Feature feature) {
        long[] array = map.get(feature);
        if (array == null) {
            throw new IllegalArgumentException("this batch was built without feature " + feature);
        }
        return array;
    }
}
