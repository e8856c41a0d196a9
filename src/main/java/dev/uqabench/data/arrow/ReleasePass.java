package dev.uqabench.data.arrow;

import dev.uqabench.data.Event;
import dev.uqabench.data.Feature;
import dev.uqabench.data.Table;
import dev.uqabench.data.UserSequence;
import dev.uqabench.base.UqaException;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.util.ValueVectorUtility;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * One pass over a release file: loads one record batch at a time, checks each row and turns it
 * into a {@link ReleaseRow}. Closes itself when exhausted; {@link #close()} releases it early.
 */
public final class ReleasePass implements Iterator<List<ReleaseRow>>, AutoCloseable {

    private static final Feature[] FEATURES = Feature.values();
    private static final int ID_FEATURES = 5;

    private final ReleaseReader release;
    private final Path file;
    private final int batchSize;
    private final BadRows skipped;
    private final long[] limits = new long[FEATURES.length];
    private final BufferAllocator allocator;
    private final ArrowReader reader;
    private final ListVector[] perEvent = new ListVector[FEATURES.length];
    private final ListVector[] perValue = new ListVector[FEATURES.length];
    private final BigIntVector[] values = new BigIntVector[FEATURES.length];
    /** Whether the value vector of a feature has nulls in the loaded batch (counted once per batch: it scans the bitmap). */
    private final boolean[] valuesHaveNulls = new boolean[FEATURES.length];
    private VarCharVector text;
    private VarCharVector user;
    private VarCharVector subtask;
    private int recordBatch = -1;
    private int batchRows;
    private int cursor;
    private long batchStartRow;
    private List<ReleaseRow> pending = new ArrayList<>();
    private boolean exhausted;
    private boolean closed;
    private Runnable onFinish = () -> { };

    ReleasePass(ReleaseReader release, int batchSize, BadRows skipped) {
        this.release = release;
        this.file = release.file();
        this.batchSize = batchSize;
        this.skipped = skipped;
        for (Feature feature : FEATURES) {
            limits[feature.ordinal()] = release.options().limit(feature.table());
        }
        this.allocator = ReleaseReader.newAllocator();
        try {
            this.reader = release.openArrow(allocator);
        } catch (IOException | RuntimeException e) {
            ReleaseReader.closeAllocator(allocator);
            throw ReleaseReader.corrupt(file, "cannot open", e);
        }
    }

    ReleasePass onFinish(Runnable action) {
        this.onFinish = action;
        return this;
    }

    @Override
    public boolean hasNext() {
        fill();
        return !pending.isEmpty();
    }

    @Override
    public List<ReleaseRow> next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        List<ReleaseRow> batch = pending;
        pending = new ArrayList<>(batchSize);
        return batch;
    }

    /** Rows skipped so far in this pass. */
    public BadRows skipped() {
        return skipped;
    }

    /** Loads the next record batch without decoding it (row counting of stream files). */
    boolean hasNextRecordBatch() {
        return !exhausted && loadNextRecordBatch();
    }

    int nextRecordBatchRows() {
        cursor = batchRows;
        return batchRows;
    }

    private void fill() {
        while (pending.size() < batchSize && !exhausted) {
            if (cursor >= batchRows && !loadNextRecordBatch()) {
                break;
            }
            ReleaseRow row = decode(cursor);
            cursor++;
            if (row != null) {
                pending.add(row);
            }
        }
    }

    private boolean loadNextRecordBatch() {
        try {
            boolean loaded;
            do {
                batchStartRow += batchRows;
                batchRows = 0;
                cursor = 0;
                loaded = reader.loadNextBatch();
                recordBatch++;
                if (loaded) {
                    VectorSchemaRoot root = reader.getVectorSchemaRoot();
                    batchRows = root.getRowCount();
                    bind(root);
                }
            } while (loaded && batchRows == 0);
            if (!loaded) {
                close();
            }
            return loaded;
        } catch (UqaException e) {
            close();
            throw e;
        } catch (IOException | RuntimeException e) {
            close();
            throw ReleaseReader.corrupt(file, "record batch " + recordBatch, e);
        }
    }

    /** Checks buffer and offset consistency of the loaded batch before any value is read from it. */
    private void bind(VectorSchemaRoot root) {
        for (Feature feature : FEATURES) {
            FieldVector vector = root.getVector(feature.column());
            ValueVectorUtility.validateFull(vector);
            perEvent[feature.ordinal()] = (ListVector) vector;
            perValue[feature.ordinal()] = (ListVector) perEvent[feature.ordinal()].getDataVector();
            values[feature.ordinal()] = (BigIntVector) perValue[feature.ordinal()].getDataVector();
            valuesHaveNulls[feature.ordinal()] = values[feature.ordinal()].getNullCount() > 0;
        }
        text = release.hasText() ? (VarCharVector) root.getVector(ReleaseLayout.TEXT_COLUMN) : null;
        user = release.hasUserColumn() ? (VarCharVector) root.getVector(ReleaseLayout.USER_COLUMN) : null;
        subtask = release.hasSubtaskColumn() ? (VarCharVector) root.getVector(ReleaseLayout.SUBTASK_COLUMN) : null;
        if (subtask != null) {
            ValueVectorUtility.validateFull(subtask);
        }
        if (text != null) {
            ValueVectorUtility.validateFull(text);
        }
        if (user != null) {
            ValueVectorUtility.validateFull(user);
        }
    }

    /** The row at {@code r} of the loaded batch, or null when it is bad and bad rows are skipped. */
    private ReleaseRow decode(int r) {
        long row = batchStartRow + r;
        try {
            return new ReleaseRow(row, new UserSequence(userOf(r, row), events(r)), chatOf(r), subtaskOf(r));
        } catch (BadRow bad) {
            String message = file + ", row " + row + ", column '" + bad.column + "': " + bad.getMessage();
            if (!release.options().skipBadRows()) {
                close();
                throw new UqaException(message);
            }
            skipped.record(bad.reason, message);
            return null;
        }
    }

    private List<Event> events(int r) {
        int[] eventStart = new int[FEATURES.length];
        int events = -1;
        for (Feature feature : FEATURES) {
            ListVector list = perEvent[feature.ordinal()];
            if (list.isNull(r)) {
                throw new BadRow("missing value", feature.column(), "expected a list of events, got null");
            }
            ArrowBuf offsets = list.getOffsetBuffer();
            int start = offsets.getInt((long) r * ListVector.OFFSET_WIDTH);
            int length = offsets.getInt((long) (r + 1) * ListVector.OFFSET_WIDTH) - start;
            eventStart[feature.ordinal()] = start;
            if (events < 0) {
                events = length;
            } else if (length != events) {
                throw new BadRow("features differ in number of events", feature.column(), "expected " + events
                        + " events (as in " + FEATURES[0].column() + "), got " + length);
            }
        }
        if (events == 0) {
            throw new BadRow("empty sequence", FEATURES[0].column(), "expected at least one event, got none");
        }
        List<Event> out = new ArrayList<>(events);
        long[] ids = new long[ID_FEATURES];
        for (int e = 0; e < events; e++) {
            for (int f = 0; f < ID_FEATURES; f++) {
                long[] one = valuesOf(f, eventStart[f] + e, e);
                if (one.length > 1) {
                    throw new BadRow("several ids in one event", FEATURES[f].column(),
                            "event " + e + ": expected one id, got " + one.length);
                }
                // an empty id list (no such attribute) reads as id 0, the padding/unknown row of every table
                ids[f] = one.length == 0 ? 0 : one[0];
            }
            long[][] tokens = new long[Event.TEXT_FEATURES.length][];
            for (int t = 0; t < tokens.length; t++) {
                int f = Event.TEXT_FEATURES[t].ordinal();
                tokens[t] = valuesOf(f, eventStart[f] + e, e);
            }
            out.add(new Event(ids[0], ids[1], ids[2], ids[3], ids[4], tokens));
        }
        return out;
    }

    /** The ids of one event of feature {@code f}, range-checked against its table. */
    private long[] valuesOf(int f, int eventIndex, int e) {
        ListVector list = perValue[f];
        if (list.isNull(eventIndex)) {
            throw new BadRow("missing value", FEATURES[f].column(), "event " + e + ": expected a list of ids, got null");
        }
        ArrowBuf offsets = list.getOffsetBuffer();
        int start = offsets.getInt((long) eventIndex * ListVector.OFFSET_WIDTH);
        int end = offsets.getInt((long) (eventIndex + 1) * ListVector.OFFSET_WIDTH);
        BigIntVector vector = values[f];
        boolean mayHaveNulls = valuesHaveNulls[f];
        ArrowBuf data = vector.getDataBuffer();
        long[] out = new long[end - start];
        long limit = limits[f];
        for (int k = 0; k < out.length; k++) {
            if (mayHaveNulls && vector.isNull(start + k)) {
                throw new BadRow("missing value", FEATURES[f].column(), "event " + e + ": id " + k + " is null");
            }
            long id = data.getLong((long) (start + k) * BigIntVector.TYPE_WIDTH);
            if (id < 0) {
                throw new BadRow("negative id", FEATURES[f].column(), "event " + e + ": expected an id >= 0, got " + id);
            }
            if (id >= limit) {
                Table table = FEATURES[f].table();
                throw new BadRow("id >= table size", FEATURES[f].column(), "event " + e + ": id " + id
                        + " is outside table " + table.key() + " (size " + limit + ", ids 0.." + (limit - 1) + ")");
            }
            out[k] = id;
        }
        return out;
    }

    private String userOf(int r, long row) {
        if (user == null || user.isNull(r)) {
            return Long.toString(row);
        }
        return new String(user.get(r), StandardCharsets.UTF_8);
    }

    private String subtaskOf(int r) {
        return subtask == null || subtask.isNull(r) ? null : new String(subtask.get(r), StandardCharsets.UTF_8);
    }

    private ChatText chatOf(int r) {
        if (text == null) {
            return null;
        }
        if (text.isNull(r)) {
            throw new BadRow("bad chat text", ReleaseLayout.TEXT_COLUMN, "expected a JSON chat list, got null");
        }
        try {
            return ChatText.parse(new String(text.get(r), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            throw new BadRow("bad chat text", ReleaseLayout.TEXT_COLUMN, e.getMessage());
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        exhausted = true;
        try {
            reader.close();
        } catch (IOException | RuntimeException ignored) {
            // releasing: nothing more is read from this pass
        }
        ReleaseReader.closeAllocator(allocator);
        onFinish.run();
    }

    /** A row-level check failure; becomes a {@link UqaException} or a skipped-row count. */
    private static final class BadRow extends RuntimeException {
        final String reason;
        final String column;

        BadRow(String reason, String column, String message) {
            super(message, null, false, false);
            this.reason = reason;
            this.column = column;
        }
    }
}
