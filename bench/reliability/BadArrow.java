// Writes the bad Arrow files the reliability replay needs (run by replay.sh as a single-file Java program
// against target/uqabench.jar and target/lib). Usage: BadArrow KIND GOOD_FILE OUT_FILE
//   negative-id  : GOOD_FILE's rows with row 3's first item id made -5
//   empty        : the release schema with no rows
//   wrong-types  : the ten feature columns as utf8 instead of list<list<int64>>
import dev.uqabench.data.Event;
import dev.uqabench.data.Feature;
import dev.uqabench.data.UserSequence;
import dev.uqabench.data.arrow.ReleaseReader;
import dev.uqabench.data.arrow.ReleaseRow;
import dev.uqabench.data.arrow.ReleaseWriter;
import java.io.FileOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowFileWriter;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

public class BadArrow {
    public static void main(String[] args) throws Exception {
        String kind = args[0];
        Path good = Path.of(args[1]);
        Path out = Path.of(args[2]);
        switch (kind) {
            case "negative-id" -> {
                List<ReleaseRow> rows = ReleaseReader.open(good).readAll();
                try (ReleaseWriter writer = ReleaseWriter.create(out, false, 1024)) {
                    for (ReleaseRow row : rows) {
                        UserSequence s = row.sequence();
                        if (row.index() == 3) {
                            List<Event> events = new ArrayList<>(s.events());
                            Event e = events.get(0);
                            events.set(0, new Event(-5, e.category(), e.brand(), e.shop(), e.seller(), e.tokens()));
                            s = new UserSequence(s.user(), events);
                        }
                        writer.write(s);
                    }
                    writer.commit();
                }
            }
            case "empty" -> {
                try (ReleaseWriter writer = ReleaseWriter.create(out, false, 1024)) {
                    writer.commit();
                }
            }
            case "wrong-types" -> {
                List<Field> fields = new ArrayList<>();
                for (Feature f : Feature.values()) {
                    fields.add(new Field(f.column(), FieldType.nullable(ArrowType.Utf8.INSTANCE), null));
                }
                try (RootAllocator allocator = new RootAllocator();
                     VectorSchemaRoot root = VectorSchemaRoot.create(new Schema(fields), allocator);
                     FileOutputStream stream = new FileOutputStream(out.toFile());
                     ArrowFileWriter writer = new ArrowFileWriter(root, null, stream.getChannel())) {
                    writer.start();
                    for (Feature f : Feature.values()) {
                        VarCharVector v = (VarCharVector) root.getVector(f.column());
                        v.allocateNew(2);
                        v.setSafe(0, "1".getBytes(StandardCharsets.UTF_8));
                        v.setSafe(1, "2".getBytes(StandardCharsets.UTF_8));
                        v.setValueCount(2);
                    }
                    root.setRowCount(2);
                    writer.writeBatch();
                    writer.end();
                }
            }
            default -> throw new IllegalArgumentException(kind);
        }
    }
}
