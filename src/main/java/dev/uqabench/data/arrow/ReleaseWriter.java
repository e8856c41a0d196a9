package dev.uqabench.data.arrow;

import dev.uqabench.base.AtomicFiles;
import dev.uqabench.data.Event;
import dev.uqabench.data.Feature;
import dev.uqabench.data.UserSequence;
import dev.uqabench.base.UqaException;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.ipc.ArrowFileWriter;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * Writes one release-layout Arrow IPC file, a record batch every {@code batchRows} rows. The file
 * is written under a temporary name and renamed by {@link #commit()}; closing without committing
 * deletes it, so an interrupted write leaves nothing that looks finished.
 *
 * <pre>{@code
 * try (ReleaseWriter out = ReleaseWriter.create(dir.resolve(ReleaseLayout.PRETRAIN_TRAIN), false, 1024)) {
 *     for (UserSequence s : users) out.write(s);
 *     out.commit();
 * }
 * }</pre>
 */
public final class ReleaseWriter implements AutoCloseable {

    public static final int DEFAULT_BATCH_ROWS = 1024;

    private final Path target;
    private final Path temporary;
    private final boolean withText;
    private final int batchRows;
    private final BufferAllocator allocator;
    private final VectorSchemaRoot root;
    private final FileChannel channel;
    private final ArrowFileWriter writer;
    private final ListVector[] features = new ListVector[Feature.values().length];
    private final VarCharVector text;
    private final VarCharVector subtask;
    private final VarCharVector user;
    private int rowsInBatch;
    private long rowsWritten;
    private boolean finished;

    private ReleaseWriter(Path target, boolean withText, int batchRows) throws IOException {
        this.target = target;
        this.withText = withText;
        this.batchRows = batchRows;
        this.temporary = AtomicFiles.temporaryFor(target);
        this.allocator = new RootAllocator();
        this.root = VectorSchemaRoot.create(ReleaseLayout.schema(withText), allocator);
        for (Feature feature : Feature.values()) {
            features[feature.ordinal()] = (ListVector) root.getVector(feature.column());
        }
        this.text = withText ? (VarCharVector) root.getVector(ReleaseLayout.TEXT_COLUMN) : null;
        this.subtask = withText ? (VarCharVector) root.getVector(ReleaseLayout.SUBTASK_COLUMN) : null;
        this.user = (VarCharVector) root.getVector(ReleaseLayout.USER_COLUMN);
        this.channel = FileChannel.open(temporary, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
        this.writer = new ArrowFileWriter(root, null, channel);
        writer.start();
        allocateBatch();
    }

    /**
     * Opens a writer for {@code target}.
     *
     * @param withText  whether rows carry the {@code text} column (align files)
     * @param batchRows rows per record batch (readers hold one batch in memory at a time)
     */
    public static ReleaseWriter create(Path target, boolean withText, int batchRows) {
        if (batchRows < 1) {
            throw new IllegalArgumentException("batchRows must be >= 1, got " + batchRows);
        }
        try {
            return new ReleaseWriter(target, withText, batchRows);
        } catch (IOException e) {
            throw new UqaException("cannot write " + target + ": " + e.getMessage(), e);
        }
    }

    /** Appends a pretrain row (no text). */
    public void write(UserSequence sequence) {
        if (withText) {
            throw new IllegalStateException(target.getFileName() + " is an align file: rows need their text");
        }
        append(sequence, null, null);
    }

    /** Appends an align row: the history the question is asked about, and its chat text. */
    public void write(UserSequence sequence, ChatText chat) {
        write(sequence, chat, null);
    }

    /** Appends an align row with the question's sub-task code ("df", "mf", ...; null: unknown). */
    public void write(UserSequence sequence, ChatText chat, String subtaskCode) {
        if (!withText) {
            throw new IllegalStateException(target.getFileName() + " is a pretrain file: rows carry no text");
        }
        append(sequence, chat.toJson(), subtaskCode);
    }

    private void append(UserSequence sequence, String chatJson, String subtaskCode) {
        if (finished) {
            throw new IllegalStateException("writer for " + target + " is already closed");
        }
        int row = rowsInBatch;
        List<Event> events = sequence.events();
        if (events.isEmpty()) {
            // readers reject empty sequences; refuse to write one rather than produce an unreadable file
            throw new IllegalArgumentException(target.getFileName() + ", row " + rowsWritten + ": user '" + sequence.user()
                    + "' has no events");
        }
        for (Feature feature : Feature.values()) {
            ListVector perEvent = features[feature.ordinal()];
            ListVector perValue = (ListVector) perEvent.getDataVector();
            BigIntVector values = (BigIntVector) perValue.getDataVector();
            int eventOffset = perEvent.startNewValue(row);
            boolean isId = feature.kind() == Feature.Kind.ID;
            for (int e = 0; e < events.size(); e++) {
                int valueOffset = perValue.startNewValue(eventOffset + e);
                if (isId) {
                    // one id per event; read without the array values() would allocate
                    values.setSafe(valueOffset, events.get(e).id(feature));
                    perValue.endValue(eventOffset + e, 1);
                    continue;
                }
                long[] ids = events.get(e).values(feature);
                for (int k = 0; k < ids.length; k++) {
                    values.setSafe(valueOffset + k, ids[k]);
                }
                perValue.endValue(eventOffset + e, ids.length);
            }
            perEvent.endValue(row, events.size());
        }
        if (chatJson != null) {
            text.setSafe(row, chatJson.getBytes(StandardCharsets.UTF_8));
            if (subtaskCode != null) {
                subtask.setSafe(row, subtaskCode.getBytes(StandardCharsets.UTF_8));
            } else {
                subtask.setNull(row);
            }
        }
        user.setSafe(row, sequence.user().getBytes(StandardCharsets.UTF_8));
        rowsInBatch++;
        rowsWritten++;
        if (rowsInBatch == batchRows) {
            flushBatch();
        }
    }

    private void flushBatch() {
        if (rowsInBatch == 0) {
            return;
        }
        root.setRowCount(rowsInBatch);
        try {
            writer.writeBatch();
        } catch (IOException e) {
            throw new UqaException("cannot write " + target + ": " + e.getMessage(), e);
        }
        rowsInBatch = 0;
        allocateBatch();
    }

    private void allocateBatch() {
        for (FieldVector vector : root.getFieldVectors()) {
            vector.clear();
            vector.allocateNew();
        }
    }

    public long rowsWritten() {
        return rowsWritten;
    }

    /** Writes the last batch and the footer, then renames the file to its final name. */
    public void commit() {
        flushBatch();
        try {
            writer.end();
            writer.close();
            channel.close();
        } catch (IOException e) {
            throw new UqaException("cannot write " + target + ": " + e.getMessage(), e);
        } finally {
            finished = true;
            release();
        }
        AtomicFiles.commit(temporary, target);
    }

    /** Without a prior {@link #commit()}, abandons the file: nothing remains under either name. */
    @Override
    public void close() {
        if (finished) {
            return;
        }
        finished = true;
        try {
            writer.close();
            channel.close();
        } catch (IOException | RuntimeException ignored) {
            // abandoning: the temporary file is deleted below either way
        }
        release();
        AtomicFiles.deleteQuietly(temporary);
    }

    private void release() {
        root.close();
        allocator.close();
    }
}
