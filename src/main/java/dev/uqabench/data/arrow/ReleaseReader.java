package dev.uqabench.data.arrow;

import dev.uqabench.data.Feature;
import dev.uqabench.data.SequenceSource;
import dev.uqabench.data.UserSequence;
import dev.uqabench.base.UqaException;
import org.apache.arrow.flatbuf.Message;
import org.apache.arrow.flatbuf.MessageHeader;
import org.apache.arrow.flatbuf.RecordBatch;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.ipc.ArrowFileReader;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.apache.arrow.vector.ipc.message.ArrowBlock;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;

/**
 * Reads a release-layout Arrow file (the published UQABench files or ours) one record batch at
 * a time, so a full-scale file is never held whole as Java objects. The IPC file format is
 * expected; the IPC stream format (what Hugging Face {@code datasets} writes) is accepted too.
 *
 * <p>The schema is checked on open (ten {@code list<list<int64>>} feature columns; optional
 * {@code text} and {@code user_id} utf8; other columns ignored). Rows are checked as they are read;
 * a bad row or a corrupt file is a {@link UqaException} naming the file, row and column, unless
 * {@link ReadOptions#skipBadRows()} is set, in which case bad rows are counted in {@link #skipped()}.
 */
public final class ReleaseReader implements SequenceSource {

    /** Ceiling on off-heap memory for one pass, so a corrupt length field fails cleanly instead of exhausting RAM. */
    private static final long ALLOCATION_LIMIT = 16L << 30;
    private static final byte[] FILE_MAGIC = "ARROW1".getBytes(StandardCharsets.US_ASCII);

    private final Path file;
    private final ReadOptions options;
    private final boolean fileFormat;
    private final boolean hasText;
    private final boolean hasUser;
    private final boolean hasSubtask;
    private long rows = -1;
    private volatile BadRows lastSkipped = new BadRows();

    private ReleaseReader(Path file, ReadOptions options, boolean fileFormat, Schema schema) {
        this.file = file;
        this.options = options;
        this.fileFormat = fileFormat;
        this.hasText = checkUtf8(schema, ReleaseLayout.TEXT_COLUMN);
        this.hasUser = checkUtf8(schema, ReleaseLayout.USER_COLUMN);
        this.hasSubtask = checkUtf8(schema, ReleaseLayout.SUBTASK_COLUMN);
        for (Feature feature : Feature.values()) {
            checkFeature(schema, feature);
        }
    }

    public static ReleaseReader open(Path file) {
        return open(file, ReadOptions.STRICT);
    }

    /** Opens {@code file} and checks its schema; rows are read later, by {@link #batches} or {@link #rows(int)}. */
    public static ReleaseReader open(Path file, ReadOptions options) {
        if (!Files.isRegularFile(file)) {
            throw new UqaException(file + ": file not found");
        }
        boolean fileFormat = startsWithMagic(file);
        BufferAllocator allocator = newAllocator();
        try (ArrowReader reader = openArrow(file, fileFormat, allocator)) {
            Schema schema = reader.getVectorSchemaRoot().getSchema();
            ReleaseReader release = new ReleaseReader(file, options, fileFormat, schema);
            if (fileFormat) {
                release.rows = countRows(file, ((ArrowFileReader) reader).getRecordBlocks());
            }
            return release;
        } catch (UqaException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw corrupt(file, "cannot read the schema", e);
        } finally {
            closeAllocator(allocator);
        }
    }

    /**
     * Closes an allocator. Arrow's reader can leave buffers of a batch it failed to load
     * unreleased; the allocator then refuses to close. That memory (one batch at most) is
     * abandoned rather than turning a clean "corrupt file" error into an allocator error.
     */
    static void closeAllocator(BufferAllocator allocator) {
        try {
            allocator.close();
        } catch (IllegalStateException leakedByFailedRead) {
            // see above
        }
    }

    public Path file() {
        return file;
    }

    /** Whether rows carry the {@code text} column (align files). */
    public boolean hasText() {
        return hasText;
    }

    /** Whether rows carry {@code user_id} (our files); otherwise the user is the row index. */
    public boolean hasUserColumn() {
        return hasUser;
    }

    /** Whether rows carry a {@code subtask} code (our align files). */
    public boolean hasSubtaskColumn() {
        return hasSubtask;
    }

    /** Rows in the file, bad rows included (from the file footer; stream files are counted by one pass). */
    @Override
    public long rows() {
        if (rows < 0) {
            long n = 0;
            try (ReleasePass pass = new ReleasePass(this, 1 << 16, new BadRows())) {
                while (pass.hasNextRecordBatch()) {
                    n += pass.nextRecordBatchRows();
                }
            }
            rows = n;
        }
        return rows;
    }

    /** Rows skipped as bad during the latest finished pass (always empty unless skipping). */
    public BadRows skipped() {
        return lastSkipped;
    }

    @Override
    public Iterator<List<UserSequence>> batches(int batchSize) {
        ReleasePass pass = rows(batchSize);
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return pass.hasNext();
            }

            @Override
            public List<UserSequence> next() {
                List<ReleaseRow> rows = pass.next();
                List<UserSequence> sequences = new ArrayList<>(rows.size());
                for (ReleaseRow row : rows) {
                    sequences.add(row.sequence());
                }
                return sequences;
            }
        };
    }

    /**
     * One pass over the rows with their chat text, {@code batchSize} rows at a time. The pass
     * releases the file when exhausted; close it when stopping early.
     */
    public ReleasePass rows(int batchSize) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be >= 1, got " + batchSize);
        }
        BadRows tally = new BadRows();
        return new ReleasePass(this, batchSize, tally).onFinish(() -> lastSkipped = tally);
    }

    /** Reads every row into memory: for small files only (questions, tests). */
    public List<ReleaseRow> readAll() {
        List<ReleaseRow> all = new ArrayList<>();
        try (ReleasePass pass = rows(1024)) {
            pass.forEachRemaining(all::addAll);
        }
        return all;
    }

    ReadOptions options() {
        return options;
    }

    /** Opens a fresh Arrow reader on the file (each pass has its own channel and allocator). */
    static ArrowReader openArrow(Path file, boolean fileFormat, BufferAllocator allocator) throws IOException {
        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
        try {
            ArrowReader reader = fileFormat ? new ArrowFileReader(channel, allocator)
                    : new ArrowStreamReader(Channels.newInputStream(channel), allocator);
            reader.getVectorSchemaRoot();
            return reader;
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    ArrowReader openArrow(BufferAllocator allocator) throws IOException {
        return openArrow(file, fileFormat, allocator);
    }

    static BufferAllocator newAllocator() {
        return new RootAllocator(ALLOCATION_LIMIT);
    }

    static UqaException corrupt(Path file, String what, Throwable cause) {
        String reason = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        if (reason.startsWith("Please add arrow-compression module") || reason.startsWith("Unsupported codec type")) {
            // pyarrow can write LZ4/ZSTD-compressed IPC files; our Arrow build reads uncompressed ones only
            return new UqaException(file + ": compressed Arrow record batches are not supported (" + reason + "); "
                    + "re-save it uncompressed, e.g. pyarrow.ipc.new_file(path, schema) without compression", cause);
        }
        return new UqaException(file + ": corrupt or truncated Arrow file (" + what + "): " + reason, cause);
    }

    private static boolean startsWithMagic(Path file) {
        byte[] head = new byte[FILE_MAGIC.length];
        try (var in = Files.newInputStream(file)) {
            int n = in.readNBytes(head, 0, head.length);
            return n == head.length && Arrays.equals(head, FILE_MAGIC);
        } catch (IOException e) {
            throw new UqaException(file + ": cannot read (" + e.getMessage() + ")", e);
        }
    }

    /** Sums the row counts of the record-batch headers named in the footer, without reading batch bodies. */
    private static long countRows(Path file, List<ArrowBlock> blocks) throws IOException {
        long total = 0;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            for (ArrowBlock block : blocks) {
                if (block.getOffset() < 0 || block.getMetadataLength() < 8 || block.getOffset() + block.getMetadataLength() > size) {
                    throw new IOException("record batch header outside the file");
                }
                ByteBuffer header = ByteBuffer.allocate(block.getMetadataLength()).order(ByteOrder.LITTLE_ENDIAN);
                channel.read(header, block.getOffset());
                header.flip();
                // IPC message prefix: 0xFFFFFFFF continuation marker then the length (older files: length only)
                int skip = header.getInt(0) == -1 ? 8 : 4;
                header.position(skip);
                Message message = Message.getRootAsMessage(header.slice().order(ByteOrder.LITTLE_ENDIAN));
                if (message.headerType() != MessageHeader.RecordBatch) {
                    throw new IOException("footer block is not a record batch");
                }
                RecordBatch batch = (RecordBatch) message.header(new RecordBatch());
                if (batch == null || batch.length() < 0) {
                    throw new IOException("bad record batch header");
                }
                total += batch.length();
            }
        }
        return total;
    }

    private boolean checkUtf8(Schema schema, String column) {
        Field field = findField(schema, column);
        if (field == null) {
            return false;
        }
        if (!(field.getType() instanceof ArrowType.Utf8) && !(field.getType() instanceof ArrowType.LargeUtf8)) {
            throw new UqaException(file + ": column '" + column + "' has Arrow type " + field.getType() + ", expected utf8");
        }
        return true;
    }

    private void checkFeature(Schema schema, Feature feature) {
        Field field = findField(schema, feature.column());
        if (field == null) {
            throw new UqaException(file + ": missing column '" + feature.column() + "' (expected the ten feature columns "
                    + "of the UQABench release, list<list<int64>>)");
        }
        boolean ok = field.getType() instanceof ArrowType.List
                && field.getChildren().size() == 1
                && field.getChildren().get(0).getType() instanceof ArrowType.List
                && field.getChildren().get(0).getChildren().size() == 1
                && field.getChildren().get(0).getChildren().get(0).getType() instanceof ArrowType.Int integer
                && integer.getBitWidth() == 64 && integer.getIsSigned();
        if (!ok) {
            throw new UqaException(file + ": column '" + feature.column() + "' has Arrow type " + describe(field)
                    + ", expected list<list<int64>>");
        }
    }

    private static Field findField(Schema schema, String name) {
        for (Field field : schema.getFields()) {
            if (field.getName().equals(name)) {
                return field;
            }
        }
        return null;
    }

    private static String describe(Field field) {
        String type = field.getType().toString();
        if (field.getChildren().isEmpty()) {
            return type;
        }
        return type + "<" + describe(field.getChildren().get(0)) + ">";
    }
}
