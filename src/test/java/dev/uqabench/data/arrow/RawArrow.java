package dev.uqabench.data.arrow;

import dev.uqabench.data.Feature;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.compression.AbstractCompressionCodec;
import org.apache.arrow.vector.compression.CompressionCodec;
import org.apache.arrow.vector.compression.CompressionUtil;
import org.apache.arrow.vector.ipc.ArrowFileWriter;
import org.apache.arrow.vector.ipc.message.IpcOption;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

import java.io.FileOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes Arrow files with arbitrary (also wrong) content, bypassing {@link ReleaseWriter}'s
 * guarantees, to test how the reader handles bad input. Rows: per column, row -> events -> ids.
 */
final class RawArrow {

    final Map<String, List<List<long[]>>> features = new LinkedHashMap<>();
    final Map<String, List<String>> strings = new LinkedHashMap<>();
    /** Columns written as list<list<int32>> instead of int64. */
    final List<String> int32Columns = new ArrayList<>();
    /** Mark record batches LZ4-compressed, as pyarrow can write them (bodies are stored raw, which the format allows). */
    boolean lz4;

    /** A valid file of {@code rows} rows, each with {@code events} events of id 1 and token ids {1, 2}. */
    static RawArrow valid(int rows, int events) {
        RawArrow raw = new RawArrow();
        for (Feature feature : Feature.values()) {
            List<List<long[]>> column = new ArrayList<>();
            for (int r = 0; r < rows; r++) {
                List<long[]> row = new ArrayList<>();
                for (int e = 0; e < events; e++) {
                    row.add(feature.kind() == Feature.Kind.ID ? new long[] {1 + e} : new long[] {1, 2});
                }
                column.add(row);
            }
            raw.features.put(feature.column(), column);
        }
        return raw;
    }

    RawArrow text(String... rows) {
        strings.put(ReleaseLayout.TEXT_COLUMN, List.of(rows));
        return this;
    }

    void write(Path file) throws Exception {
        List<Field> fields = new ArrayList<>();
        for (String name : features.keySet()) {
            ArrowType leaf = int32Columns.contains(name) ? new ArrowType.Int(32, true) : new ArrowType.Int(64, true);
            Field values = new Field("item", FieldType.nullable(leaf), null);
            Field event = new Field("item", FieldType.nullable(ArrowType.List.INSTANCE), List.of(values));
            fields.add(new Field(name, FieldType.nullable(ArrowType.List.INSTANCE), List.of(event)));
        }
        for (String name : strings.keySet()) {
            fields.add(new Field(name, FieldType.nullable(ArrowType.Utf8.INSTANCE), null));
        }
        int rows = features.values().stream().mapToInt(List::size).max()
                .orElse(strings.values().stream().mapToInt(List::size).max().orElse(0));
        try (BufferAllocator allocator = new RootAllocator();
             VectorSchemaRoot root = VectorSchemaRoot.create(new Schema(fields), allocator);
             FileOutputStream out = new FileOutputStream(file.toFile());
             ArrowFileWriter writer = lz4
                     ? new ArrowFileWriter(root, null, out.getChannel(), null, IpcOption.DEFAULT,
                             new StoredRawLz4Factory(), CompressionUtil.CodecType.LZ4_FRAME)
                     : new ArrowFileWriter(root, null, out.getChannel())) {
            for (FieldVector vector : root.getFieldVectors()) {
                vector.allocateNew();
            }
            features.forEach((name, column) -> {
                ListVector perEvent = (ListVector) root.getVector(name);
                ListVector perValue = (ListVector) perEvent.getDataVector();
                FieldVector values = perValue.getDataVector();
                for (int r = 0; r < column.size(); r++) {
                    List<long[]> row = column.get(r);
                    if (row == null) {
                        perEvent.setNull(r);
                        continue;
                    }
                    int eventOffset = perEvent.startNewValue(r);
                    for (int e = 0; e < row.size(); e++) {
                        int valueOffset = perValue.startNewValue(eventOffset + e);
                        long[] ids = row.get(e);
                        for (int k = 0; k < ids.length; k++) {
                            if (values instanceof IntVector ints) {
                                ints.setSafe(valueOffset + k, (int) ids[k]);
                            } else {
                                ((BigIntVector) values).setSafe(valueOffset + k, ids[k]);
                            }
                        }
                        perValue.endValue(eventOffset + e, ids.length);
                    }
                    perEvent.endValue(r, row.size());
                }
            });
            strings.forEach((name, column) -> {
                VarCharVector vector = (VarCharVector) root.getVector(name);
                for (int r = 0; r < column.size(); r++) {
                    if (column.get(r) == null) {
                        vector.setNull(r);
                    } else {
                        vector.setSafe(r, column.get(r).getBytes(StandardCharsets.UTF_8));
                    }
                }
            });
            root.setRowCount(rows);
            writer.start();
            writer.writeBatch();
            writer.end();
        }
    }

    /**
     * Claims LZ4 but never compresses: a "compressed" result larger than its input makes Arrow
     * store the buffer raw with the uncompressed marker, a valid LZ4-flagged batch.
     */
    private static final class StoredRawLz4 extends AbstractCompressionCodec {
        @Override
        protected ArrowBuf doCompress(BufferAllocator allocator, ArrowBuf uncompressed) {
            long size = uncompressed.writerIndex() + 64;
            ArrowBuf larger = allocator.buffer(size);
            larger.writerIndex(size);
            return larger;
        }

        @Override
        protected ArrowBuf doDecompress(BufferAllocator allocator, ArrowBuf compressed) {
            throw new UnsupportedOperationException("test codec only writes");
        }

        @Override
        public CompressionUtil.CodecType getCodecType() {
            return CompressionUtil.CodecType.LZ4_FRAME;
        }
    }

    private static final class StoredRawLz4Factory implements CompressionCodec.Factory {
        @Override
        public CompressionCodec createCodec(CompressionUtil.CodecType type) {
            return new StoredRawLz4();
        }

        @Override
        public CompressionCodec createCodec(CompressionUtil.CodecType type, int level) {
            return new StoredRawLz4();
        }
    }
}
